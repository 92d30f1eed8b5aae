"""LSTM Lab's library: data, windows, model, training, forecasts, baselines, metrics, gates.

Importing `lstm_core` is cheap: Keras (and so TensorFlow or JAX) is imported only by the
functions that need it (`model`, `train`, `gates.from_model`, `forecast`). Nothing here
imports Streamlit.
"""

from lstm_core.config import (
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
