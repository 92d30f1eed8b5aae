"""Backpropagation through time in NumPy equals the backend's automatic differentiation (tf.GradientTape, jax.grad)
of Keras's own layers, and integrated gradients are complete."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_core.config.settings import ModelConfig
from lstm_core.nn.gradients import (
    gradients,
    integrated_gradients,
    integrated_gradients_batch,
    training_mean_baseline,
)
from lstm_core.nn.keras_model import backend_name, build_model, layer_name, network_weights

RTOL = 1e-4  # relative to the largest entry
WINDOW, FEATURES = 9, 2


def random_model(cell: str, layers: int):
    """A `build_model` network of `cell` (units 5, dropout between layers) with every weight drawn at random."""
    config = ModelConfig(cell=cell, units=5, layers=layers, dropout=0.1 if layers > 1 else 0.0)
    model = build_model(config, window=WINDOW, n_features=FEATURES)
    rng = np.random.default_rng(layers)
    for weight in model.weights:
        weight.assign(rng.normal(0.0, 0.5, weight.shape).astype(np.float32))
    return model


def forward(model, cell: str, inputs, zeros, ops):
    """ŷ summed over the batch: the first layer's Keras cell stepped by hand with zeros[t] added to each h_t (its
    gradient is ∂ŷ/∂h_t, an LSTM's c_t untouched), then Keras's own later layers. Returns (sum, ŷ)."""
    first = model.get_layer(layer_name(cell, 1))
    later = model.layers[model.layers.index(first) + 1 :]
    states, hidden = [ops.zeros((inputs.shape[0], first.units))] * (2 if cell == "lstm" else 1), []
    for t in range(WINDOW):
        _, states = first.cell(inputs[:, t], states)
        states = list(states) if isinstance(states, (list, tuple)) else [states]
        states[0] = states[0] + zeros[t]
        hidden.append(states[0])
    out = ops.stack(hidden, axis=1) if first.return_sequences else hidden[-1]
    for layer in later:
        out = layer(out)
    return ops.sum(out[:, 0]), out[:, 0]


def autodiff(model, cell: str, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ŷ, ∂ŷ/∂x and ‖∂ŷ/∂h_t‖ by the backend's own automatic differentiation of `forward`."""
    units = model.get_layer(layer_name(cell, 1)).units
    if backend_name() == "jax":
        import jax
        import jax.numpy as jnp

        zeros = jnp.zeros((WINDOW, len(x), units))
        grad = jax.grad(lambda a, b: forward(model, cell, a, b, jnp)[0], argnums=(0, 1))
        input_gradient, state_gradient = grad(jnp.asarray(x), zeros)
        output = forward(model, cell, jnp.asarray(x), zeros, jnp)[1]
        return np.asarray(output), np.asarray(input_gradient), np.linalg.norm(np.asarray(state_gradient), axis=-1).T
    tf = pytest.importorskip("tensorflow")
    if backend_name() != "tensorflow":
        pytest.skip("the reference is tf.GradientTape or jax.grad")
    inputs = tf.constant(x)
    zeros = [tf.zeros((len(x), units)) for _ in range(WINDOW)]
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(inputs)
        for zero in zeros:
            tape.watch(zero)
        total, output = forward(model, cell, inputs, zeros, tf.experimental.numpy)
    state = np.stack([np.linalg.norm(tape.gradient(total, zero).numpy(), axis=-1) for zero in zeros], axis=1)
    return output.numpy(), tape.gradient(total, inputs).numpy(), state


@pytest.mark.parametrize("layers", [1, 2])
@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_gradients_equal_autodiff(cell, layers):
    """∂ŷ/∂x per step and feature and ‖∂ŷ/∂h_t‖ per step equal automatic differentiation's within 1e-4 relative."""
    model = random_model(cell, layers)
    x = np.random.default_rng(2).normal(size=(4, WINDOW, FEATURES)).astype(np.float32)  # (B, T, F)
    ours = gradients(x, network_weights(model))
    output, input_gradient, state_gradient = autodiff(model, cell, x)
    np.testing.assert_allclose(ours.output, output, atol=1e-5, rtol=0)
    for mine, theirs in ((ours.input_gradient, input_gradient), (ours.state_gradient, state_gradient)):
        assert mine.shape == theirs.shape
        assert np.abs(mine - theirs).max() <= RTOL * np.abs(theirs).max()


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_integrated_gradients_are_complete(cell):
    """Integrated gradients from the training mean sum to ŷ(x) − ŷ(baseline) within 1%, and are zero at the baseline."""
    weights = network_weights(random_model(cell, 1))
    training = np.random.default_rng(3).normal(size=(40, FEATURES)).astype(np.float32)  # (N, F), scaled
    baseline = training_mean_baseline(training, WINDOW)
    assert baseline.shape == (WINDOW, FEATURES) and np.allclose(baseline, training.mean(axis=0))
    x = np.random.default_rng(4).normal(size=(WINDOW, FEATURES)).astype(np.float32)
    result = integrated_gradients(x, weights, baseline)
    difference = result.output - result.baseline_output
    assert abs(result.attributions.sum() - difference) <= 0.01 * abs(difference)
    assert result.completeness_error <= 0.01
    assert not integrated_gradients(baseline, weights, baseline).attributions.any()


def test_batch_integrated_gradients_equal_one_by_one():
    """Integrated gradients of several windows at once equal each window's own, and each is complete within 1%."""
    weights = network_weights(random_model("rnn", 1))
    x = np.random.default_rng(5).normal(size=(3, WINDOW, FEATURES)).astype(np.float32)
    baseline = np.zeros((WINDOW, FEATURES), np.float32)
    batch = integrated_gradients_batch(x, weights, baseline, steps=64)
    assert batch.attributions.shape == x.shape and (batch.completeness_error <= 0.01).all()
    for k in range(3):
        single = integrated_gradients(x[k], weights, baseline, steps=64)
        np.testing.assert_allclose(batch.attributions[k], single.attributions, atol=1e-6, rtol=1e-4)
