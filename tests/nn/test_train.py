"""Training: reproducibility, progress callbacks, stop requests, NaN, early stopping, devices."""

from __future__ import annotations

import math

import numpy as np
import pytest
from tiny import TINY, tiny_values

from lstm_core.config.settings import WindowConfig
from lstm_core.data.windows import prepare
from lstm_core.errors import LabError
from lstm_core.nn.train import list_devices, resolve_device, steady_samples_per_second, train
from lstm_core.nn.validation import validation_loss


def test_same_seed_same_history(trained, windows):
    """Training twice with the same seed gives the same losses and weights."""
    again = train(windows, TINY)
    np.testing.assert_allclose(again.history["loss"], trained.history["loss"], rtol=1e-5)
    np.testing.assert_allclose(again.history["val_loss"], trained.history["val_loss"], rtol=1e-5)
    for ours, theirs in zip(again.model.get_weights(), trained.model.get_weights(), strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-7)


def test_other_seed_other_start():
    """Another seed starts from other initial weights (the seed reaches Keras's initialisers)."""
    import keras

    from lstm_core.nn.keras_model import backend_name, build_model
    from lstm_core.nn.train import _set_seed

    def first_kernel(seed: int) -> np.ndarray:
        _set_seed(keras, seed, backend_name())
        return build_model(TINY.model, window=5, n_features=1).get_layer("lstm_1").get_weights()[0]

    np.testing.assert_array_equal(first_kernel(3), first_kernel(3))
    assert not np.allclose(first_kernel(3), first_kernel(4))


def test_result_describes_the_training(trained):
    """The result has one history row per epoch with loss, val_loss, seconds, and a steady speed."""
    history = trained.history
    assert list(history.columns) == ["epoch", "loss", "val_loss", "seconds"]
    assert list(history["epoch"]) == [1, 2]
    assert (history["seconds"] > 0).all() and history["loss"].notna().all()
    assert trained.stop_reason == "completed" and trained.epochs_run == 2
    assert trained.device == "cpu:0"
    assert trained.samples_per_second > 0 and trained.first_epoch_seconds == history["seconds"][0]
    assert trained.train_seconds == pytest.approx(history["seconds"].sum())


def test_on_epoch_called_every_epoch(windows):
    """on_epoch receives one report per epoch with loss, val_loss and seconds; on_batch reports progress."""
    epochs, batches = [], []
    result = train(windows, TINY.replace(epochs=3), on_epoch=epochs.append, on_batch=batches.append)
    assert [e.epoch for e in epochs] == [1, 2, 3]
    for report in epochs:
        assert report.epochs == 3 and math.isfinite(report.loss) and report.val_loss is not None
        assert report.seconds > 0 and report.elapsed >= report.seconds
    assert batches and batches[-1].samples_done == batches[-1].samples_per_epoch == len(windows.x_train)
    assert list(result.history["loss"]) == [e.loss for e in epochs]


def test_should_stop_ends_within_one_execution_step(windows):
    """A stop request ends training at the next execution step, keeping the history so far."""
    polls = []

    def should_stop() -> bool:
        polls.append(1)
        return True

    batches = []
    result = train(windows, TINY.replace(epochs=50, batch_size=1), on_batch=batches.append, should_stop=should_stop)
    assert result.stop_reason == "stopped"
    assert len(polls) == 1 and len(batches) == 1  # one execution step ran
    assert batches[0].samples_done == 32 < len(windows.x_train)  # steps_per_execution = 32 batches of 1
    assert result.epochs_run == 1 and len(result.history) == 1
    assert "Stopped by request" in result.message


@pytest.mark.parametrize("fixture", ["trained", "stacked"])
def test_val_loss_equals_keras_evaluate(fixture, request, windows):
    """The val_loss computed in NumPy each epoch is the loss Keras's own `evaluate` gives."""
    result = request.getfixturevalue(fixture)
    keras_val_loss = result.model.evaluate(windows.x_val, windows.y_val, verbose=0)
    assert result.history["val_loss"].iloc[-1] == pytest.approx(keras_val_loss, rel=1e-5, abs=1e-8)
    assert validation_loss(result.model, windows.x_val, windows.y_val) == result.history["val_loss"].iloc[-1]


