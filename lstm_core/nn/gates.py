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
A GRU's and a plain RNN's layers go through their own kernels (cells.py); `layer_gates` picks the
kernel from the layer's weights, so `network_gates` and `predict` serve every cell.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from lstm_core.nn.cells import gru_gates, rnn_gates
from lstm_core.nn.weights import GRUWeights, LSTMWeights, NetworkWeights, RecurrentWeights

__all__ = [
    "GATE_NAMES",
    "layer_gates",
    "lstm_gates",
    "network_gates",
    "predict",
    "single_blas_thread",
]

GATE_NAMES = LSTMWeights.gate_names  # an LSTM's; any layer's are `weights.gate_names`


def single_blas_thread() -> Any:
    """Run the step loop's matrix products on one BLAS thread.

    Each product is tiny ((B, U) x (U, 4U)); splitting it over cores costs more in
    synchronisation than it saves, and stalls whenever another process holds a core
    (measured in bench/gates_speed.py).
    """
    return _blas_controller().limit(limits=1, user_api="blas")


@functools.cache
def _blas_controller() -> Any:
    # One controller per process: building one scans every loaded shared library (about 3 ms
    # once TensorFlow is loaded); reusing it makes entering the limit cost about 10 µs.
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def lstm_gates(x: np.ndarray, weights: LSTMWeights, *, keep: bool = True) -> dict[str, np.ndarray]:
    """Gates of one LSTM layer for a batch of windows, from zero initial states.

    x: (B, T, F). Returns i, f, g, o, c, h, each (B, T, U); with keep=False only the last
    h and c, each (B, 1, U), which is all a forecast needs.
    """
    x = np.asarray(x, dtype=np.float32)  # (B, T, F)
    batch, steps, features = x.shape
    units = weights.units
    stacked = weights.fused  # (F+U+1, 4U): columns i, f, o, g
    # The row buffer [x_t, h_{t-1}, 1] holds h in place, so each step is one matrix product and
    # no (T, B, 4U) block of input products is ever built (half the time of precomputing x·W).
    row = np.zeros((batch, features + units + 1), np.float32)  # (B, F+U+1)
    row[:, -1] = 1.0
    h = row[:, features : features + units]  # (B, U) view: h_{t-1}, then h_t
    rows = steps if keep else 1
    gates = np.empty((rows, batch, 4 * units), np.float32)  # (T, B, 4U): i, f, o, g after the loop
    cells = np.empty((rows, batch, units), np.float32)  # (T, B, U); time-major: each step writes in place
    hidden = np.empty((rows, batch, units), np.float32)  # (T, B, U)
    scratch = np.empty((batch, units), np.float32)  # (B, U)
    c = np.zeros((batch, units), np.float32)  # (B, U)
    for t in range(steps):
        k = t if keep else 0
        a, c_new = gates[k], cells[k]  # (B, 4U), (B, U) views
        row[:, :features] = x[:, t]
        np.matmul(row, stacked, out=a)  # z (halved for i, f, o)
        np.tanh(a, out=a)  # tanh(z/2) for i, f, o; tanh(z) for g
        sigmoid = a[:, : 3 * units]
        sigmoid *= 0.5
        sigmoid += 0.5  # σ(z) = 0.5·tanh(z/2) + 0.5
        i, f, o, g = a[:, :units], a[:, units : 2 * units], a[:, 2 * units : 3 * units], a[:, 3 * units :]
        np.multiply(f, c, out=c_new)
        np.multiply(i, g, out=scratch)
        c_new += scratch  # c = f·c₋₁ + i·g
        np.tanh(c_new, out=h)
        h *= o  # h = o·tanh(c), written where the next step's product reads it
        hidden[k] = h
        c = c_new  # with keep=False this is the same buffer again next step: safe, read first
    if not keep:
        return {"c": np.transpose(cells, (1, 0, 2)), "h": np.transpose(hidden, (1, 0, 2))}  # (B, 1, U) each
    batch_major = np.transpose(gates, (1, 0, 2))  # (B, T, 4U) view
    return {
        "i": batch_major[..., :units],
        "f": batch_major[..., units : 2 * units],
        "g": batch_major[..., 3 * units :],
        "o": batch_major[..., 2 * units : 3 * units],
        "c": np.transpose(cells, (1, 0, 2)),  # (B, T, U)
        "h": np.transpose(hidden, (1, 0, 2)),  # (B, T, U)
    }


