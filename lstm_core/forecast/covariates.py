"""Inputs a global model knows in advance: the calendar of the target steps and a code for each series.

Both are (n + H, F) arrays per series, one row per step of its training part and the H steps after it, read by
forecast.global_model.series_windows (input step i of a window starting at t carries row t + i + H, so a window's
last H steps carry its target steps' rows). Neither reads a value of the series: only its time index and its
position in the collection.

- `calendar_features(index)`: the month (monthly, quarterly and longer steps) or the weekday (steps under a week)
  as sine and cosine, (len(index), 2); None for an index without dates.
- `series_codes(count, dimension, seed)`: a fixed random code per series, (S, dimension), each entry N(0, 1) from
  `seed`. Concatenated to every input step, it is an embedding of the series id whose meaning the network's input
  weights learn (the code itself is fixed, not trained: with `dimension` >= S it is as expressive as a one-hot id).
- `with_series_ids(lengths, covariates)`: each series' rows with its id (0 .. S-1) as a last column, for a trained
  embedding (nn.series_embedding learns a vector per id; global_model's `series_embedding`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["calendar_features", "known_inputs", "series_codes", "with_series_ids"]


def calendar_features(index: pd.Index) -> np.ndarray | None:
    """(len(index), 2): sin and cos of the month's (or, for steps under a week, the weekday's) phase; None
    without dates."""
    if not isinstance(index, pd.DatetimeIndex) or len(index) < 2:
        return None
    step = pd.Series(index).diff().median()
    daily = step < pd.Timedelta(days=7)
    phase = index.dayofweek.to_numpy() / 7.0 if daily else (index.month.to_numpy() - 1) / 12.0  # (n,)
    angle = 2 * np.pi * phase
    return np.stack([np.sin(angle), np.cos(angle)], axis=1)  # (n, 2)


def series_codes(count: int, dimension: int, seed: int) -> np.ndarray:
    """A fixed random code of `dimension` entries for each of `count` series: (count, dimension)."""
    return np.random.default_rng([seed, 20]).normal(0.0, 1.0, (count, dimension))


def known_inputs(
    lengths: Sequence[int], calendars: Sequence[np.ndarray | None], *, embedding: int, seed: int
) -> list[np.ndarray] | None:
    """Per series, (lengths[k], F): its calendar rows (zeros where it has no dates) beside its code; None when
    neither is asked for (`calendars` all None and `embedding` 0)."""
    use_calendar = any(c is not None for c in calendars)
    if not use_calendar and embedding <= 0:
        return None
    codes = series_codes(len(lengths), embedding, seed) if embedding > 0 else None
    rows = []
    for k, length in enumerate(lengths):
        parts = []
        if use_calendar:
            calendar = calendars[k]
            parts.append(np.zeros((length, 2)) if calendar is None else np.asarray(calendar, dtype=np.float64))
        if codes is not None:
            parts.append(np.repeat(codes[k][None, :], length, axis=0))
        rows.append(np.concatenate(parts, axis=1))  # (length, F)
    return rows


def with_series_ids(lengths: Sequence[int], covariates: Sequence[np.ndarray | None] | None) -> list[np.ndarray]:
    """Per series, (lengths[k], F + 1): its covariates (none: F = 0) beside a column holding its id k."""
    covariates = covariates or [None] * len(lengths)
    rows = []
    for k, (length, known) in enumerate(zip(lengths, covariates, strict=True)):
        known = np.zeros((length, 0)) if known is None else np.asarray(known, dtype=np.float64).reshape(length, -1)
        rows.append(np.concatenate([known, np.full((length, 1), float(k))], axis=1))
    return rows