def test_nan_loss_stops_with_message():
    """A loss that overflows to inf or NaN stops training with stop_reason 'nan' and a sentence."""
    values = 1e30 * (1.0 + tiny_values(80) / 100.0)  # finite in float32, squared error overflows
    huge = prepare(values, WindowConfig(window=5, scaler="none"))
    result = train(huge, TINY.replace(epochs=5))
    assert result.stop_reason == "nan"
    assert result.epochs_run == 1
    assert "NaN or infinite" in result.message and "learning rate" in result.message


def test_early_stopping_with_patience():
    """With no improvement in val_loss, early stopping ends after 1 + patience epochs."""
    flat = prepare(np.full(80, 7.0), WindowConfig(window=5))  # scaled to zeros: the loss stays exactly 0
    result = train(flat, TINY.replace(epochs=20, patience=2))
    assert result.stop_reason == "early_stopping"
    assert result.epochs_run == 3
    assert "Early stopping after 3 epochs" in result.message


def test_gpu_on_cpu_machine_is_a_clear_error():
    """Asking for a GPU where there is none raises LabError with one clear sentence."""
    if any(d.startswith(("gpu", "cuda")) for d in list_devices()):
        pytest.skip("this machine has a GPU")
    with pytest.raises(LabError, match=r"A GPU was asked for, but none is available \(found: cpu:0\)"):
        resolve_device("gpu")


def test_list_devices_includes_cpu():
    """list_devices always names the CPU first, in 'kind:index' form."""
    devices = list_devices()
    assert devices[0] == "cpu:0"
    assert all(":" in d and d == d.lower() for d in devices)
    assert resolve_device("cpu") == "cpu:0"
    assert resolve_device("auto") in devices


def test_steady_speed_ignores_first_epoch_and_one_stall():
    """Steady samples/s skips the compiling first epoch and is not dragged down by one stalled epoch."""
    samples = [400, 400, 400, 400, 400]
    seconds = [5.0, 3.0, 0.1, 0.1, 0.1]
    assert steady_samples_per_second(samples, seconds) == pytest.approx(4000.0)
    assert steady_samples_per_second([400], [2.0]) == pytest.approx(200.0)
    assert steady_samples_per_second([], []) == 0.0


def test_time_limit_stops_with_weights_and_says_why(windows, tiny_config):
    """A training past its time limit stops at the next step with stop_reason time_limit, keeping its weights."""
    from lstm_core.nn.train import train

    result = train(windows, tiny_config.replace(epochs=500), time_limit=0.5)
    assert result.stop_reason == "time_limit" and 1 <= result.epochs_run < 500
    assert "time limit" in result.message and "fewer epochs" in result.message
    assert result.model.get_layer("lstm_1").get_weights()[0].shape == (1, 4 * tiny_config.model.units)


def test_full_batches_pad_with_zero_weights():
    """Windows are padded to whole batches with zero-weighted copies; whole or single batches stay as they are."""
    from lstm_core.nn.train import full_batches

    x, y = np.arange(70, dtype=np.float32).reshape(35, 2, 1), np.arange(35, dtype=np.float32)
    padded_x, padded_y, weights = full_batches(x, y, 16)
    assert padded_x.shape == (48, 2, 1) and padded_y.shape == (48,)
    assert weights.sum() == 35 and not weights[35:].any()
    np.testing.assert_array_equal(padded_x[:35], x)
    assert full_batches(x[:32], y[:32], 16)[2] is None and full_batches(x[:10], y[:10], 16)[2] is None


