"""Predictions in the user's units: one step ahead over the test part, and recursively into the future.

Both run the trained weights through the NumPy kernel in gates.py, which the tests prove
equal to Keras's own output; this avoids `model.predict`'s per-call overhead (a 200-step
recursive forecast is one tiny call per step) and works the same on every backend.
A network trained on differences predicts changes; `Windows.test_levels`/`future_levels`
turn them back into levels, so callers always get levels in the user's units.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lstm_core.data.windows import Windows
from lstm_core.nn.gates import predict, single_blas_thread
from lstm_core.nn.weights import NetworkWeights

__all__ = ["future_index", "one_step", "recursive"]


def one_step(weights: NetworkWeights, windows: Windows) -> np.ndarray:
    """One-step-ahead predictions for every test window, in the user's units: (N_test,)."""
    if len(windows.x_test) == 0:
        return np.empty(0)
    return windows.test_levels(predict(windows.x_test, weights))  # (N_test,)


def recursive(weights: NetworkWeights, windows: Windows, steps: int) -> np.ndarray | None:
    """`steps` future values, each prediction fed back as the next input: (steps,) user units.

    Only defined for a univariate model: with extra feature columns the future inputs are
    unknown, so this returns None rather than invent them. With differences the fed-back values
    are predicted changes, which add up from the last actual level.
    """
    if windows.n_features != 1 or steps <= 0:
        return None
    history = windows.scaled[-windows.window :, 0].astype(np.float32)  # (window,)
    out = np.empty(steps, np.float32)
    with single_blas_thread():
        for step in range(steps):
            out[step] = predict(history[None, :, None], weights, limit_blas=False)[0]  # (1, window, 1) -> scalar
            history = np.roll(history, -1)
            history[-1] = out[step]
    return windows.future_levels(out)  # (steps,)


def future_index(index: pd.Index, freq: str | None, steps: int) -> pd.Index:
    """The `steps` index values after `index`: dates continuing `freq`, or step numbers."""
    if isinstance(index, pd.DatetimeIndex) and len(index):
        if freq:
            try:
                # last + one period, not date_range(last, ...)[1:]: when the last date is off the frequency
                # (month-end dates with "MS"), date_range would start at the next on-frequency date and [1:]
                # would skip it.
                offset = pd.tseries.frequencies.to_offset(freq)
                return pd.date_range(index[-1] + offset, periods=steps, freq=offset)
            except (ValueError, TypeError):
                pass
        spacing = (index[-1] - index[0]) / max(len(index) - 1, 1)
        return pd.DatetimeIndex([index[-1] + spacing * (k + 1) for k in range(steps)])
    start = int(index[-1]) + 1 if len(index) else 0
    return pd.RangeIndex(start, start + steps, name=index.name or "step")
