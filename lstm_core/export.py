"""Files a run is saved as: the command line's output folder and the app's downloads.

CSV text is made safe for spreadsheets: a text cell starting with =, +, -, @, tab or
carriage return is prefixed with a single quote so it is shown, not run as a formula.
"""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lstm_core.experiment import Run

__all__ = [
    "backtest_frame",
    "forecast_frame",
    "gates_arrays",
    "metrics_json",
    "safe_csv",
    "write_backtest",
    "write_run",
]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def safe_csv(frame: pd.DataFrame, *, index: bool = False) -> str:
    """CSV text with formula-looking text cells neutralised (numbers are left alone)."""
    frame = frame.copy()
    frame.columns = [_neutralise(str(c)) for c in frame.columns]
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            frame[column] = frame[column].map(_neutralise)
    if index and frame.index.dtype == object:
        frame.index = frame.index.map(_neutralise)
    buffer = io.StringIO()
    frame.to_csv(buffer, index=index, lineterminator="\n")
    return buffer.getvalue()


def _times(index: pd.Index) -> Any:
    if isinstance(index, pd.DatetimeIndex):
        return index.strftime("%Y-%m-%d %H:%M:%S").str.replace(" 00:00:00", "", regex=False)
    return index.astype(int)


def forecast_frame(run: Run) -> pd.DataFrame:
    """`time, actual, lstm, naive`, then `lower_<L>, upper_<L>` per interval level: one row per test step,
    then one per future step (actual empty)."""
    rows = run.forecast
    bands = [c for c in rows.columns if c.startswith(("lower_", "upper_"))]
    return pd.DataFrame(
        {
            "time": _times(rows.index),
            "actual": rows["actual"].to_numpy(),
            "lstm": rows["lstm"].to_numpy(),
            "naive": rows["naive"].to_numpy(),
            **{column: rows[column].to_numpy() for column in bands},
        }
    )


def backtest_frame(backtest: Any) -> pd.DataFrame:
    """backtest.csv: `fold, origin, step, time, actual, lstm, naive, seasonal_naive, drift, lower_<L>, upper_<L>`."""
    frame = backtest.frame.copy()
    frame["origin"] = _times(pd.Index(frame["origin"]))
    frame["time"] = _times(pd.Index(frame["time"]))
    return frame


def write_backtest(backtest: Any, out_dir: str | Path) -> list[Path]:
    """Write backtest.csv, backtest_metrics.json (with the backtest's settings) and config.json."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    summary = {**backtest.summary, "backtest": dataclasses.asdict(backtest.backtest)}
    written = {
        "backtest.csv": safe_csv(backtest_frame(backtest)),
        "backtest_metrics.json": json.dumps(summary, indent=2, allow_nan=False),
        "config.json": backtest.config.to_json(),
    }
    for name, text in written.items():
        (out / name).write_text(text + ("" if text.endswith("\n") else "\n"), encoding="utf-8")
    return [out / name for name in written]


def metrics_json(run: Run) -> str:
    return json.dumps(run.metrics.to_dict(), indent=2, allow_nan=False)


def gates_arrays(run: Run) -> dict[str, np.ndarray]:
    """The last test window as fed to the model (x) and the first layer's gates for it."""
    last = len(run.windows.x_test) - 1
    gates = run.gates([last])[0]
    return {"x": run.windows.x_test[last], **{name: value[0] for name, value in gates.items()}}


def write_run(run: Run, out_dir: str | Path) -> list[Path]:
    """Write config.json, metrics.json, history.csv, forecast.csv, gates.npz, model.keras."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = {
        "config.json": run.config.to_json(),
        "metrics.json": metrics_json(run),
        "history.csv": safe_csv(run.history),
        "forecast.csv": safe_csv(forecast_frame(run)),
    }
    for name, text in written.items():
        (out / name).write_text(text + ("" if text.endswith("\n") else "\n"), encoding="utf-8")
    np.savez(out / "gates.npz", **gates_arrays(run))
    run.model.save(out / "model.keras")
    return [out / name for name in [*written, "gates.npz", "model.keras"]]
