"""LSTM Lab's library: data, windows, model, training, forecasts, baselines, metrics, gates.

Importing `lstm_core` is cheap: Keras (and so TensorFlow or JAX) is imported only by the
functions that need it (`model`, `train`, `gates.from_model`, `forecast`). Nothing here
imports Streamlit.
"""

import os


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use (a container's limit)
    except AttributeError:
        return os.cpu_count() or 1


# TensorFlow splits each op over its intra-op threads. On two cores or fewer the small ops of a small
# LSTM lose more to that synchronisation than they gain: one thread trains the seed model about 1.3x
# faster (22,700 against 17,000 samples/s) and steadier, at about 24% less speed for LSTM(256) with a
# window of 60 (bench/train_speed.py, docs/PERFORMANCE.md). It must be set before TensorFlow starts;
# a value already in the environment wins. JAX ignores it.
if _cores() <= 2:
    os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "1")

from lstm_core.config import (  # noqa: E402
    DataConfig,
    ExperimentConfig,
    ForecastConfig,
    ModelConfig,
    TrainConfig,
    WindowConfig,
)
from lstm_core.errors import LabError  # noqa: E402

__all__ = [
    "DataConfig",
    "ExperimentConfig",
    "ForecastConfig",
    "LabError",
    "ModelConfig",
    "TrainConfig",
    "WindowConfig",
]
