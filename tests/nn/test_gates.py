"""The NumPy gates equal Keras's own LSTM output, and follow the six equations."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from lstm_core.nn import gates as gates_module
from lstm_core.nn.gates import GATE_NAMES, lstm_gates, network_gates, predict
from lstm_core.nn.keras_model import network_weights

ATOL = 1e-5  # float32


def keras_sequence(model, name: str, inputs: np.ndarray) -> np.ndarray:
    """Keras's own `return_sequences=True` output of LSTM layer `name` for `inputs` fed to that layer."""
    layer = model.get_layer(name)
    if layer.return_sequences:  # Keras computes it inside the model: read it there
        probe = keras.Model(model.inputs, layer.output)
        return np.asarray(probe.predict(inputs, verbose=0))
    config = {**layer.get_config(), "return_sequences": True}
    twin = type(layer).from_config(config)
    probe = keras.Sequential([keras.Input(shape=inputs.shape[1:]), twin])
    twin.set_weights(layer.get_weights())
    return np.asarray(probe.predict(inputs, verbose=0))


def test_h_equals_keras_output(trained, windows):
    """h computed in NumPy equals the layer's own return_sequences=True output (float32 tolerance)."""
    model = trained.model
    x = windows.x_test  # (B, window, 1)
    gates = network_gates(x, network_weights(model))[0]
    expected = keras_sequence(model, "lstm_1", x)  # (B, window, units)
    assert gates["h"].shape == expected.shape == (len(x), windows.window, 6)
    np.testing.assert_allclose(gates["h"], expected, atol=ATOL, rtol=0)


def test_stacked_layers_equal_keras_output(stacked, windows):
    """In a two-layer model (with dropout), each layer's h equals Keras's sequence for that layer."""
    model = stacked.model
    x = windows.x_test
    layers = network_gates(x, network_weights(model))
    assert len(layers) == 2
    first = keras_sequence(model, "lstm_1", x)  # lstm_1 already returns sequences
    np.testing.assert_allclose(layers[0]["h"], first, atol=ATOL, rtol=0)
    second = keras_sequence(model, "lstm_2", first)
    np.testing.assert_allclose(layers[1]["h"], second, atol=ATOL, rtol=0)


def test_gates_follow_the_six_equations(trained, windows):
    """c_t = f c_{t-1} + i g and h_t = o tanh(c_t) hold on the returned arrays; gates lie in their ranges."""
    weights = network_weights(trained.model).lstm[0]
    gates = lstm_gates(windows.x_test[:5], weights)
    i, f, g, o, c, h = (gates[name] for name in GATE_NAMES)  # each (B, T, U)
    previous = np.concatenate([np.zeros_like(c[:, :1]), c[:, :-1]], axis=1)
    np.testing.assert_allclose(c, f * previous + i * g, atol=1e-6)
    np.testing.assert_allclose(h, o * np.tanh(c), atol=1e-6)
    for gate in (i, f, o):
        assert ((gate >= 0) & (gate <= 1)).all()
    assert (np.abs(g) <= 1).all()
    units = weights.units
    z0 = windows.x_test[:5, 0] @ weights.kernel + weights.bias  # (B, 4U): h_{-1} = 0
    np.testing.assert_allclose(i[:, 0], 1 / (1 + np.exp(-z0[:, :units])), atol=1e-6)
    np.testing.assert_allclose(g[:, 0], np.tanh(z0[:, 2 * units : 3 * units]), atol=1e-6)


@pytest.mark.parametrize("fixture", ["trained", "stacked"])
def test_predict_equals_model_predict(fixture, request, windows):
    """The NumPy forward pass gives the same one-step predictions as model.predict."""
    model = request.getfixturevalue(fixture).model
    ours = predict(windows.x_test, network_weights(model))
    theirs = np.asarray(model.predict(windows.x_test, verbose=0))[:, 0]
    np.testing.assert_allclose(ours, theirs, atol=ATOL, rtol=0)


def test_keep_false_returns_last_state_only(trained, windows):
    """With keep=False only the last c and h are returned, equal to the full run's last step."""
    weights = network_weights(trained.model).lstm[0]
    full = lstm_gates(windows.x_test, weights)
    last = lstm_gates(windows.x_test, weights, keep=False)
    assert set(last) == {"c", "h"}
    np.testing.assert_allclose(last["h"][:, 0], full["h"][:, -1], atol=1e-7)


def test_unsupported_layer_is_refused():
    """A model with a layer the gates cannot follow (a GRU with reset_after=False) raises ValueError naming it."""
    layer = keras.layers.GRU(3, reset_after=False, name="gru")
    model = keras.Sequential([keras.Input(shape=(4, 1)), layer, keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="gru"):
        network_weights(model)


def test_predict_in_chunks_equals_one_pass(trained, windows, monkeypatch):
    """A long input is predicted in chunks (bounded memory) with the same result as in one pass."""
    weights = network_weights(trained.model)
    whole = predict(windows.x_test, weights)
    window, units = windows.window, weights.lstm[0].units
    monkeypatch.setattr(gates_module, "CHUNK_FLOATS", 6 * window * units * 4)  # 4 windows per chunk
    assert gates_module._rows_per_chunk(window, weights) == 4 < len(windows.x_test)
    np.testing.assert_allclose(predict(windows.x_test, weights), whole, atol=1e-6, rtol=0)  # BLAS blocks differ by size


@pytest.mark.parametrize("fixture", ["trained", "stacked"])
def test_single_window_path_equals_batch_path(fixture, request, windows):
    """One window goes through the 1-D kernel; it gives what the batched kernel gives for that window."""
    weights = network_weights(request.getfixturevalue(fixture).model)
    batched = predict(windows.x_test[:3], weights)  # (3,)
    singles = np.concatenate([predict(windows.x_test[k : k + 1], weights) for k in range(3)])  # (3,)
    np.testing.assert_allclose(singles, batched, atol=1e-6, rtol=0)


def test_weights_pickle_without_their_fused_matrix():
    """An LSTM layer's weights pickle at their own size once `fused` is made (it is made again after unpickling)."""
    import pickle

    from lstm_core.nn.weights import recurrent_weights

    rng = np.random.default_rng(0)
    layer = recurrent_weights("lstm", rng.normal(size=(2, 12)), rng.normal(size=(3, 12)), rng.normal(size=12))
    before = len(pickle.dumps(layer))
    fused = layer.fused
    assert len(pickle.dumps(layer)) == before
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(layer)).fused, fused)
