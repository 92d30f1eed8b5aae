"""Files a run is saved as: the command line's output folder and the app's downloads.

CSV text is made safe for spreadsheets: a text cell starting with =, +, -, @, tab or
carriage return is prefixed with a single quote so it is shown, not run as a formula.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lstm_core.experiment import Run
from lstm_core.fingerprint import fingerprint

__all__ = ["forecast_frame", "gates_arrays", "metrics_json", "safe_csv", "write_run"]

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


def forecast_frame(run: Run) -> pd.DataFrame:
    """`time, actual, lstm, naive`: one row per test step, then one per future step (actual empty)."""
    rows = run.forecast
    if isinstance(rows.index, pd.DatetimeIndex):
        time = rows.index.strftime("%Y-%m-%d %H:%M:%S").str.replace(" 00:00:00", "", regex=False)
    else:
        time = rows.index.astype(int)
    return pd.DataFrame(
        {
            "time": time,
            "actual": rows["actual"].to_numpy(),
            "lstm": rows["lstm"].to_numpy(),
            "naive": rows["naive"].to_numpy(),
        }
    )


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
        "config.json": run.config.to_json(data_fingerprint=fingerprint(run.dataset)),
        "metrics.json": metrics_json(run),
        "history.csv": safe_csv(run.history),
        "forecast.csv": safe_csv(forecast_frame(run)),
    }
    for name, text in written.items():
        (out / name).write_text(text + ("" if text.endswith("\n") else "\n"), encoding="utf-8")
    np.savez(out / "gates.npz", **gates_arrays(run))
    run.model.save(out / "model.keras")
    return [out / name for name in [*written, "gates.npz", "model.keras"]]
