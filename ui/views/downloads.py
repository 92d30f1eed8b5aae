"""The Forecast page's downloads: forecast CSV, metrics JSON, config JSON and the trained model."""

from __future__ import annotations

from typing import Any

from lstm_core.data.fingerprint import fingerprint
from lstm_core.experiment import export
from lstm_core.jobs.process import call_in_worker, keras_file_bytes

__all__ = ["config_json", "forecast_csv", "metrics_json", "model_bytes"]


def forecast_csv(run: Any) -> str:
    return export.safe_csv(export.forecast_frame(run))


def metrics_json(run: Any) -> str:
    return export.metrics_json(run)


def config_json(run: Any) -> str:
    """config.json with the data's fingerprint, so `python -m lstm_core run --config` can check `--data`."""
    return run.config.to_json(data_fingerprint=fingerprint(run.dataset))


def model_bytes(run: Any) -> bytes:
    """The trained model as a `.keras` file, rebuilt from the run's weights in a worker process (the server holds
    no Keras); in this process when `LSTM_LAB_WORKERS=0`."""
    return call_in_worker(keras_file_bytes, run)
