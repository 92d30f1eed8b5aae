"""A GRU's and a plain RNN's arrays recomputed in NumPy equal Keras's own, and follow their equations."""

from __future__ import annotations

import re

import keras
import numpy as np
import pytest

from lstm_core.config.settings import ModelConfig
from lstm_core.errors import LabError
from lstm_core.inside.states import sequence_states, window_states
from lstm_core.nn.gates import network_gates, predict
from lstm_core.nn.keras_model import build_model, members_weights, network_weights, rebuild_model
from lstm_core.nn.probe import GateRecorder

ATOL = 1e-5  # float32
WINDOW, FEATURES = 7, 2


def random_model(cell: str, *, layers: int = 2, members: int = 1, seed: int = 0):
    """A `build_model` network of `cell` (units 5) with every weight, biases included, drawn at random."""
    model = build_model(
        ModelConfig(cell=cell, units=5, layers=layers), window=WINDOW, n_features=FEATURES, members=members
    )
    rng = np.random.default_rng(seed)
    for weight in model.weights:
        weight.assign(rng.normal(0.0, 0.5, weight.shape).astype(np.float32))
    return model


@pytest.fixture(scope="module")
def x() -> np.ndarray:
    return np.random.default_rng(1).normal(size=(6, WINDOW, FEATURES)).astype(np.float32)  # (B, T, F)


@pytest.mark.parametrize("cell", ["gru", "rnn"])
def test_h_equals_keras_sequences(cell, x):
    """Each layer's h equals Keras's return_sequences=True output, and predict equals model.predict."""
    model = random_model(cell)
    weights = network_weights(model)
    assert weights.cell == cell
    layers = network_gates(x, weights)
    first = np.asarray(keras.Model(model.inputs, model.get_layer(f"{cell}_1").output).predict(x, verbose=0))
    np.testing.assert_allclose(layers[0]["h"], first, atol=ATOL, rtol=0)
    twin = type(model.get_layer(f"{cell}_2")).from_config(
        {**model.get_layer(f"{cell}_2").get_config(), "return_sequences": True}
    )
    second = keras.Sequential([keras.Input(shape=first.shape[1:]), twin])
    twin.set_weights(model.get_layer(f"{cell}_2").get_weights())
    np.testing.assert_allclose(layers[1]["h"], np.asarray(second.predict(first, verbose=0)), atol=ATOL, rtol=0)
    expected = np.asarray(model.predict(x, verbose=0))[:, 0]
    np.testing.assert_allclose(predict(x, weights), expected, atol=ATOL, rtol=0)
    np.testing.assert_allclose(predict(x[:1], weights), expected[:1], atol=ATOL, rtol=0)


def test_gru_follows_its_equations(x):
    """z, r lie in (0, 1), n in (-1, 1), h = z·h₋₁ + (1 − z)·n, and step 0's gates come from x·W + both biases."""
    network = network_weights(random_model("gru", layers=1))
    weights, gates = network.lstm[0], network_gates(x, network)[0]
    z, r, n, h = (gates[name] for name in ("z", "r", "n", "h"))  # each (B, T, U)
    previous = np.concatenate([np.zeros_like(h[:, :1]), h[:, :-1]], axis=1)
    np.testing.assert_allclose(h, z * previous + (1 - z) * n, atol=1e-6)
    assert ((z > 0) & (z < 1) & (r > 0) & (r < 1)).all() and (np.abs(n) < 1).all()
    units = weights.units
    a0 = x[:, 0] @ weights.kernel + weights.bias[0] + weights.bias[1]  # (B, 3U): h₋₁ = 0
    np.testing.assert_allclose(z[:, 0], 1 / (1 + np.exp(-a0[:, :units])), atol=1e-6)
    n0 = np.tanh(
        x[:, 0] @ weights.kernel[:, 2 * units :] + weights.bias[0, 2 * units :] + r[:, 0] * weights.bias[1, 2 * units :]
    )
    np.testing.assert_allclose(n[:, 0], n0, atol=1e-6)


@pytest.mark.parametrize("cell", ["gru", "rnn"])
def test_states_and_probe_for_every_cell(cell, x):
    """Whole-series states, windowed states and probe snapshots hold the cell's own arrays (no c for a GRU or RNN)."""
    weights = network_weights(random_model(cell))
    series = x.reshape(-1, FEATURES)  # (B·T, F)
    whole = sequence_states(series, weights)[0]
    np.testing.assert_allclose(whole["h"][:WINDOW], network_gates(x[:1], weights)[0]["h"][0], atol=1e-6)
    windowed = window_states(series, weights, WINDOW)
    assert set(windowed[1]) == {"h"}
    np.testing.assert_allclose(windowed[1]["h"][WINDOW - 1], network_gates(x[:1], weights)[1]["h"][0, -1], atol=1e-6)
    recorder = GateRecorder()
    recorder.begin(x[0], epochs=1)
    recorder.record(1, weights)
    assert set(recorder.history().probe_gates(0)) == set(weights.lstm[0].gate_names)


@pytest.mark.parametrize("cell", ["gru", "rnn"])
def test_seed_ensemble_of_separate_stacks(cell, x, tiny_config):
    """A GRU or RNN seed ensemble is N separate stacks; each member's NumPy prediction is its Keras output, and
    a model rebuilt from the members' weights predicts the same."""
    model = random_model(cell, layers=1, members=2)
    members = members_weights(model)
    assert len(members) == 2 and all(m.cell == cell for m in members)
    expected = np.asarray(model.predict(x, verbose=0))  # (B, 2)
    for k, member in enumerate(members):
        np.testing.assert_allclose(predict(x, member), expected[:, k], atol=ATOL, rtol=0)
    config = tiny_config.replace(cell=cell, units=5, layers=1, seeds=2)
    again = rebuild_model(config, members, window=WINDOW, n_features=FEATURES)
    np.testing.assert_allclose(np.asarray(again.predict(x, verbose=0)), expected, atol=ATOL, rtol=0)


def test_unknown_cell_is_refused():
    """`cell` names one of lstm, gru, rnn; anything else is refused in Keras's form."""
    with pytest.raises(LabError, match=re.escape("`cell` must be one of 'lstm', 'gru', 'rnn'. Received: cell='lsmt'")):
        ModelConfig(cell="lsmt")
