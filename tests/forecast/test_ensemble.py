"""Seed ensembles: N seeds trained together as one model, each member a network of its own (real Keras, tiny data)."""

from __future__ import annotations

import numpy as np
import pytest
from tiny import TINY

from lstm_core.config.settings import ModelConfig
from lstm_core.forecast.seeds import mean_sd, seed_spread
from lstm_core.nn.gates import predict
from lstm_core.nn.keras_model import members_weights, network_weights

ENSEMBLE = TINY.replace(seeds=3)


@pytest.fixture(scope="module")
def ensemble(windows):
    """A 3-seed ensemble of the tiny model, trained for 2 epochs (TrainResult)."""
    from lstm_core.nn.train import train

    return train(windows, ENSEMBLE)


@pytest.fixture(scope="module")
def ensemble_run(dataset, windows, ensemble):
    from lstm_core.experiment.run import evaluate

    return evaluate(dataset, ENSEMBLE, windows, ensemble)


def test_members_are_the_models_own_outputs_and_differ(ensemble, windows) -> None:
    """Each member's NumPy weights reproduce its column of the Keras model's output, and the members differ."""
    assert len(ensemble.members) == 3 and ensemble.seeds == 3
    keras_out = ensemble.model.predict(windows.x_test, verbose=0)  # (N_test, 3)
    ours = np.stack([predict(windows.x_test, weights) for weights in ensemble.members], axis=1)
    np.testing.assert_allclose(ours, keras_out, atol=2e-5)
    first, second = ensemble.members[0].lstm[0].kernel, ensemble.members[1].lstm[0].kernel
    assert not np.allclose(first, second)
    assert np.std(keras_out, axis=1).mean() > 1e-4  # different seeds, different predictions


def test_members_are_independent_networks() -> None:
    """Member n depends only on its own weights: each output column equals a single Keras LSTM given its weights."""
    import keras

    from lstm_core.nn.keras_model import build_model

    config = ModelConfig(units=3, layers=2)
    ensemble = build_model(config, window=5, n_features=1, members=2, seed=4)
    x = np.random.default_rng(0).normal(size=(7, 5, 1)).astype(np.float32)
    out = ensemble.predict(x, verbose=0)  # (7, 2)
    for member, weights in enumerate(members_weights(ensemble)):
        single = build_model(config, window=5, n_features=1)
        lstm_layers = [layer for layer in single.layers if isinstance(layer, keras.layers.LSTM)]
        for layer, own in zip(lstm_layers, weights.lstm, strict=True):
            layer.set_weights([own.kernel, own.recurrent_kernel, own.bias])
        single.layers[-1].set_weights([weights.head.kernel, weights.head.bias])
        np.testing.assert_allclose(out[:, member], single.predict(x, verbose=0)[:, 0], atol=2e-5)


def test_losses_are_means_over_members(ensemble, windows) -> None:
    """The reported validation loss is the mean of the members' own validation losses."""
    from lstm_core.nn.validation import member_validation_losses, validation_loss

    losses = member_validation_losses(ensemble.model, windows.x_val, windows.y_val)
    assert losses.shape == (3,)
    assert validation_loss(ensemble.model, windows.x_val, windows.y_val) == pytest.approx(losses.mean())
    assert ensemble.history["val_loss"].iloc[-1] == pytest.approx(losses.mean(), rel=1e-6)


def test_forecast_is_the_mean_of_the_members(ensemble_run) -> None:
    """The run's LSTM forecast (test and future) is the mean of the per-seed predictions kept beside it."""
    frame = ensemble_run.forecast
    members = [name for name in frame.columns if name.startswith("lstm_seed_")]
    assert members == ["lstm_seed_0", "lstm_seed_1", "lstm_seed_2"]
    np.testing.assert_allclose(frame["lstm"], frame[members].mean(axis=1), rtol=1e-12)
    assert (frame["part"] == "future").sum() == TINY.forecast.forecast_steps


def test_metrics_carry_the_spread_across_seeds(ensemble_run) -> None:
    """metrics.json holds `seeds` and every LSTM metric and skill as mean ± sd across seeds, from per-seed scores."""
    metrics = ensemble_run.metrics.to_dict()
    assert metrics["seeds"] == 3
    spread = metrics["seed_spread"]
    assert set(spread["lstm"]) == {"mae", "rmse", "smape", "mase", "mape"}
    per_seed = [item["rmse"] for item in spread["per_seed"]]
    assert spread["lstm"]["rmse"]["mean"] == pytest.approx(np.mean(per_seed))
    assert spread["lstm"]["rmse"]["sd"] == pytest.approx(np.std(per_seed, ddof=1))
    assert spread["lstm"]["rmse"]["sd"] > 0
    naive = metrics["naive"]["rmse"]
    assert spread["skill_vs_naive"]["mean"] == pytest.approx(np.mean([1 - r / naive for r in per_seed]))


def test_one_seed_is_todays_single_model(trained, run) -> None:
    """seeds=1 trains the plain Sequential model: one member equal to its weights, and no spread in the metrics."""
    assert type(trained.model).__name__ == "Sequential"
    assert len(trained.members) == 1
    np.testing.assert_array_equal(trained.members[0].lstm[0].kernel, network_weights(trained.model).lstm[0].kernel)
    assert "seed_spread" not in run.metrics.to_dict()
    assert not any(name.startswith("lstm_seed_") for name in run.forecast.columns)


