"""Prediction intervals for a run: split conformal bands on its test and future forecasts.

Calibration uses rolling-origin forecasts from every origin in the validation part (after the
training part, before the test part, never training residuals): the step-h error of origin c counts
when c + h - 1 is still inside the validation part. Test rows are one-step forecasts (step 1); future
row h is step h of the forecast from the end of the series. The test part's coverage is measured and
reported next to each level (metrics.json `intervals`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from lstm_core.data.windows import Windows
from lstm_core.forecast.multistep import Inputs, forecast_from, trained_members
from lstm_core.nn.stop_reason import StopReason
from lstm_core.scoring.columns import ForecastColumn as Column
from lstm_core.scoring.columns import ForecastPart, lower_column, upper_column
from lstm_core.scoring.conformal import Intervals, LevelCoverage, coverage, half_widths, level_name

__all__ = ["add_bands"]


def add_bands(
    rows: pd.DataFrame, result: Any, windows: Windows, levels: tuple[float, ...]
) -> tuple[Intervals | None, list[str]]:
    """Add `lower_<L>`, `upper_<L>` columns to a run's forecast rows (in place); the metrics block (None without
    levels) and notes."""
    if not levels:
        return None, []
    for level in levels:
        rows[lower_column(level)] = np.nan
        rows[upper_column(level)] = np.nan
    origins = np.arange(windows.train_end, windows.val_end)  # (C,) every validation position
    if len(origins) == 0 or result.stop_reason == StopReason.NAN:
        note = "No prediction intervals: there is no validation part to calibrate them on (set a validation fraction)."
        return Intervals(calibration=None, note=note), [note]
    future = rows[Column.PART].to_numpy() == ForecastPart.FUTURE
    horizon = max(1, int(future.sum()))
    inputs = Inputs(windows.scaled, windows._levels(), windows.scaler, windows.window, windows.lag)
    strategy = "recursive" if windows.n_features == 1 else "direct"  # one step needs no future inputs
    horizon = horizon if windows.n_features == 1 else 1
    forecasts = forecast_from(trained_members(result), inputs, origins, horizon, strategy=strategy)  # (C, H)
    steps = origins[:, None] + np.arange(horizon)  # (C, H) positions forecast
    inside = steps < windows.val_end  # a step counts only if its actual lies in the validation part
    actual = windows._levels()[np.minimum(steps, windows.length - 1)]
    errors = np.where(inside, np.abs(actual - forecasts), np.nan)  # (C, H)
    widths = half_widths(errors, levels)  # (L, H), NaN where too few errors
    test = rows[Column.PART].to_numpy() == ForecastPart.TEST
    notes: list[str] = []
    block = Intervals(calibration=f"rolling-origin forecasts from the {len(origins)} validation points", levels={})
    for k, level in enumerate(levels):
        name = level_name(level)
        width = np.full(len(rows), np.nan)
        width[test] = widths[k, 0]
        if future.any():
            width[future] = widths[k, : future.sum()]
        lower, upper = lower_column(level), upper_column(level)
        rows[lower] = rows[Column.LSTM] - width
        rows[upper] = rows[Column.LSTM] + width
        measured = coverage(rows[Column.ACTUAL][test], rows[lower][test], rows[upper][test])
        block["levels"][name] = LevelCoverage(nominal=level / 100.0, **measured)
        if np.isnan(widths[k, 0]):
            notes.append(
                f"No {name}% band: {len(origins)} validation errors are too few to calibrate it; "
                "use a larger validation fraction or a lower level."
            )
    return block, notes
