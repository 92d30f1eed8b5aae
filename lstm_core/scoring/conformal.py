"""Split conformal prediction intervals per horizon step, and their measured coverage.

A band at level L around a forecast is ± q, where q is the ceil((n + 1)(1 - alpha))-th smallest of n
calibration errors (alpha = 1 - L/100): the absolute errors of rolling-origin forecasts made *after*
the training part, at the same horizon step, never training residuals. With too few errors
(ceil((n + 1)(1 - alpha)) > n) there is no band: NaN, and a note says so. A time series is not
exchangeable, so coverage is measured on held-out points (`coverage`), never assumed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NotRequired, TypedDict

import numpy as np

__all__ = [
    "Coverage",
    "Intervals",
    "LevelCoverage",
    "coverage",
    "half_width",
    "half_widths",
    "level_name",
    "minimum_errors",
    "rolling_bands",
]


class Coverage(TypedDict):
    """How a band did on held-out points: the share inside it, its mean width, and over how many points."""

    empirical: float | None
    mean_width: float | None
    points: int


class LevelCoverage(Coverage):
    nominal: float  # the level as a fraction: 0.8 for 80%


class Intervals(TypedDict):
    """A run's `intervals` in metrics.json: how the bands were calibrated and, per level ("80"), their coverage on
    the test part; or, with nothing to calibrate on, `calibration` None and a `note` saying why."""

    calibration: str | None
    levels: NotRequired[dict[str, LevelCoverage]]
    note: NotRequired[str]


def level_name(level: float) -> str:
    """80.0 -> "80", 97.5 -> "97.5": the key in JSON and the suffix of `lower_<L>`/`upper_<L>` columns."""
    return f"{level:g}"


def minimum_errors(level: float) -> int:
    """The fewest calibration errors that give a finite band at `level` (4 for 80%, 19 for 95%)."""
    alpha = 1.0 - level / 100.0
    n = 1
    while math.ceil((n + 1) * (1.0 - alpha) - 1e-9) > n:
        n += 1
    return n


def half_width(errors: np.ndarray, level: float) -> float:
    """The conformal half-width at `level` from absolute errors (any order); NaN when there are too few."""
    errors = np.asarray(errors, dtype=np.float64).ravel()
    errors = errors[np.isfinite(errors)]
    n = len(errors)
    rank = math.ceil((n + 1) * (level / 100.0) - 1e-9)  # 1-based rank; the epsilon absorbs float noise
    if n == 0 or rank > n:
        return math.nan
    return float(np.partition(errors, rank - 1)[rank - 1])


def half_widths(errors: np.ndarray, levels: Sequence[float]) -> np.ndarray:
    """Per level and horizon step: errors (n, H) -> half-widths (len(levels), H), NaN where too few."""
    errors = np.asarray(errors, dtype=np.float64).reshape(len(errors), -1)  # (n, H)
    return np.array([[half_width(errors[:, h], level) for h in range(errors.shape[1])] for level in levels])


def coverage(actual: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> Coverage:
    """Share of points inside [lower, upper] and the mean width, over the points that have a band."""
    actual, lower, upper = (np.asarray(a, dtype=np.float64).ravel() for a in (actual, lower, upper))
    has = np.isfinite(lower) & np.isfinite(upper) & np.isfinite(actual)
    points = int(has.sum())
    if points == 0:
        return {"empirical": None, "mean_width": None, "points": 0}
    inside = (actual[has] >= lower[has]) & (actual[has] <= upper[has])
    return {
        "empirical": float(inside.mean()),
        "mean_width": float(np.mean(upper[has] - lower[has])),
        "points": points,
    }


def rolling_bands(
    predictions: np.ndarray, origins: np.ndarray, calibration: list[tuple[int, np.ndarray]], levels: tuple[float, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """Bands (L, K, H) for forecasts `predictions` (K, H) from `origins` (K,): per level, fold and step, from the
    calibration errors (end position, |errors| (H,)) whose whole horizon ended by the fold's origin."""
    shape = (len(levels), *predictions.shape)  # (L, K, H)
    lower, upper = np.full(shape, np.nan), np.full(shape, np.nan)
    if not calibration or not levels:
        return lower, upper
    ends = np.array([end for end, _ in calibration])  # (n,)
    errors = np.array([e for _, e in calibration])  # (n, H)
    for k, origin in enumerate(origins):
        available = errors[ends <= origin]  # forecasts whose whole horizon is known at this origin
        if len(available):
            widths = half_widths(available, levels)  # (L, H)
            lower[:, k] = predictions[k] - widths
            upper[:, k] = predictions[k] + widths
    return lower, upper
