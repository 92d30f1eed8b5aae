"""Inside the network: gates recorded over training, whole-series states, saturation, select and match."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from tiny import TINY, tiny_dataset

from lstm_core.inside.select import on_ranges, select_and_match
from lstm_core.inside.states import saturation, saturation_over_test, sequence_states, window_states
from lstm_core.nn.gates import GATE_NAMES, network_gates
from lstm_core.nn.keras_model import network_weights
from lstm_core.nn.probe import GateRecorder, probe_window
from lstm_core.nn.weights import DenseWeights, LSTMWeights, NetworkWeights

ATOL = 1e-5  # float32


@pytest.fixture(scope="module")
def recorded():
    """A tiny LSTM(6) trained for 3 epochs through run_experiment, which records gates every epoch."""
    from lstm_core.experiment.run import run_experiment

    return run_experiment(tiny_dataset(), TINY.replace(epochs=3))


def keras_whole_sequence(layer, x: np.ndarray) -> np.ndarray:
    """Keras's own LSTM layer (return_sequences=True) with `layer`'s weights, run over x (T, F) as one sequence."""
    twin = keras.layers.LSTM(layer.units, return_sequences=True)
    probe = keras.Sequential([keras.Input(shape=(None, x.shape[1])), twin])
    twin.set_weights(layer.get_weights())
    return np.asarray(probe.predict(x[None], verbose=0))[0]  # (T, U)


def test_last_recorded_epoch_equals_saved_model(recorded, windows, tmp_path):
    """The last entry of gates_epochs.npz equals the probe window's gates recomputed from model.keras."""
    from lstm_core.experiment.export import write_run

    write_run(recorded, tmp_path)
    saved = keras.models.load_model(tmp_path / "model.keras")
    with np.load(tmp_path / "gates_epochs.npz") as archive:
        assert archive["epochs"].tolist() == [1, 2, 3]
        np.testing.assert_array_equal(archive["x"], windows.x_val[-1])  # a finished run keeps only its test windows
        again = network_gates(archive["x"][None], network_weights(saved))[0]
        for name in GATE_NAMES:
            assert archive[name].shape == (3, TINY.windows.window, TINY.model.units)
            np.testing.assert_allclose(archive[name][-1], again[name][0], atol=ATOL, rtol=0)
        assert not np.allclose(archive["f"][0], archive["f"][-1])  # the gates moved while the network trained


def test_sequence_h_equals_keras_whole_sequence(recorded, tmp_path):
    """Whole-series h (one sequence from zero states) equals Keras's own LSTM layer over the whole sequence."""
    from lstm_core.experiment.export import states_arrays

    x = recorded.windows.scaled  # (T, 1)
    expected = keras_whole_sequence(recorded.keras_model().get_layer("lstm_1"), x)
    arrays = states_arrays(recorded)
    assert arrays["h"].shape == expected.shape == (len(x), TINY.model.units)
    np.testing.assert_allclose(arrays["h"], expected, atol=ATOL, rtol=0)
    np.testing.assert_array_equal(arrays["x"], x)
    assert len(arrays["time"]) == len(x)


def test_stacked_sequence_states_equal_keras(stacked, windows):
    """In a two-layer network the second layer's whole-series h equals Keras's layer fed the first layer's h."""
    weights = network_weights(stacked.model)
    layers = sequence_states(windows.scaled, weights)
    first = keras_whole_sequence(stacked.model.get_layer("lstm_1"), windows.scaled)
    np.testing.assert_allclose(layers[0]["h"], first, atol=ATOL, rtol=0)
    second = keras_whole_sequence(stacked.model.get_layer("lstm_2"), first)
    np.testing.assert_allclose(layers[1]["h"], second, atol=ATOL, rtol=0)


def test_sequence_states_follow_the_six_equations(recorded):
    """All six whole-series gates equal the textbook equations stepped one at a time in float64."""
    x = recorded.windows.scaled.astype(np.float64)  # (T, 1)
    layer = recorded.weights.lstm[0]
    units = layer.units
    ours = sequence_states(recorded.windows.scaled, recorded.weights)[0]
    h, c = np.zeros(units), np.zeros(units)
    for t in range(len(x)):
        z = x[t] @ layer.kernel + h @ layer.recurrent_kernel + layer.bias  # (4U,): blocks i, f, c, o
        i, f = 1 / (1 + np.exp(-z[:units])), 1 / (1 + np.exp(-z[units : 2 * units]))
        g, o = np.tanh(z[2 * units : 3 * units]), 1 / (1 + np.exp(-z[3 * units :]))
        c = f * c + i * g
        h = o * np.tanh(c)
        for name, value in (("i", i), ("f", f), ("g", g), ("o", o), ("c", c), ("h", h)):
            np.testing.assert_allclose(ours[name][t], value, atol=ATOL, rtol=0, err_msg=f"{name} at step {t}")


