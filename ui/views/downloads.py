"""The Forecast page's downloads: forecast CSV, metrics JSON, config JSON and the trained model."""

from __future__ import annotations

import os
import tempfile
from typing import Any

from lstm_core.data.fingerprint import fingerprint
from lstm_core.experiment import export

__all__ = ["config_json", "forecast_csv", "metrics_json", "model_bytes"]


def forecast_csv(run: Any) -> str:
    return export.safe_csv(export.forecast_frame(run))


def metrics_json(run: Any) -> str:
    return export.metrics_json(run)


def config_json(run: Any) -> str:
    """config.json with the data's fingerprint, so `python -m lstm_core run --config` can check `--data`."""
    return run.config.to_json(data_fingerprint=fingerprint(run.dataset))


def model_bytes(run: Any) -> bytes:
    """The trained model as a `.keras` file, rebuilt from the run's weights (Keras saves only to a path)."""
    handle, path = tempfile.mkstemp(suffix=".keras")
    os.close(handle)
    try:
        run.keras_model().save(path)
        with open(path, "rb") as file:
            return file.read()
    finally:
        os.remove(path)
