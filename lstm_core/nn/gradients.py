"""Gradients through time in NumPy: backpropagation through time written beside the forward kernels.

For the network's first output ŷ (the one-step prediction, scaled units) and a batch of windows x (B, T, F):

- `input_gradient` (B, T, F): ∂ŷ/∂x, per step and feature;
- `state_gradient` (B, T): ‖∂ŷ/∂h_t‖₂, h_t being the first layer's hidden state after it reads step t, taken as
  a variable of its own: everything later that reads h_t (the next step's gates; the layer above; for the last
  step, the head) passes the gradient back to it. For an LSTM the partial derivative, the cell state c_t held
  fixed (the memory that carries the rest). The last entry is the gradient with respect to the final state.
  How fast it falls with the lag T − 1 − t is how far back the network still reaches (RNNbow, Cashman et al. 2018).

`integrated_gradients` (Sundararajan et al. 2017) attributes ŷ(x) − ŷ(baseline) to each step and feature:
(x − x') · mean over α of ∂ŷ/∂x at x' + α(x − x'), a midpoint sum whose steps are doubled until the attributions
sum to ŷ(x) − ŷ(x') within 1% (completeness, checked and returned). The baseline is the training mean.

Each layer's backward step mirrors its forward kernel (gates.lstm_gates, cells.gru_gates, cells.rnn_gates; Keras's
weight layouts, in weights.py); the tests prove both equal TensorFlow's automatic differentiation of Keras's own layers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_core.nn.gates import network_gates, single_blas_thread
from lstm_core.nn.weights import GRUWeights, LSTMWeights, NetworkWeights, RecurrentWeights

__all__ = [
    "Attribution",
    "Gradients",
    "gradients",
    "integrated_gradients",
    "integrated_gradients_batch",
    "training_mean_baseline",
]

COMPLETENESS = 0.01  # integrated gradients must sum to ŷ(x) − ŷ(baseline) within 1%
MAX_STEPS = 1024
CHUNK_FLOATS = 4 * 1024 * 1024  # windows x steps x units per backward pass: each float64 array at most 32 MB


@dataclass(frozen=True, eq=False)
class Gradients:
    output: np.ndarray  # (B,): ŷ, the network's first output
    input_gradient: np.ndarray  # (B, T, F): ∂ŷ/∂x
    state_gradient: np.ndarray  # (B, T): ‖∂ŷ/∂h_t‖₂ of the first layer (an LSTM's with c_t held fixed)


@dataclass(frozen=True, eq=False)
class Attribution:
    attributions: np.ndarray  # (T, F): their sum is ≈ output − baseline_output
    baseline: np.ndarray  # (T, F)
    output: float  # ŷ(x)
    baseline_output: float  # ŷ(baseline)
    steps: int  # points of the path sum used
    completeness_error: float  # |Σ attributions − (output − baseline_output)| / |output − baseline_output|


def gradients(x: np.ndarray, weights: NetworkWeights, *, output: int = 0) -> Gradients:
    """∂ŷ/∂x and ‖∂ŷ/∂h_t‖ of the first layer for each window of x (B, T, F); ŷ is the head's output `output`."""
    x = np.asarray(x, dtype=np.float64)  # (B, T, F): float64, so the backward pass adds no rounding of its own
    with single_blas_thread(), np.errstate(all="ignore"):
        layers = network_gates(x.astype(np.float32), weights)  # per layer: each (B, T, U)
        kernel = weights.head.kernel.reshape(weights.head.kernel.shape[0], -1)[:, output]  # (U,)
        last = layers[-1]["h"][:, -1].astype(np.float64)  # (B, U)
        prediction = last @ kernel + np.reshape(weights.head.bias, -1)[output]  # (B,)
        batch, steps = x.shape[:2]
        upstream = np.zeros((batch, steps, weights.lstm[-1].units))  # (B, T, U): ∂ŷ/∂h_t from outside the layer
        upstream[:, -1] = kernel
        state = upstream
        for k in range(len(weights.lstm) - 1, -1, -1):
            inputs = x if k == 0 else layers[k - 1]["h"]  # (B, T, F or U)
            upstream, state = _layer_backward(inputs, layers[k], weights.lstm[k], upstream)
    return Gradients(
        output=prediction.astype(np.float32),
        input_gradient=upstream.astype(np.float32),  # after the first layer: ∂ŷ/∂x
        state_gradient=np.linalg.norm(state, axis=-1).astype(np.float32),  # the first layer's, (B, T)
    )