def test_window_states_are_the_last_step_of_each_window(recorded):
    """The sliding reading at step t is the last h and c of the window ending at t; earlier steps are NaN."""
    windows = recorded.windows
    layers = window_states(windows.scaled, recorded.weights, windows.window)
    last = network_gates(windows.x_test, recorded.weights)[0]  # window k ends at val_end + k - 1
    ends = windows.val_end - 1 + np.arange(len(windows.x_test))
    np.testing.assert_allclose(layers[0]["h"][ends], last["h"][:, -1], atol=1e-6, rtol=0)
    np.testing.assert_allclose(layers[0]["c"][ends], last["c"][:, -1], atol=1e-6, rtol=0)
    h = layers[0]["h"]
    assert np.isnan(h[: windows.window - 1]).all() and not np.isnan(h[windows.window - 1 :]).any()


def test_probe_window_is_last_validation_window_else_training(windows):
    """The probe window is the last validation window, or the last training window without validation."""
    from lstm_core.data.windows import prepare

    np.testing.assert_array_equal(probe_window(windows), windows.x_val[-1])
    no_val = prepare(tiny_dataset().values, TINY.replace(val_fraction=0.0).windows)
    np.testing.assert_array_equal(probe_window(no_val), no_val.x_train[-1])


def random_network(units: int = 4, *, layers: int = 1, seed: int = 0) -> NetworkWeights:
    rng = np.random.default_rng(seed)
    stack, features = [], 1
    for _ in range(layers):
        stack.append(
            LSTMWeights(
                rng.normal(0, 0.5, (features, 4 * units)).astype(np.float32),
                rng.normal(0, 0.5, (units, 4 * units)).astype(np.float32),
                rng.normal(0, 0.5, 4 * units).astype(np.float32),
            )
        )
        features = units
    head = DenseWeights(np.ones((units, 1), np.float32), np.zeros(1, np.float32))
    return NetworkWeights(lstm=tuple(stack), head=head)


def test_recorder_keeps_at_most_max_snapshots_evenly_spread():
    """With 50 planned epochs and room for 10 snapshots, every 5th epoch is kept, then the final network."""
    recorder = GateRecorder(max_snapshots=10)
    recorder.begin(np.zeros((5, 1), np.float32), epochs=50)
    network = random_network()
    for epoch in range(1, 49):  # stopped after 48 epochs
        if recorder.wants(epoch):
            recorder.record(epoch, network)
    recorder.record(48, network)  # the final network, as train() records it
    history = recorder.history()
    assert history.epochs.tolist() == [1, 6, 11, 16, 21, 26, 31, 36, 41, 46, 48]
    assert history.probe_gates(0)["f"].shape == (11, 5, 4)
    recorder.record(48, random_network(seed=1))  # the same epoch again replaces, never duplicates
    assert recorder.history().epochs.tolist()[-2:] == [46, 48]


def test_thinned_history_keeps_the_first_and_last_evenly_spread():
    """Thinning 48 snapshots to 5 keeps epochs 1, 13, 25, 36 and 48 with their own networks; fewer stay as they are."""
    recorder = GateRecorder()
    recorder.begin(np.zeros((5, 1), np.float32), epochs=48)
    for epoch in range(1, 49):
        recorder.record(epoch, random_network(seed=epoch))
    history = recorder.history()
    thin = history.thinned(5)
    assert thin.epochs.tolist() == [1, 13, 25, 36, 48]
    assert thin.snapshots[2] is history.snapshots[24]
    assert thin.thinned(5) is thin and history.thinned(48) is history


def test_recorder_memory_budget_lowers_snapshot_count():
    """A snapshot budget of 3 snapshots' floats keeps at most 3 (plus the final network) for 30 epochs."""
    network = random_network(units=4)
    size = sum(w.kernel.size + w.recurrent_kernel.size + w.bias.size + 6 * 5 * w.units for w in network.lstm)
    recorder = GateRecorder(max_floats=3 * size)
    recorder.begin(np.zeros((5, 1), np.float32), epochs=30)
    for epoch in range(1, 31):
        if recorder.wants(epoch):
            recorder.record(epoch, network)
    assert recorder.history().epochs.tolist() == [1, 11, 21]


def test_saturation_fractions():
    """Per unit, the fraction of steps below 0.1 and above 0.9, leaving NaN steps out."""
    values = np.array([[0.05, 0.5], [0.95, 0.5], [0.02, 0.99], [np.nan, 0.0]], np.float32)  # (T=4, U=2)
    below, above = saturation(values)
    np.testing.assert_allclose(below, [2 / 3, 1 / 4])
    np.testing.assert_allclose(above, [1 / 3, 1 / 4])


