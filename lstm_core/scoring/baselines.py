"""Honest baselines: naive (last value), seasonal naive, drift.

Pure functions on 1-D arrays of the target in the user's units. The one-step versions
forecast positions [start, T) of `values` using only values before each position, exactly
like the LSTM's one-step test predictions; the `_future` versions continue past the end.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "drift",
    "drift_future",
    "naive",
    "naive_future",
    "season_length_for",
    "seasonal_naive",
    "seasonal_naive_future",
]

# Conventional season lengths by pandas frequency (as statsforecast and Hyndman use them).
_SEASONS = {"H": 24, "h": 24, "D": 7, "B": 5, "W": 52, "M": 12, "MS": 12, "ME": 12, "Q": 4, "QS": 4, "QE": 4}


def season_length_for(freq: str | None) -> int | None:
    """The usual season length for a pandas frequency alias, or None when there is none."""
    if not freq:
        return None
    base = freq.split("-")[0].lstrip("0123456789") or freq
    return _SEASONS.get(base)


def _check_start(start: int) -> None:
    if start < 1:  # position 0 has no past to forecast from
        raise ValueError(f"`start` must be at least 1. Received: start={start}")


def naive(values: np.ndarray, start: int) -> np.ndarray:
    """Forecast for each t in [start, T): the value at t - 1."""
    _check_start(start)
    values = np.asarray(values, dtype=np.float64)  # (T,)
    return values[start - 1 : len(values) - 1].copy()  # (T - start,)


def seasonal_naive(values: np.ndarray, start: int, season_length: int) -> np.ndarray | None:
    """Forecast for each t in [start, T): the value one season earlier; None if start < season."""
    values = np.asarray(values, dtype=np.float64)  # (T,)
    if season_length is None or start < season_length:
        return None
    return values[start - season_length : len(values) - season_length].copy()  # (T - start,)


def drift(values: np.ndarray, start: int) -> np.ndarray:
    """Forecast for each t in [start, T): the line through the first value and the value at t - 1."""
    _check_start(start)
    values = np.asarray(values, dtype=np.float64)  # (T,)
    t = np.arange(max(start, 2), len(values))
    previous = values[t - 1]
    slope = (previous - values[0]) / (t - 1)
    out = previous + slope
    if start < 2:  # t = 1 has no slope yet: fall back to naive there
        out = np.concatenate([values[:1], out])
    return out


def naive_future(values: np.ndarray, steps: int) -> np.ndarray:
    """The last value, repeated `steps` times."""
    return np.full(steps, float(np.asarray(values)[-1]))


def seasonal_naive_future(values: np.ndarray, steps: int, season_length: int) -> np.ndarray | None:
    """The last full season, repeated; None if the series is shorter than a season."""
    values = np.asarray(values, dtype=np.float64)
    if season_length is None or len(values) < season_length:
        return None
    last_season = values[-season_length:]
    return np.resize(last_season, steps).astype(np.float64)


def drift_future(values: np.ndarray, steps: int) -> np.ndarray:
    """The line through the first and last values, extended `steps` steps."""
    values = np.asarray(values, dtype=np.float64)
    slope = (values[-1] - values[0]) / max(len(values) - 1, 1)
    return values[-1] + slope * np.arange(1, steps + 1)
