"""What the store keeps of a run: its data fingerprint, environment and artifacts, as a `store.NewRun`.

The fingerprint is `lstm_core.data.fingerprint.fingerprint(dataset)`; the source is kept beside it.

`new_run(run, ...)` keeps config, metrics, history, notes, fingerprint, timings, versions, backend and
device, and the artifacts `forecast.csv` (the whole forecast frame) and `weights.npz` (every layer's
weights as NumPy arrays; `model.keras` only when the caller hands its bytes). The uploaded data itself
(`data.csv`) is kept only when `keep_data` is True.
"""

from __future__ import annotations

import io
import math
import platform
from importlib import metadata
from typing import Any

import numpy as np
import pandas as pd

from lstm_core.data.fingerprint import fingerprint
from lstm_core.scoring.columns import ForecastColumn
from lstm_core.store.db import NewRun

__all__ = ["environment", "forecast_csv", "forecast_from_csv", "history_rows", "new_run", "weights_npz"]

_LIBRARIES = ("keras", "tensorflow", "jax", "numpy", "pandas", "streamlit", "sqlalchemy", "optuna")
_environment: dict[str, Any] | None = None


def environment(backend: str, device: str) -> dict[str, Any]:
    """Library versions (looked up once per process), Python, backend and device."""
    global _environment
    if _environment is None:
        versions = {}
        for name in _LIBRARIES:
            try:
                versions[name] = metadata.version(name)
            except metadata.PackageNotFoundError:
                continue
        _environment = {"python": platform.python_version(), "versions": versions}
    return {**_environment, "backend": backend, "device": device}


def weights_npz(weights: Any) -> bytes:
    """Every LSTM layer's kernel, recurrent kernel and bias and the head's kernel and bias in one .npz."""
    arrays: dict[str, np.ndarray] = {}
    for number, layer in enumerate(weights.lstm):
        arrays[f"lstm{number}_kernel"] = layer.kernel
        arrays[f"lstm{number}_recurrent_kernel"] = layer.recurrent_kernel
        arrays[f"lstm{number}_bias"] = layer.bias
    arrays["dense_kernel"], arrays["dense_bias"] = weights.head.kernel, weights.head.bias
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _number(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def history_rows(history: pd.DataFrame) -> list[dict[str, Any]]:
    """`epoch, loss, val_loss, seconds` rows as JSON-ready dicts (NaN -> None); a list comprehension, as
    pandas' `to_dict` costs milliseconds per run."""
    columns = [history[name].to_numpy(dtype=np.float64) for name in ("epoch", "loss", "val_loss", "seconds")]
    return [
        {"epoch": int(epoch), "loss": _number(loss), "val_loss": _number(val), "seconds": _number(seconds)}
        for epoch, loss, val, seconds in zip(*columns, strict=True)
    ]


def forecast_csv(forecast: pd.DataFrame) -> bytes:
    """The whole forecast frame (index `time`, then its columns) as CSV bytes, written directly (pandas'
    `to_csv` costs several milliseconds for a few dozen rows). Floats keep full precision; NaN is empty."""
    index = forecast.index
    if isinstance(index, pd.DatetimeIndex):
        stamps = index.to_numpy(dtype="datetime64[ns]")  # (T,)
        unit = "D" if not (stamps.astype(np.int64) % 86_400_000_000_000).any() else "s"
        times = [str(t).replace("T", " ") for t in np.datetime_as_string(stamps, unit=unit)]
    else:
        times = [str(t) for t in index]
    columns = list(forecast.columns)
    cells = []
    for name in columns:
        values = forecast[name].to_numpy()
        if values.dtype.kind == "f":
            cells.append(["" if not math.isfinite(v) else repr(float(v)) for v in values])
        else:
            cells.append([str(v).replace(",", " ") for v in values])
    lines = [",".join([ForecastColumn.TIME, *columns])]
    lines += [",".join(row) for row in zip(times, *cells, strict=True)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def forecast_from_csv(data: bytes) -> pd.DataFrame:
    """The forecast frame back from its stored CSV (index `time`: dates, or steps)."""
    frame = pd.read_csv(io.BytesIO(data), index_col=str(ForecastColumn.TIME))
    if not pd.api.types.is_numeric_dtype(frame.index):  # steps stay numbers; dates were written as text
        frame.index = pd.DatetimeIndex(pd.to_datetime(frame.index), name=str(ForecastColumn.TIME))
    return frame


def new_run(
    run: Any,
    *,
    kind: str = "run",
    source: str | None = None,
    notes: tuple[str, ...] | list[str] = (),
    keep_data: bool = False,
    model_bytes: bytes | None = None,
    timings: dict[str, float] | None = None,
    study: str | None = None,
    extra_metrics: dict[str, Any] | None = None,
) -> NewRun:
    """A `NewRun` for an `experiment.Run` (or anything with its attributes: config, dataset, metrics, ...)."""
    metrics = run.metrics.to_dict() if hasattr(run.metrics, "to_dict") else dict(run.metrics)
    artifacts = {"forecast.csv": forecast_csv(run.forecast)}
    if getattr(run, "weights", None) is not None:
        artifacts["weights.npz"] = weights_npz(run.weights)
    if model_bytes is not None:
        artifacts["model.keras"] = model_bytes
    if keep_data:
        artifacts["data.csv"] = run.dataset.frame.to_csv(lineterminator="\n").encode("utf-8")
    return NewRun(
        name=run.dataset.name,
        config=run.config.to_dict(),
        metrics={**metrics, **(extra_metrics or {})},
        kind=kind,
        source=source if source is not None else run.config.data.source,
        fingerprint=fingerprint(run.dataset),
        history=history_rows(run.history),
        notes=[*run.notes, *notes],
        timings={"train_seconds": run.metrics.train_seconds, **(timings or {})},
        environment=environment(run.metrics.backend, run.metrics.device),
        study=study,
        artifacts=artifacts,
    )