def _layer_backward(
    inputs: np.ndarray, gates: dict[str, np.ndarray], weights: RecurrentWeights, upstream: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """One layer's backward pass: the gradient on its inputs (B, T, F) and the total gradient on each h_t (B, T, U),
    given the gradient reaching each h_t from outside the layer, `upstream` (B, T, U)."""
    g = {name: np.asarray(value, dtype=np.float64) for name, value in gates.items()}  # each (B, T, U)
    kernel, recurrent = weights.kernel.astype(np.float64), weights.recurrent_kernel.astype(np.float64)
    batch, steps, units = upstream.shape
    h = g["h"]
    h_prev = np.concatenate([np.zeros((batch, 1, units)), h[:, :-1]], axis=1)  # (B, T, U): h_{t-1}
    d_inputs = np.empty((*inputs.shape[:2], kernel.shape[0]))  # (B, T, F)
    d_state = np.empty_like(upstream)  # (B, T, U)
    dh_next = np.zeros((batch, units))  # ∂ŷ/∂h_t through step t + 1's recurrence
    if isinstance(weights, LSTMWeights):
        c_prev = np.concatenate([np.zeros((batch, 1, units)), g["c"][:, :-1]], axis=1)  # (B, T, U)
        dc = np.zeros((batch, units))  # ∂ŷ/∂c_t through step t + 1
    if isinstance(weights, GRUWeights):
        inner_n = h_prev @ recurrent[:, 2 * units :] + weights.bias[1, 2 * units :]  # (B, T, U): U_n·h₋₁ + b'_n
    for t in range(steps - 1, -1, -1):
        dh = upstream[:, t] + dh_next  # (B, U)
        d_state[:, t] = dh
        if isinstance(weights, LSTMWeights):
            i, f, gg, o, c = (g[name][:, t] for name in ("i", "f", "g", "o", "c"))
            tanh_c = np.tanh(c)
            dc = dc + dh * o * (1 - tanh_c**2)  # h = o·tanh(c)
            da = np.concatenate(  # (B, 4U), Keras's order i, f, c, o
                [
                    dc * gg * i * (1 - i),
                    dc * c_prev[:, t] * f * (1 - f),
                    dc * i * (1 - gg**2),
                    dh * tanh_c * o * (1 - o),
                ],
                axis=1,
            )
            dc = dc * f  # c = f·c₋₁ + i·g
            d_inputs[:, t] = da @ kernel.T
            dh_next = da @ recurrent.T
        elif isinstance(weights, GRUWeights):
            z, r, n = (g[name][:, t] for name in ("z", "r", "n"))
            da_n = dh * (1 - z) * (1 - n**2)  # h = z·h₋₁ + (1 − z)·n, n = tanh(a_n)
            da_z = dh * (h_prev[:, t] - n) * z * (1 - z)
            da_r = da_n * inner_n[:, t] * r * (1 - r)  # a_n = x·W_n + b_n + r·inner_n
            d_inputs[:, t] = np.concatenate([da_z, da_r, da_n], axis=1) @ kernel.T  # (B, F)
            dh_next = dh * z + np.concatenate([da_z, da_r, da_n * r], axis=1) @ recurrent.T
        else:  # h = tanh(x·W + h₋₁·U + b)
            da = dh * (1 - h[:, t] ** 2)
            d_inputs[:, t] = da @ kernel.T
            dh_next = da @ recurrent.T
    return d_inputs, d_state


def training_mean_baseline(training: np.ndarray, window: int) -> np.ndarray:
    """The baseline of integrated gradients: each feature's mean over the training part `training` (N, F), scaled as
    the network reads it, at every one of `window` steps. (window, F)"""
    mean = np.asarray(training, dtype=np.float64).mean(axis=0)  # (F,)
    return np.repeat(mean[None].astype(np.float32), window, axis=0)  # (window, F)


def integrated_gradients(
    x: np.ndarray, weights: NetworkWeights, baseline: np.ndarray, *, steps: int = 32, output: int = 0
) -> Attribution:
    """Integrated gradients of one window x (T, F) from `baseline` (T, F), steps doubled until complete within 1%."""
    x = np.asarray(x, dtype=np.float32)  # (T, F)
    batch = integrated_gradients_batch(x[None], weights, baseline, steps=steps, output=output)
    return Attribution(
        attributions=batch.attributions[0],
        baseline=batch.baseline,
        output=float(batch.output[0]),
        baseline_output=batch.baseline_output,
        steps=batch.steps,
        completeness_error=float(batch.completeness_error[0]),
    )


@dataclass(frozen=True, eq=False)
class BatchAttribution:
    attributions: np.ndarray  # (N, T, F)
    baseline: np.ndarray  # (T, F)
    output: np.ndarray  # (N,): ŷ of each window
    baseline_output: float
    steps: int
    completeness_error: np.ndarray  # (N,)


def integrated_gradients_batch(
    x: np.ndarray, weights: NetworkWeights, baseline: np.ndarray, *, steps: int = 32, output: int = 0
) -> BatchAttribution:
    """Integrated gradients of windows x (N, T, F) from one `baseline` (T, F): every window's path in one batch,
    steps doubled until each window's attributions are complete within 1% (or MAX_STEPS)."""
    x, baseline = np.asarray(x, dtype=np.float32), np.asarray(baseline, dtype=np.float32)  # (N, T, F), (T, F)
    ends = gradients(np.concatenate([x, baseline[None]]), weights, output=output).output.astype(np.float64)
    difference = ends[:-1] - ends[-1]  # (N,)
    while True:
        alphas = (np.arange(steps) + 0.5) / steps  # (S,): midpoints
        path = baseline + alphas[None, :, None, None] * (x - baseline)[:, None]  # (N, S, T, F)
        flat = path.reshape(-1, *x.shape[1:])  # (N·S, T, F)
        rows = max(1, CHUNK_FLOATS // (x.shape[1] * max(layer.units for layer in weights.lstm)))  # bounded memory
        slopes = np.concatenate(  # (N·S, T, F)
            [gradients(flat[k : k + rows], weights, output=output).input_gradient for k in range(0, len(flat), rows)]
        ).astype(np.float64)
        attributions = (x - baseline) * slopes.reshape(path.shape).mean(axis=1)  # (N, T, F)
        error = np.abs(attributions.sum(axis=(1, 2)) - difference) / np.maximum(np.abs(difference), 1e-6)  # (N,)
        if (error <= COMPLETENESS).all() or steps >= MAX_STEPS:
            break
        steps *= 2
    return BatchAttribution(
        attributions=attributions.astype(np.float32),
        baseline=baseline,
        output=ends[:-1].astype(np.float32),
        baseline_output=float(ends[-1]),
        steps=steps,
        completeness_error=error,
    )
