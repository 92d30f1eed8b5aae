"""LSTM Lab's library: data, windows, model, training, forecasts, baselines, metrics, gates.

Importing `lstm_core` is cheap: Keras (and so TensorFlow or JAX) is imported only by the
functions that need it (`model`, `train`, `gates.from_model`, `forecast`). Nothing here
imports Streamlit, and importing it changes no process-wide setting: the app and the command line
call `lstm_core.runtime.configure_threads()` themselves.
"""

from lstm_core.config.settings import (
    DataConfig,
    ExperimentConfig,
    ForecastConfig,
    ModelConfig,
    TrainConfig,
    WindowConfig,
)
from lstm_core.errors import LabError

__all__ = [
    "DataConfig",
    "ExperimentConfig",
    "ForecastConfig",
    "LabError",
    "ModelConfig",
    "TrainConfig",
    "WindowConfig",
]
