"""The GRU's and the plain RNN's steps, recomputed in NumPy from the trained weights, as `gates.lstm_gates` does
for the LSTM.

A Keras `GRU` (reset_after=True, its default) keeps `kernel` (F, 3U), `recurrent_kernel` (U, 3U) and `bias`
(2, 3U), the blocks in the order z, r, n:

    z = σ(x_t·W_z + b_z + h_{t-1}·U_z + b'_z)          update gate: how much of the old state to keep
    r = σ(x_t·W_r + b_r + h_{t-1}·U_r + b'_r)          reset gate: how much of the old state the candidate sees
    n = tanh(x_t·W_n + b_n + r·(h_{t-1}·U_n + b'_n))   candidate (the reset applied after the recurrent product)
    h_t = z·h_{t-1} + (1 − z)·n

A Keras `SimpleRNN` keeps `kernel` (F, U), `recurrent_kernel` (U, U) and `bias` (U,):

    h_t = tanh(x_t·W + h_{t-1}·U + b)

Vectorised over a batch of windows: x is (B, T, F), every array (B, T, U); with keep=False only the last h,
(B, 1, U). The tests prove `h` equals Keras's own `return_sequences=True` output.
"""

from __future__ import annotations

import numpy as np

from lstm_core.nn.weights import GRUWeights, RNNWeights

__all__ = ["gru_gates", "rnn_gates", "sigmoid"]


def sigmoid(a: np.ndarray) -> np.ndarray:
    """σ(a) = 0.5·tanh(a/2) + 0.5: exact, and never overflows as 1/(1 + exp(−a)) does."""
    return 0.5 * np.tanh(0.5 * a) + 0.5


def gru_gates(x: np.ndarray, weights: GRUWeights, *, keep: bool = True) -> dict[str, np.ndarray]:
    """z, r, n and h of one GRU layer for a batch of windows, from a zero initial state. x: (B, T, F)."""
    x = np.asarray(x, dtype=np.float32)  # (B, T, F)
    batch, steps, _ = x.shape
    units = weights.units
    xw = x @ weights.kernel + weights.bias[0]  # (B, T, 3U): the input part of every step at once
    recurrent_kernel, recurrent_bias = weights.recurrent_kernel, weights.bias[1]  # (U, 3U), (3U,)
    rows = steps if keep else 1
    out = {name: np.empty((rows, batch, units), np.float32) for name in GRUWeights.gate_names}  # (T, B, U) each
    h = np.zeros((batch, units), np.float32)  # (B, U)
    for t in range(steps):
        k = t if keep else 0
        inner = h @ recurrent_kernel + recurrent_bias  # (B, 3U)
        zr = sigmoid(xw[:, t, : 2 * units] + inner[:, : 2 * units])  # (B, 2U)
        z, r = zr[:, :units], zr[:, units:]
        n = np.tanh(xw[:, t, 2 * units :] + r * inner[:, 2 * units :])  # (B, U)
        h = z * h + (1.0 - z) * n  # (B, U)
        out["z"][k], out["r"][k], out["n"][k], out["h"][k] = z, r, n, h
    if not keep:
        return {"h": np.transpose(out["h"], (1, 0, 2))}  # (B, 1, U)
    return {name: np.transpose(value, (1, 0, 2)) for name, value in out.items()}  # (B, T, U) each


def rnn_gates(x: np.ndarray, weights: RNNWeights, *, keep: bool = True) -> dict[str, np.ndarray]:
    """h of one plain RNN layer for a batch of windows, from a zero initial state. x: (B, T, F)."""
    x = np.asarray(x, dtype=np.float32)  # (B, T, F)
    batch, steps, _ = x.shape
    xw = x @ weights.kernel + weights.bias  # (B, T, U)
    rows = steps if keep else 1
    hidden = np.empty((rows, batch, weights.units), np.float32)  # (T, B, U)
    h = np.zeros((batch, weights.units), np.float32)  # (B, U)
    for t in range(steps):
        h = np.tanh(xw[:, t] + h @ weights.recurrent_kernel)  # (B, U)
        hidden[t if keep else 0] = h
    return {"h": np.transpose(hidden, (1, 0, 2))}  # (B, T, U) or (B, 1, U)
