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
from functools import cached_property
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
    "single_blas_thread",
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

    @cached_property
    def halved(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """kernel, recurrent_kernel and bias with the i, f, o columns halved (see `_gate_scale`)."""
        scale = _gate_scale(self.units)  # (4U,)
        return self.kernel * scale, self.recurrent_kernel * scale, self.bias * scale


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


def single_blas_thread() -> Any:
    """Run the step loop's matrix products on one BLAS thread.

    Each product is tiny ((B, U) x (U, 4U)); splitting it over cores costs more in
    synchronisation than it saves, and stalls whenever another process holds a core
    (measured in bench/gates_speed.py).
    """
    from threadpoolctl import threadpool_limits

    return threadpool_limits(1, user_api="blas")


def _gate_scale(units: int) -> np.ndarray:
    """0.5 for the i, f, o columns and 1 for g: with σ(z) = 0.5·tanh(z/2) + 0.5, one tanh gives all four."""
    scale = np.full(4 * units, 0.5, np.float32)  # (4U,)
    scale[2 * units : 3 * units] = 1.0
    return scale


def lstm_gates(x: np.ndarray, weights: LSTMWeights, *, keep: bool = True) -> dict[str, np.ndarray]:
    """Gates of one LSTM layer for a batch of windows, from zero initial states.

    x: (B, T, F). Returns i, f, g, o, c, h, each (B, T, U); with keep=False only the last
    h and c, each (B, 1, U), which is all a forecast needs.
    """
    x = np.asarray(x, dtype=np.float32)  # (B, T, F)
    batch, steps, _ = x.shape
    units = weights.units
    kernel, recurrent_kernel, bias = weights.halved  # (F, 4U), (U, 4U), (4U,)
    xw = x @ kernel + bias  # (B, T, 4U): the input part of z/2 (z for g) for every step at once
    h = np.zeros((batch, units), np.float32)  # (B, U)
    c = np.zeros((batch, units), np.float32)  # (B, U)
    if keep:
        gates = np.empty((batch, steps, 4 * units), np.float32)  # (B, T, 4U): i, f, g, o
        cells = np.empty((batch, steps, units), np.float32)  # (B, T, U)
        hidden = np.empty((batch, steps, units), np.float32)  # (B, T, U)
    sigmoid_parts = (slice(0, 2 * units), slice(3 * units, 4 * units))  # i and f, then o
    for t in range(steps):
        a = np.tanh(xw[:, t] + h @ recurrent_kernel)  # (B, 4U): tanh(z/2) for i, f, o; tanh(z) for g
        for part in sigmoid_parts:
            a[:, part] *= 0.5
            a[:, part] += 0.5  # σ(z) = 0.5·tanh(z/2) + 0.5
        c = a[:, units : 2 * units] * c + a[:, :units] * a[:, 2 * units : 3 * units]  # (B, U): f·c + i·g
        h = a[:, 3 * units :] * np.tanh(c)  # (B, U): o·tanh(c)
        if keep:
            gates[:, t], cells[:, t], hidden[:, t] = a, c, h
    if not keep:
        return {"c": c[:, None], "h": h[:, None]}  # (B, 1, U) each
    return {
        "i": gates[..., :units],
        "f": gates[..., units : 2 * units],
        "g": gates[..., 2 * units : 3 * units],
        "o": gates[..., 3 * units :],
        "c": cells,
        "h": hidden,
    }


def network_gates(x: np.ndarray, weights: NetworkWeights) -> list[dict[str, np.ndarray]]:
    """Gates of every LSTM layer: layer k+1 reads layer k's hidden states. x: (B, T, F)."""
    layers = []
    inputs = x
    with single_blas_thread():
        for layer in weights.lstm:
            gates = lstm_gates(inputs, layer)
            layers.append(gates)
            inputs = gates["h"]  # (B, T, U)
    return layers


def predict(x: np.ndarray, weights: NetworkWeights, *, limit_blas: bool = True) -> np.ndarray:
    """The network's one-step prediction for each window, scaled units: x (B, T, F) -> (B,).

    `limit_blas=False` skips entering `single_blas_thread` (for a caller already inside it).
    """
    if limit_blas:
        with single_blas_thread():
            return predict(x, weights, limit_blas=False)
    inputs = np.asarray(x, dtype=np.float32)  # (B, T, F)
    for k, layer in enumerate(weights.lstm):
        last = k == len(weights.lstm) - 1
        gates = lstm_gates(inputs, layer, keep=not last)
        inputs = gates["h"]  # (B, T, U), or (B, 1, U) for the last layer
    return (inputs[:, -1] @ weights.head.kernel + weights.head.bias)[:, 0]  # (B,)