def test_a_one_member_ensemble_reproduces_the_single_model(windows) -> None:
    """The vectorised ensemble layer with the single model's initial weights trains to the same predictions."""
    import keras

    from lstm_core.nn.ensemble_layers import stacked_members
    from lstm_core.nn.keras_model import build_model
    from lstm_core.nn.train import _set_seed

    config = ModelConfig(units=4)
    _set_seed(keras, 0, keras.backend.backend())
    single = build_model(config, window=windows.window, n_features=1, learning_rate=0.01)
    ensemble = build_model(config, window=windows.window, n_features=1, learning_rate=0.01, members=2, seed=0)
    start = network_weights(single)
    for layer in ensemble.layers:  # both members start from the single model's weights
        if type(layer).__name__ == "EnsembleLSTM":
            layer.kernel.assign(np.stack([start.lstm[0].kernel] * 2))
            layer.bias.assign(np.stack([start.lstm[0].bias] * 2))
            layer.recurrence.cell.recurrent_kernel.assign(np.stack([start.lstm[0].recurrent_kernel] * 2))
        elif type(layer).__name__ == "EnsembleDense":
            layer.kernel.assign(np.stack([start.head.kernel] * 2))
            layer.bias.assign(np.stack([start.head.bias] * 2))
    x, y = windows.x_train[:64], windows.y_train[:64]
    single.fit(x, y, epochs=3, batch_size=16, shuffle=False, verbose=0)
    ensemble.fit(x, np.repeat(y[:, None], 2, axis=1), epochs=3, batch_size=16, shuffle=False, verbose=0)
    expected = predict(windows.x_test, network_weights(single))
    for member in stacked_members(ensemble):
        np.testing.assert_allclose(predict(windows.x_test, member), expected, atol=2e-4)


def test_recurrent_dropout_ensemble_uses_separate_stacks(windows) -> None:
    """With recurrent dropout the ensemble is N Keras LSTM stacks; members are still read one by one."""
    from lstm_core.nn.keras_model import build_model

    config = ModelConfig(units=3, recurrent_dropout=0.2)
    model = build_model(config, window=windows.window, n_features=1, members=2, seed=1)
    members = members_weights(model)
    out = model.predict(windows.x_test, verbose=0)
    assert len(members) == 2
    for k, weights in enumerate(members):
        np.testing.assert_allclose(predict(windows.x_test, weights), out[:, k], atol=2e-5)


def test_mean_sd_is_none_when_a_seed_is_undefined() -> None:
    """A metric undefined for one seed gives no mean or sd rather than a mean of the others."""
    assert mean_sd([1.0, None]) == {"mean": None, "sd": None}
    assert mean_sd([2.0]) == {"mean": 2.0, "sd": 0.0}
    assert mean_sd([1.0, 3.0]) == {"mean": 2.0, "sd": pytest.approx(np.sqrt(2.0))}


def test_seed_spread_of_constructed_predictions() -> None:
    """Two seeds off by +1 and -3 everywhere: RMSE 1 and 3, mean 2, sd √2; a NaN member scores None."""
    actual = np.arange(10.0)
    predictions = np.stack([actual + 1.0, actual - 3.0])
    spread = seed_spread(
        actual, predictions, train=np.arange(20.0), season_length=None, naive_rmse=2.0, seasonal_naive_rmse=None,
        seeds=[5, 6],
    )  # fmt: skip
    assert spread["lstm"]["rmse"] == {"mean": pytest.approx(2.0), "sd": pytest.approx(np.sqrt(2.0))}
    assert spread["skill_vs_naive"]["mean"] == pytest.approx(0.0)
    assert [item["seed"] for item in spread["per_seed"]] == [5, 6]
    broken = seed_spread(
        actual, np.stack([actual, actual * np.nan]), train=np.arange(20.0), season_length=None, naive_rmse=2.0,
        seasonal_naive_rmse=None, seeds=[0, 1],
    )  # fmt: skip
    assert broken["lstm"]["rmse"] == {"mean": None, "sd": None}


def test_a_direct_seed_ensemble_has_each_members_h_outputs(windows) -> None:
    """Seeds and the direct strategy together: (B, N, H) outputs, each member's own H steps, trained on H targets."""
    from lstm_core.data.windows import Windows, make_windows
    from lstm_core.nn.train import train

    x, y = make_windows(windows.scaled, windows.window, windows.window, windows.train_end, horizon=3)
    direct = Windows(x, y, x[:0], y[:0], x[:0], y[:0], windows.scaled, windows.scaler, windows.window, 100, 100)
    result = train(direct, ENSEMBLE.replace(epochs=1))
    keras_out = np.asarray(result.model(x[:5]))  # (5, N, 3)
    assert keras_out.shape == (5, 3, 3)
    for member, weights in enumerate(result.members):
        assert weights.head.kernel.shape == (ENSEMBLE.model.units, 3)
        np.testing.assert_allclose(predict(x[:5], weights, all_outputs=True), keras_out[:, member], atol=2e-5)
    assert np.isfinite(result.history["loss"]).all()


def test_an_ensemble_run_exports_every_member(ensemble_run, windows, tmp_path) -> None:
    """The run's Keras model for model.keras holds all N members (output (B, N)), saved and loaded back intact."""
    from lstm_core.nn.keras_model import load_model

    model = ensemble_run.keras_model()
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = load_model(str(path))
    ours = np.stack([predict(windows.x_test, weights) for weights in ensemble_run.members], axis=1)  # (B, 3)
    np.testing.assert_allclose(loaded.predict(windows.x_test, verbose=0), ours, atol=2e-5)
