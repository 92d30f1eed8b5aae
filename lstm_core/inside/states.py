"""Hidden and cell states over the whole series, in two readings, and how saturated each gate is.

- **One sequence** (`sequence_states`): the LSTM reads the entire series x (T, F) once, from zero
  states, carrying h and c from the first step to the last. This is how LSTMVis and Karpathy et al.
  look inside a network; but this network was trained on windows that always start from zero
  states, so far from the start it may be in states it never met in training.
- **Sliding windows, as trained** (`window_states`): for each step t, the state after reading the
  window of `window` steps that ends at t, from zero states — exactly the state the Dense head
  sees when the network predicts step t + 1. The first `window - 1` steps have no such window (NaN).

Both return one dict per layer; `sequence_states` has the layer's gate names (an LSTM's i, f, g, o, c, h; a
GRU's z, r, n, h; a plain RNN's h), each (T, units), `window_states` its states (an LSTM's c and h, else h).
`saturation` gives, per unit, the fraction of time a gate is below 0.1
and above 0.9 (Karpathy, Johnson and Fei-Fei, 2015).
"""

from __future__ import annotations

import numpy as np

from lstm_core.nn.gates import _rows_per_chunk, layer_gates, single_blas_thread
from lstm_core.nn.weights import LSTMWeights, NetworkWeights

__all__ = ["SATURATING", "saturation", "saturation_over_test", "sequence_states", "window_states"]

SATURATING = {"lstm": ("i", "f", "o"), "gru": ("z", "r"), "rnn": ()}  # each cell's sigmoid gates


def sequence_states(x: np.ndarray, weights: NetworkWeights) -> list[dict[str, np.ndarray]]:
    """Every layer's gates and states over the whole series read as one sequence: x (T, F) -> each (T, U)."""
    inputs = np.asarray(x, dtype=np.float32)  # (T, F)
    layers = []
    with single_blas_thread():
        for layer in weights.lstm:
            if isinstance(layer, LSTMWeights):
                gates = _sequence_layer(inputs, layer)
            else:  # a GRU's or plain RNN's kernel on a batch of one
                gates = {name: value[0] for name, value in layer_gates(inputs[None], layer).items()}
            layers.append(gates)
            inputs = gates["h"]  # the next layer reads this layer's h
    return layers


def _sequence_layer(inputs: np.ndarray, layer: LSTMWeights) -> dict[str, np.ndarray]:
    """One layer over one long sequence, kept 1-D: each NumPy call's fixed cost, not arithmetic, is the time
    here, so the input products of all steps are made at once and each step is 10 small calls writing in
    place (about 25% faster than the batched kernel on a batch of one; bench/inside_speed.py)."""
    features, units = inputs.shape[1], layer.units
    stacked = layer.fused  # (F+U+1, 4U): columns i, f, o, g, the sigmoid ones halved
    xw = inputs @ stacked[:features] + stacked[-1]  # (T, 4U)
    recurrent_kernel = np.ascontiguousarray(stacked[features : features + units])  # (U, 4U)
    steps = len(xw)
    gates = np.empty((steps, 4 * units), np.float32)  # (T, 4U): i, f, o, g
    cells = np.zeros((steps + 1, units), np.float32)  # (T+1, U): row 0 is the zero initial state
    hidden = np.zeros((steps + 1, units), np.float32)  # (T+1, U)
    u1, u2, u3 = units, 2 * units, 3 * units
    for t in range(steps):
        a = gates[t]  # (4U,) view
        np.matmul(hidden[t], recurrent_kernel, out=a)
        a += xw[t]
        np.tanh(a, out=a)  # tanh(z/2) for i, f, o; tanh(z) for g
        sigmoid = a[:u3]
        sigmoid *= 0.5
        sigmoid += 0.5  # σ(z) = 0.5·tanh(z/2) + 0.5
        c = cells[t + 1]
        np.multiply(a[u1:u2], cells[t], out=c)
        c += a[:u1] * a[u3:]  # c = f·c₋₁ + i·g
        h = hidden[t + 1]
        np.tanh(c, out=h)
        h *= a[u2:u3]  # h = o·tanh(c)
    return {
        "i": gates[:, :u1],
        "f": gates[:, u1:u2],
        "g": gates[:, u3:],
        "o": gates[:, u2:u3],
        "c": cells[1:],
        "h": hidden[1:],
    }


def window_states(x: np.ndarray, weights: NetworkWeights, window: int) -> list[dict[str, np.ndarray]]:
    """Every layer's h and c at the last step of the window ending at each t: x (T, F) -> each (T, U).

    Rows 0 .. window - 2 are NaN (no full window ends there). Windows are read in bounded-memory chunks.
    """
    x = np.asarray(x, dtype=np.float32)  # (T, F)
    steps = len(x)
    out = [
        {name: np.full((steps, layer.units), np.nan, np.float32) for name in layer.state_names}
        for layer in weights.lstm
    ]
    if steps < window:
        return out
    view = np.lib.stride_tricks.sliding_window_view(x, window, axis=0)  # (N, F, window), N = T - window + 1
    rows = _rows_per_chunk(window, weights)
    with single_blas_thread():
        for start in range(0, len(view), rows):
            chunk = np.ascontiguousarray(view[start : start + rows].transpose(0, 2, 1))  # (B, window, F)
            inputs = chunk
            for k, layer in enumerate(weights.lstm):
                last = k == len(weights.lstm) - 1
                gates = layer_gates(inputs, layer, keep=not last)
                for name in layer.state_names:
                    out[k][name][window - 1 + start : window - 1 + start + len(chunk)] = gates[name][:, -1]
                inputs = gates["h"]  # (B, window, U)
    return out


def saturation(values: np.ndarray, *, low: float = 0.1, high: float = 0.9) -> tuple[np.ndarray, np.ndarray]:
    """Per unit, the fraction of time a gate is below `low` and above `high`: values (..., U) -> two (U,).

    Left-saturated (near 0) gates block, right-saturated (near 1) gates pass; a unit near neither
    axis acts as a soft, input-dependent switch. NaN steps are left out.
    """
    values = np.asarray(values, dtype=np.float32)
    flat = values.reshape(-1, values.shape[-1])  # (N, U)
    valid = ~np.isnan(flat)
    count = np.maximum(valid.sum(axis=0), 1)  # (U,)
    with np.errstate(invalid="ignore"):
        below = ((flat < low) & valid).sum(axis=0) / count  # (U,)
        above = ((flat > high) & valid).sum(axis=0) / count  # (U,)
    return below.astype(np.float64), above.astype(np.float64)


def saturation_over_test(
    x_test: np.ndarray, weights: NetworkWeights, layer: int = 0, *, max_windows: int = 256
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Saturation of the gates of `layer` over the test part, read as trained (every step of the test windows): an
    LSTM's i, f and o, a GRU's z and r, nothing for a plain RNN.

    At most `max_windows` test windows, evenly spread, so that a whole epoch slider's worth stays fast.
    """
    x_test = np.asarray(x_test, dtype=np.float32)  # (N, window, F)
    if len(x_test) > max_windows:
        x_test = x_test[np.linspace(0, len(x_test) - 1, max_windows).round().astype(int)]
    inputs = x_test
    gates: dict[str, np.ndarray] = {}
    with single_blas_thread(), np.errstate(all="ignore"):
        for k in range(layer + 1):
            gates = layer_gates(inputs, weights.lstm[k])
            inputs = gates["h"]
    return {name: saturation(gates[name]) for name in SATURATING[weights.lstm[layer].cell]}
