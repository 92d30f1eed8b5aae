"""Shared tiny fixtures: a deterministic monthly series and one small model trained once per session.

Training is the slow part (TensorFlow traces and compiles the first epoch), so the trained
models are session-scoped and every test that only reads a model shares them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from lstm_core.config import ExperimentConfig  # noqa: E402
from lstm_core.dataset import Dataset  # noqa: E402

TINY = ExperimentConfig().replace(
    window=8,
    units=6,
    epochs=2,
    batch_size=16,
    forecast_steps=5,
    seed=0,
    device="cpu",
)


def tiny_values(length: int = 160) -> np.ndarray:
    """A trend plus a 12-step season plus fixed noise, all positive: (length,)."""
    rng = np.random.default_rng(0)
    steps = np.arange(length)
    return 50.0 + 0.2 * steps + 8.0 * np.sin(2 * np.pi * steps / 12) + rng.normal(0.0, 1.0, length)


def tiny_dataset(length: int = 160, *, freq: str = "MS") -> Dataset:
    """`tiny_values` on a monthly (or other `freq`) date index, as a loader would return it."""
    index = pd.date_range("2000-01-01", periods=length, freq=freq, name="time")
    frame = pd.DataFrame({"value": tiny_values(length)}, index=index)
    return Dataset(frame=frame, target="value", name="tiny", source="tests", freq=freq)


@pytest.fixture(scope="session")
def tiny_config() -> ExperimentConfig:
    return TINY


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    return tiny_dataset()


@pytest.fixture(scope="session")
def windows(dataset):
    from lstm_core.windows import prepare

    return prepare(dataset.values, TINY.windows)


@pytest.fixture(scope="session")
def trained(windows):
    """A one-layer LSTM(6) trained for 2 epochs on the tiny series (TrainResult)."""
    from lstm_core.train import train

    return train(windows, TINY)


@pytest.fixture(scope="session")
def stacked(windows):
    """A two-layer LSTM(5) with dropout, trained for 1 epoch (TrainResult)."""
    from lstm_core.train import train

    config = TINY.replace(units=5, layers=2, dropout=0.2, epochs=1)
    return train(windows, config)


@pytest.fixture(scope="session")
def run(dataset, windows, trained):
    """The whole experiment evaluated on the shared trained model (experiment.Run)."""
    from lstm_core.experiment import evaluate

    return evaluate(dataset, TINY, windows, trained)