@pytest.mark.parametrize("seeds", [1, 2])
def test_zero_weighted_padding_leaves_the_loss_unchanged(seeds):
    """The compiled loss averages over the sample weights: a batch with zero-weighted padding has the loss of
    its real windows alone (single model and seed ensemble), so padding to whole batches changes no gradient."""
    from lstm_core.config.settings import ModelConfig
    from lstm_core.nn.keras_model import build_model
    from lstm_core.nn.train import _ensemble_targets, full_batches

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(21, 5, 1)).astype(np.float32), rng.normal(size=21).astype(np.float32)
    model = build_model(ModelConfig(units=3), window=5, n_features=1, members=seeds, jit_compile=False)
    targets = _ensemble_targets(y, seeds)
    padded_x, padded_y, weights = full_batches(x, targets, 16)  # 32 rows, 11 of them padding
    plain = model.evaluate(x, targets, batch_size=21, verbose=0)
    padded = model.evaluate(padded_x, padded_y, sample_weight=weights, batch_size=32, verbose=0)
    assert padded == pytest.approx(plain, rel=1e-5)


def test_validation_runs_on_the_model_on_a_gpu_or_when_large():
    """On a GPU the validation pass runs through the compiled model; on the CPU only when NumPy would be slower."""
    from lstm_core.config.settings import ModelConfig
    from lstm_core.nn.validation import validation_on_model

    seed_model = ModelConfig(units=50)
    assert validation_on_model("gpu:0", seed_model, window=10, n_features=1, n_val=573)
    assert not validation_on_model("cpu", seed_model, window=10, n_features=1, n_val=573)
    assert validation_on_model("cpu", ModelConfig(units=256), window=60, n_features=1, n_val=14_294)
    one, two = (validation_on_model("cpu", ModelConfig(units=128, layers=k), window=60, n_features=1, n_val=4_000)
                for k in (1, 2))  # fmt: skip
    assert (one, two) == (False, True)  # a second layer doubles the work past the threshold


@pytest.mark.parametrize(("seeds", "horizon"), [(1, 1), (3, 1), (3, 3)])
def test_validation_through_the_model_matches_numpy(monkeypatch, windows, seeds, horizon):
    """With validation forced onto the compiled model, each epoch's val_loss is the NumPy pass's to float32
    rounding, for one seed, a seed ensemble and a direct (3-step) ensemble (per-member losses averaged)."""
    import dataclasses

    import lstm_core.nn.validation as validation_module
    from lstm_core.data.windows import make_windows
    from lstm_core.nn.validation import member_validation_losses, model_member_losses

    if horizon > 1:  # direct targets: the next 3 values of the scaled series
        scaled = ((tiny_values() - 50.0) / 10.0)[:, None]
        x_train, y_train = make_windows(scaled, 8, 8, 110, horizon=horizon)
        x_val, y_val = make_windows(scaled, 8, 110, 140, horizon=horizon)
        windows = dataclasses.replace(windows, x_train=x_train, y_train=y_train, x_val=x_val, y_val=y_val)
    monkeypatch.setattr(validation_module, "VALIDATION_ON_MODEL_MIN_WORK", 0)
    result = train(windows, TINY.replace(seeds=seeds))
    assert result.model.predict_function is not None  # the epochs' validation ran through Keras's predict
    numpy_losses = member_validation_losses(result.model, windows.x_val, windows.y_val)
    model_losses = model_member_losses(result.model, windows.x_val, windows.y_val, members=seeds, batch_size=7)
    assert model_losses.shape == numpy_losses.shape == (seeds,)
    np.testing.assert_allclose(model_losses, numpy_losses, rtol=1e-4)
    assert result.history["val_loss"].iloc[-1] == pytest.approx(float(np.mean(numpy_losses)), rel=1e-4)


def test_stop_asked_for_by_on_epoch_ends_training_at_that_epoch(windows):
    """A stop that `on_epoch` asks for (a sweep's pruner does) ends training at that epoch's end, with no
    part of the next epoch run: exactly 2 epochs in the history and no batch of epoch 3."""
    stop = []
    batches = []
    result = train(
        windows,
        TINY.replace(epochs=10, batch_size=4),  # several execution steps an epoch
        on_epoch=lambda report: stop.append(report.epoch == 2),
        on_batch=batches.append,
        should_stop=lambda: any(stop),
    )
    assert result.stop_reason == "stopped" and result.epochs_run == 2
    assert max(b.epoch for b in batches) == 2
