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

from lstm_core.data.fingerprint import fingerprint
from lstm_core.experiment.run import Run
from lstm_core.inside.states import sequence_states
from lstm_core.nn.gradients import gradients, integrated_gradients, training_mean_baseline
from lstm_core.scoring.columns import STATISTICAL, is_band_column, is_seed_column
from lstm_core.scoring.columns import ForecastColumn as Column

__all__ = [
    "backtest_frame",
    "forecast_frame",
    "gates_arrays",
    "gates_epochs_arrays",
    "gradients_arrays",
    "metrics_json",
    "safe_csv",
    "states_arrays",
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
    """`time, actual, lstm, naive, ets, theta[, lstm_seed_<seed>...]`, then `lower_<L>, upper_<L>` per interval level:
    one row per test step, then one per future step (actual empty). `ets` and `theta` are empty where they could not
    be fitted (and in a run kept from before they existed)."""
    rows = run.forecast
    bands = [c for c in rows.columns if is_band_column(c)]
    # A seed ensemble's `lstm` is the members' mean; each member's own predictions follow it.
    seeds = [c for c in rows.columns if is_seed_column(c)]
    return pd.DataFrame(
        {
            Column.TIME: _times(rows.index),
            Column.ACTUAL: rows[Column.ACTUAL].to_numpy(),
            Column.LSTM: rows[Column.LSTM].to_numpy(),
            Column.NAIVE: rows[Column.NAIVE].to_numpy(),
            **{model: rows[model].to_numpy() if model in rows else np.nan for model in STATISTICAL},
            **{column: rows[column].to_numpy() for column in seeds + bands},
        }
    )


def backtest_frame(backtest: Any) -> pd.DataFrame:
    """backtest.csv: `fold, origin, step, time, actual, lstm, naive, seasonal_naive, drift, ets, theta, lower_<L>,
    upper_<L>`."""
    frame = backtest.frame.copy()
    frame[Column.ORIGIN] = _times(pd.Index(frame[Column.ORIGIN]))
    frame[Column.TIME] = _times(pd.Index(frame[Column.TIME]))
    return frame


def write_backtest(backtest: Any, out_dir: str | Path) -> list[Path]:
    """Write backtest.csv, backtest_metrics.json (with the backtest's settings) and config.json."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    summary = {**backtest.summary, "backtest": dataclasses.asdict(backtest.backtest)}
    written = {
        "backtest.csv": safe_csv(backtest_frame(backtest)),
        "backtest_metrics.json": json.dumps(summary, indent=2, allow_nan=False),
        "config.json": backtest.config.to_json(data_fingerprint=getattr(backtest, "data_fingerprint", "") or None),
    }
    for name, text in written.items():
        (out / name).write_text(text + ("" if text.endswith("\n") else "\n"), encoding="utf-8")
    return [out / name for name in written]


def metrics_json(run: Run) -> str:
    return json.dumps(run.metrics.to_dict(), indent=2, allow_nan=False)


def gates_arrays(run: Run) -> dict[str, np.ndarray]:
    """The last test window as fed to the model (x) and the first layer's gates for it: an LSTM's i, f, g, o, c, h,
    a GRU's z, r, n, h, a plain RNN's h, each (window, U)."""
    last = len(run.windows.x_test) - 1
    gates = run.gates([last])[0]
    return {"x": run.windows.x_test[last], **{name: value[0] for name, value in gates.items()}}


def gradients_arrays(run: Run) -> dict[str, np.ndarray]:
    """gradients.npz, for the network's first output and the window of gates.npz, in the model's scaled units:
    x (window, F); input_gradient (window, F): ∂ŷ/∂x; state_gradient (window,): ‖∂ŷ/∂h_t‖₂ of the first layer (an
    LSTM's with c_t held fixed; the last entry the final state's); integrated_gradients (window, F) from baseline
    (window, F), the training mean; output and baseline_output: ŷ for x and for the baseline."""
    x = run.windows.x_test[len(run.windows.x_test) - 1]  # (window, F)
    through_time = gradients(x[None], run.weights)
    windows = run.windows
    baseline = training_mean_baseline(windows.scaled[windows.lag : windows.train_end], windows.window)  # (window, F)
    attribution = integrated_gradients(x, run.weights, baseline)
    return {
        "x": x,
        "input_gradient": through_time.input_gradient[0],
        "state_gradient": through_time.state_gradient[0],
        "integrated_gradients": attribution.attributions,
        "baseline": baseline,
        "output": np.float32(attribution.output),
        "baseline_output": np.float32(attribution.baseline_output),
    }


def gates_epochs_arrays(run: Run) -> dict[str, np.ndarray]:
    """The probe window's first-layer gates over training: epochs (E,), x (window, F), each gate (E, window, U)
    (an LSTM's i..h, a GRU's z, r, n, h, a plain RNN's h).

    The last entry is the final network (the one model.keras holds). Empty (E = 0) for a run
    trained without recording.
    """
    history = run.gate_history
    if history is None or not len(history):
        first, window = run.weights.lstm[0], run.windows.window
        empty = np.empty((0, window, first.units), np.float32)
        return {"epochs": np.empty(0, np.int64), "x": np.empty((window, run.windows.n_features), np.float32)} | {
            name: empty for name in first.gate_names
        }
    return {"epochs": history.epochs, "x": history.probe_x, **history.probe_gates(0)}


def states_arrays(run: Run) -> dict[str, np.ndarray]:
    """The whole series read as one sequence from zero states: time (T,), x (T, F), h and (an LSTM's) c each (T, U),
    first layer.

    x is what the network reads (scaled; with differences, column 0 holds the changes and row 0 a
    placeholder change of 0, as in training).
    """
    index = run.dataset.frame.index
    time = index.to_numpy() if isinstance(index, pd.DatetimeIndex) else np.asarray(index, dtype=np.int64)
    first = sequence_states(run.windows.scaled, run.weights)[0]
    return {"time": time, "x": run.windows.scaled, **{name: first[name] for name in ("h", "c") if name in first}}


def write_run(run: Run, out_dir: str | Path) -> list[Path]:
    """Write config.json, metrics.json, history.csv, forecast.csv, gates.npz, gates_epochs.npz, states.npz,
    gradients.npz, model.keras."""
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
    np.savez(out / "gates_epochs.npz", **gates_epochs_arrays(run))
    np.savez(out / "states.npz", **states_arrays(run))
    np.savez(out / "gradients.npz", **gradients_arrays(run))
    run.keras_model().save(out / "model.keras")
    arrays = ["gates.npz", "gates_epochs.npz", "states.npz", "gradients.npz"]
    return [out / name for name in [*written, *arrays, "model.keras"]]