def test_saturation_over_test_in_unit_interval(recorded):
    """Saturation over the test windows gives, per gate i, f, o, two fractions per unit summing to at most 1."""
    result = saturation_over_test(recorded.windows.x_test, recorded.weights)
    assert set(result) == {"i", "f", "o"}
    for below, above in result.values():
        assert below.shape == above.shape == (TINY.model.units,)
        assert ((below >= 0) & (above >= 0) & (below + above <= 1 + 1e-9)).all()


BUMPS = [20, 60, 100, 140, 180]  # a bump of height 1, BUMP steps long, starts at each of these
DIPS = [40, 120]  # a dip to -1 of the same length
BUMP = 6


def planted_network() -> NetworkWeights:
    """Six units set by hand: 0 and 1 fire on a bump (x near 1), 2 is always on, 3 never, 4 fires on a dip,
    5 has small random weights. The forget gates are shut, so each unit follows the current input."""
    units = 6
    kernel = np.zeros((1, 4 * units), np.float32)  # blocks i, f, c (candidate g), o
    bias = np.zeros(4 * units, np.float32)
    i, f, g, o = (slice(k * units, (k + 1) * units) for k in range(4))
    bias[f] = -10.0  # forget everything: c_t = i·g
    bias[o] = 10.0  # show everything: h = tanh(c)
    for unit, gain in ((0, 10.0), (1, 8.0)):  # bump detectors: i, g high only when x is near 1
        kernel[0, i][unit] = kernel[0, g][unit] = gain
        bias[i][unit] = bias[g][unit] = -gain / 2
    bias[i][2], bias[g][2] = 5.0, 5.0  # always on
    bias[i][3], bias[g][3] = 5.0, -5.0  # never on (h near -0.76)
    kernel[0, i][4] = kernel[0, g][4] = -10.0  # dip detector: x near -1
    bias[i][4] = bias[g][4] = -5.0
    rng = np.random.default_rng(0)
    kernel[0, i][5], kernel[0, g][5] = rng.normal(0, 0.05, 2)
    recurrent = np.zeros((units, 4 * units), np.float32)
    head = DenseWeights(np.ones((units, 1), np.float32), np.zeros(1, np.float32))
    return NetworkWeights(lstm=(LSTMWeights(kernel, recurrent, bias),), head=head)


def planted_series() -> np.ndarray:
    """200 steps of small noise around 0, with the bumps and dips planted: (200, 1)."""
    x = np.random.default_rng(1).normal(0.0, 0.05, 200)
    for start in BUMPS:
        x[start : start + BUMP] = 1.0
    for start in DIPS:
        x[start : start + BUMP] = -1.0
    return x[:, None].astype(np.float32)


def test_select_and_match_finds_the_planted_bumps():
    """Selecting the first bump picks the two bump units and matches every other bump, and nothing else."""
    h = sequence_states(planted_series(), planted_network())[0]["h"]  # (200, 6)
    selection = select_and_match(h, BUMPS[0], BUMPS[0] + BUMP, threshold=0.3)
    assert selection.units.tolist() == [0, 1]
    assert selection.matches == tuple((s, s + BUMP) for s in BUMPS[1:])
    assert selection.inside[2] == 1.0 and selection.outside[2] == 1.0  # always on: not selected
    dip = select_and_match(h, DIPS[0], DIPS[0] + BUMP, threshold=0.3)
    assert dip.units.tolist() == [4] and dip.matches == ((DIPS[1], DIPS[1] + BUMP),)


def test_select_threshold_too_high_selects_nothing():
    """Above every hidden state no unit is on anywhere: nothing is selected and nothing matches."""
    h = sequence_states(planted_series(), planted_network())[0]["h"]
    selection = select_and_match(h, BUMPS[0], BUMPS[0] + BUMP, threshold=0.99)
    assert selection.units.size == 0 and selection.matches == ()


def test_select_refuses_a_range_outside_the_series():
    """An empty range or one past the end raises ValueError naming start and end."""
    h = np.zeros((10, 2), np.float32)
    with pytest.raises(ValueError, match="start=5, end=5"):
        select_and_match(h, 5, 5)
    with pytest.raises(ValueError, match="end=11"):
        select_and_match(h, 2, 11)


def test_on_ranges():
    """Runs of True become [start, end) pairs, including runs at both ends."""
    assert on_ranges(np.array([1, 1, 0, 1, 0, 0, 1], bool)) == [(0, 2), (3, 4), (6, 7)]
    assert on_ranges(np.zeros(3, bool)) == []
