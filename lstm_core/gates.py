"""The LSTM's gates, step by step, recomputed in NumPy from the trained weights.

Keras does not expose per-step gates. Its LSTM cell keeps `kernel` (F, 4U),
`recurrent_kernel` (U, 4U) and `bias` (4U,), the four blocks in the order i, f, c, o:

    z = x_t·W + h_{t-1}·U + b
    i = σ(z_i)      input gate: how much of the candidate to write
    f = σ(z_f)      forget gate: how much of the old cell state to keep
    g = tanh(z_c)   candidate: what could be written
    o = σ(z_o)      output gate: how much of the cell to show
    c_t = f·c_{t-1} + i·g
    h_t = o·tanh(c_t)

Everything is vectorised over a batch of windows: x is (B, T, F) and every gate is
(B, T, U). The same kernel drives the fast recursive forecast (`predict`), and the tests
prove that `h` equals the layer's own `return_sequences=True` output on each backend.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "GATE_NAMES",
    "DenseWeights",
    "LSTMWeights",
    "NetworkWeights",
    "lstm_gates",
    "network_gates",
    "predict",
]

GATE_NAMES = ("i", "f", "g", "o", "c", "h")


@dataclass(frozen=True, eq=False)
class LSTMWeights:
    kernel: np.ndarray  # (F, 4U)
    recurrent_kernel: np.ndarray  # (U, 4U)
    bias: np.ndarray  # (4U,)

    @property
    def units(self) -> int:
        return self.recurrent_kernel.shape[0]


@dataclass(frozen=True, eq=False)
class DenseWeights:
    kernel: np.ndarray  # (U, 1)
    bias: np.ndarray  # (1,)


@dataclass(frozen=True, eq=False)
class NetworkWeights:
    """A stack of LSTM layers followed by one Dense head, as `model.build_model` makes it."""

    lstm: tuple[LSTMWeights, ...]
    head: DenseWeights

    @classmethod
    def from_model(cls, model: Any) -> NetworkWeights:
        """Read the weights of a Keras model made of LSTM, Dropout and one final Dense layer."""
        lstm, head = [], None
        for layer in model.layers:
            kind = type(layer).__name__
            if kind == "LSTM":
                kernel, recurrent_kernel, bias = (np.asarray(w, dtype=np.float32) for w in layer.get_weights())
                lstm.append(LSTMWeights(kernel, recurrent_kernel, bias))
            elif kind == "Dense":
                kernel, bias = (np.asarray(w, dtype=np.float32) for w in layer.get_weights())
                head = DenseWeights(kernel, bias)
            elif kind not in ("Dropout", "InputLayer"):
                raise ValueError(f"Unsupported layer {layer.name!r} of type {kind} in an LSTM Lab model.")
        if not lstm or head is None:
            raise ValueError("The model must have at least one LSTM layer and a Dense head.")
        return cls(lstm=tuple(lstm), head=head)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (np.tanh(0.5 * z) + 1.0)  # stable for large |z|, same values as 1 / (1 + e^-z)


def lstm_gates(x: np.ndarray, weights: LSTMWeights, *, keep: bool = True) -> dict[str, np.ndarray]:
    """Gates of one LSTM layer for a batch of windows, from zero initial states.

    x: (B, T, F). Returns i, f, g, o, c, h, each (B, T, U); with keep=False only the last
    h and c, each (B, 1, U), which is all a forecast needs.
    """
    x = np.asarray(x, dtype=np.float32)  # (B, T, F)
    batch, steps, _ = x.shape
    units = weights.units
    xw = x @ weights.kernel + weights.bias  # (B, T, 4U): the input part of z for every step at once
    h = np.zeros((batch, units), np.float32)  # (B, U)
    c = np.zeros((batch, units), np.float32)  # (B, U)
    out = {name: np.empty((batch, steps, units), np.float32) for name in GATE_NAMES} if keep else {}
    for t in range(steps):
        z = xw[:, t] + h @ weights.recurrent_kernel  # (B, 4U)
        i = _sigmoid(z[:, :units])  # (B, U)
        f = _sigmoid(z[:, units : 2 * units])  # (B, U)
        g = np.tanh(z[:, 2 * units : 3 * units])  # (B, U)
        o = _sigmoid(z[:, 3 * units :])  # (B, U)
        c = f * c + i * g  # (B, U)
        h = o * np.tanh(c)  # (B, U)
        if keep:
            for name, value in zip(GATE_NAMES, (i, f, g, o, c, h), strict=True):
                out[name][:, t] = value
    if not keep:
        out = {"c": c[:, None], "h": h[:, None]}
    return out


def network_gates(x: np.ndarray, weights: NetworkWeights) -> list[dict[str, np.ndarray]]:
    """Gates of every LSTM layer: layer k+1 reads layer k's hidden states. x: (B, T, F)."""
    layers = []
    inputs = x
    for layer in weights.lstm:
        gates = lstm_gates(inputs, layer)
        layers.append(gates)
        inputs = gates["h"]  # (B, T, U)
    return layers


def predict(x: np.ndarray, weights: NetworkWeights) -> np.ndarray:
    """The network's one-step prediction for each window, scaled units: x (B, T, F) -> (B,)."""
    inputs = np.asarray(x, dtype=np.float32)
    for k, layer in enumerate(weights.lstm):
        last = k == len(weights.lstm) - 1
        gates = lstm_gates(inputs, layer, keep=not last)
        inputs = gates["h"]  # (B, T, U), or (B, 1, U) for the last layer
    return (inputs[:, -1] @ weights.head.kernel + weights.head.bias)[:, 0]  # (B,)
