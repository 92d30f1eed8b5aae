"""Conformal bands for a collection's forecasts, calibrated on the validation parts, and their coverage.

A global (or local) network forecasts each series' validation part (its last H training steps) from the
validation origin; those errors, divided by each series' scale (MASE's, forecast.global_model.SeriesTransform),
are pooled over series per horizon step. The band at level L for step h of a series' test forecast is ± q·scale,
q the split-conformal quantile (the ceil((n + 1)·L/100)-th smallest of the n pooled |errors| at step h,
scoring.conformal). With fewer series than a level needs per step (4 for 80%, 19 for 95%), the errors of every
step are pooled instead (`pooled` says which); with too few even then, the band is NaN. No test value is read.

Coverage is measured, never assumed: the share of the test actuals inside each band, overall and per series.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lstm_core.scoring.conformal import coverage, half_widths, level_name, minimum_errors

__all__ = ["LEVELS", "band_coverage", "collection_bands"]

LEVELS = (80.0, 95.0)


def collection_bands(
    forecasts: np.ndarray, val_errors: np.ndarray, scales: np.ndarray, levels: tuple[float, ...] = LEVELS
) -> dict[str, dict[str, Any]]:
    """Per level ("80"): lower and upper (S, H) around `forecasts` (S, H), and how the errors were pooled."""
    errors = np.abs(np.asarray(val_errors, dtype=np.float64))  # (S, H) scaled
    scales = np.asarray(scales, dtype=np.float64)[:, None]  # (S, 1)
    bands = {}
    for level in levels:
        if len(errors) >= minimum_errors(level):
            widths, pooled = half_widths(errors, [level])[0], "series, per step"  # (H,)
        else:
            width = half_widths(errors.reshape(-1, 1), [level])[0, 0]
            widths, pooled = np.full(errors.shape[1], width), "series and steps"
        half = widths[None, :] * scales  # (S, H) in each series' units
        bands[level_name(level)] = {"lower": forecasts - half, "upper": forecasts + half, "pooled": pooled}
    return bands


def band_coverage(actual: np.ndarray, bands: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per level: the nominal level, the share of the test actuals (S, H) inside the band overall, and the mean and
    the lowest of the per-series shares."""
    actual = np.asarray(actual, dtype=np.float64)
    out = {}
    for name, band in bands.items():
        total = coverage(actual, band["lower"], band["upper"])
        rows = zip(actual, band["lower"], band["upper"], strict=True)  # per series: (H,) each
        per_series = [coverage(a, lo, hi)["empirical"] for a, lo, hi in rows]
        shares = [s for s in per_series if s is not None]
        out[name] = {
            "nominal": float(name) / 100.0,
            "overall": total["empirical"],
            "per_series_mean": float(np.mean(shares)) if shares else None,
            "per_series_min": float(np.min(shares)) if shares else None,
            "points": total["points"],
            "pooled": band["pooled"],
        }
    return out
