"""What the store keeps of a run: its data fingerprint, environment and artifacts, as a `store.NewRun`.

The fingerprint is `lstm_core.fingerprint.fingerprint(dataset)`; the source is kept beside it.

`new_run(run, ...)` keeps config, metrics, history, notes, fingerprint, timings, versions, backend and
device, and the artifacts `forecast.csv` (the whole forecast frame) and `weights.npz` (every layer's
weights as NumPy arrays; `model.keras` only when the caller hands its bytes). The uploaded data itself
(`data.csv`) is kept only when `keep_data` is True.
"""

from __future__ import annotations

import io
import platform
from importlib import metadata
from typing import Any

import numpy as np
import pandas as pd

from lstm_core.fingerprint import fingerprint
from lstm_core.store import NewRun

__all__ = ["environment", "forecast_from_csv", "new_run", "weights_npz"]

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


def forecast_from_csv(data: bytes) -> pd.DataFrame:
    """The forecast frame back from its stored CSV (index `time`: dates, or steps)."""
    frame = pd.read_csv(io.BytesIO(data), index_col="time")
    if not pd.api.types.is_numeric_dtype(frame.index):  # steps stay numbers; dates were written as text
        frame.index = pd.DatetimeIndex(pd.to_datetime(frame.index), name="time")
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
    history = run.history.astype(object).where(run.history.notna(), None).to_dict("records")
    artifacts = {"forecast.csv": run.forecast.to_csv(lineterminator="\n").encode("utf-8")}
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
        history=history,
        notes=[*run.notes, *notes],
        timings={"train_seconds": run.metrics.train_seconds, **(timings or {})},
        environment=environment(run.metrics.backend, run.metrics.device),
        study=study,
        artifacts=artifacts,
    )