def layer_gates(x: np.ndarray, weights: RecurrentWeights, *, keep: bool = True) -> dict[str, np.ndarray]:
    """One recurrent layer's arrays (`weights.gate_names`, each (B, T, U)) by its cell's kernel. x: (B, T, F).

    With keep=False only the last step's states (`weights.state_names`, each (B, 1, U)).
    """
    if isinstance(weights, LSTMWeights):
        return lstm_gates(x, weights, keep=keep)
    if isinstance(weights, GRUWeights):
        return gru_gates(x, weights, keep=keep)
    return rnn_gates(x, weights, keep=keep)


def network_gates(x: np.ndarray, weights: NetworkWeights) -> list[dict[str, np.ndarray]]:
    """Gates of every recurrent layer: layer k+1 reads layer k's hidden states. x: (B, T, F)."""
    layers = []
    inputs = x
    with single_blas_thread():
        for layer in weights.lstm:
            gates = layer_gates(inputs, layer)
            layers.append(gates)
            inputs = gates["h"]  # (B, T, U)
    return layers


# The step loop keeps, per layer, about 6 x window x units float32 values per window (the gate
# buffer, 4U per step, plus the cell and hidden buffers, U each). Chunking the windows keeps that
# under ~128 MB, so a long test set at window 365 and 512 units cannot exhaust memory.
CHUNK_FLOATS = 32 * 1024 * 1024


def _rows_per_chunk(steps: int, weights: NetworkWeights) -> int:
    units = max(layer.units for layer in weights.lstm)
    return max(1, CHUNK_FLOATS // (6 * max(1, steps) * units))


def predict(
    x: np.ndarray, weights: NetworkWeights, *, limit_blas: bool = True, all_outputs: bool = False
) -> np.ndarray:
    """The network's one-step prediction for each window, scaled units: x (B, T, F) -> (B,).

    `all_outputs=True` gives every output of the head, (B, H) (a direct model's H horizon steps).
    `limit_blas=False` skips entering `single_blas_thread` (for a caller already inside it).
    """
    if limit_blas:
        with single_blas_thread():
            return predict(x, weights, limit_blas=False, all_outputs=all_outputs)
    x = np.asarray(x, dtype=np.float32)  # (B, T, F)
    rows = _rows_per_chunk(x.shape[1], weights)
    if len(x) > rows:
        parts = [
            predict(x[s : s + rows], weights, limit_blas=False, all_outputs=all_outputs) for s in range(0, len(x), rows)
        ]
        return np.concatenate(parts)
    if all_outputs:
        inputs = x
        for k, layer in enumerate(weights.lstm):
            inputs = layer_gates(inputs, layer, keep=k < len(weights.lstm) - 1)["h"]  # (B, T, U) / (B, 1, U)
        return inputs[:, -1] @ weights.head.kernel + weights.head.bias  # (B, H)
    if len(x) == 1 and weights.cell == "lstm":
        return np.array([_predict_window(x[0], weights)], np.float32)  # (1,)
    inputs = x
    for k, layer in enumerate(weights.lstm):
        last = k == len(weights.lstm) - 1
        gates = layer_gates(inputs, layer, keep=not last)
        inputs = gates["h"]  # (B, T, U), or (B, 1, U) for the last layer
    return (inputs[:, -1] @ weights.head.kernel + weights.head.bias)[:, 0]  # (B,)


def _predict_window(x: np.ndarray, weights: NetworkWeights) -> float:
    """`predict` for one window x (T, F), kept 1-D: the recursive forecast calls this once per step,
    where each NumPy call's fixed cost, not arithmetic, is the time (9 calls per LSTM step, not 13)."""
    inputs = x  # (T, F)
    for layer in weights.lstm:
        features, units = inputs.shape[1], layer.units
        stacked = layer.fused  # (F+U+1, 4U): columns i, f, o, g, the sigmoid ones halved
        xw = inputs @ stacked[:features] + stacked[-1]  # (T, 4U): the input part of every step at once
        recurrent_kernel = stacked[features : features + units]  # (U, 4U)
        h = np.zeros(units, np.float32)  # (U,)
        c = np.zeros(units, np.float32)  # (U,)
        sequence = np.empty((len(xw), units), np.float32)  # (T, U): the next layer's input
        for t in range(len(xw)):
            a = np.tanh(xw[t] + h @ recurrent_kernel)  # (4U,): tanh(z/2) for i, f, o; tanh(z) for g
            gate = a * 0.5 + 0.5  # (4U,): σ(z) for i, f, o (its g block is unused)
            c = gate[units : 2 * units] * c + gate[:units] * a[3 * units :]  # c = f·c₋₁ + i·g
            h = gate[2 * units : 3 * units] * np.tanh(c)  # h = o·tanh(c)
            sequence[t] = h
        inputs = sequence
    return float(h @ weights.head.kernel[:, 0] + weights.head.bias[0])
