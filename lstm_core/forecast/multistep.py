"""Multi-step forecasts from many origins at once, in the user's units.

An origin o is the first forecast position: the forecast for o, o+1, ..., o+H-1 reads only the
network's inputs before o (`scaled[o - window : o]`) and, with differences of lag L (1 for first,
the season length for seasonal differences), the actual levels at o - L .. o - 1. All origins go
through the NumPy kernel (gates.py) together: a recursive forecast is H batched calls (each feeds
its prediction back), a direct one (a head with H outputs) a single call.
An ensemble's members are each run and their level forecasts averaged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lstm_core.data.windows import Scaler
from lstm_core.errors import LabError
from lstm_core.nn.gates import predict, single_blas_thread
from lstm_core.nn.keras_model import network_weights
from lstm_core.nn.weights import NetworkWeights

__all__ = ["Inputs", "forecast_from", "trained_members"]


@dataclass(frozen=True, eq=False)
class Inputs:
    """What the network reads: the scaled inputs, and how to map its outputs back to levels."""

    scaled: np.ndarray  # (T, F) as the network sees it (column 0: levels or first differences, scaled)
    levels: np.ndarray  # (T,) the target in the user's units
    scaler: Scaler
    window: int
    lag: int  # column 0 holds differences y_t - y_{t-lag}: 0 levels, 1 first, s seasonal (windows.Windows.lag)


def trained_members(result: object) -> list[NetworkWeights]:
    """The weights of every member of a training (`TrainResult.members` for a seed ensemble, else its model)."""
    members = getattr(result, "members", None)
    if members:
        return [m if isinstance(m, NetworkWeights) else network_weights(m) for m in members]
    return [network_weights(result.model)]  # type: ignore[attr-defined]


def forecast_from(
    members: Sequence[NetworkWeights], inputs: Inputs, origins: np.ndarray, horizon: int, *, strategy: str
) -> np.ndarray:
    """Level forecasts for positions o .. o+H-1 from every origin o: (B, H), the members' mean."""
    origins = np.asarray(origins, dtype=np.int64)  # (B,)
    if len(origins) == 0:
        return np.empty((0, horizon))
    if origins.min() < inputs.window or origins.max() > len(inputs.levels):
        raise ValueError("Every origin needs `window` values before it and must lie within the series.")
    offsets = np.arange(-inputs.window, 0)  # (window,)
    x = inputs.scaled[origins[:, None] + offsets].astype(np.float32)  # (B, window, F)
    if strategy == "recursive" and x.shape[2] != 1:
        raise LabError(
            "A recursive multi-step forecast needs the future values of the extra input columns, which are unknown; "
            "choose the direct strategy or leave out the extra columns."
        )
    total = np.zeros((len(origins), horizon))  # (B, H)
    with single_blas_thread():
        for weights in members:
            scaled = _scaled_path(weights, x, horizon, strategy)  # (B, H)
            total += _to_levels(scaled, inputs, origins)
    return total / len(members)


def _scaled_path(weights: NetworkWeights, x: np.ndarray, horizon: int, strategy: str) -> np.ndarray:
    if strategy == "direct":
        out = predict(x, weights, limit_blas=False, all_outputs=True)  # (B, H)
        if out.shape[1] != horizon:
            raise ValueError(f"A direct model with {out.shape[1]} outputs cannot forecast {horizon} steps.")
        return out
    out = np.empty((len(x), horizon), np.float32)  # (B, H)
    history = x[:, :, 0].copy()  # (B, window)
    for step in range(horizon):
        out[:, step] = predict(history[:, :, None], weights, limit_blas=False)  # (B,)
        history = np.concatenate([history[:, 1:], out[:, step : step + 1]], axis=1)  # (B, window)
    return out


def _to_levels(scaled: np.ndarray, inputs: Inputs, origins: np.ndarray) -> np.ndarray:
    values = inputs.scaler.inverse_target(scaled)  # (B, H) user units
    lag = inputs.lag
    if not lag:
        return values
    if lag == 1:
        return inputs.levels[origins - 1][:, None] + np.cumsum(values, axis=1)  # changes add up from y_{o-1}
    levels = np.empty_like(values)  # (B, H)
    for step in range(values.shape[1]):  # y_{o+h} = d_{o+h} + y_{o+h-lag}: actual before o, else forecast
        before = inputs.levels[origins + step - lag] if step < lag else levels[:, step - lag]
        levels[:, step] = before + values[:, step]
    return levels
