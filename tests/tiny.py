"""Tiny, deterministic data and settings shared by the tests (imported by name; a conftest cannot be).

`TINY` trains in a second or two: window 8, LSTM(6), 2 epochs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lstm_core.config.settings import ExperimentConfig
from lstm_core.data.dataset import Dataset

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
