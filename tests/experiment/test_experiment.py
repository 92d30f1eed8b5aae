"""The whole experiment: metrics structure, baselines always present, the forecast table."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from tiny import TINY

from lstm_core.data.windows import prepare
from lstm_core.experiment.run import evaluate
from lstm_core.nn.keras_model import network_weights

BLOCK_KEYS = {"mae", "rmse", "smape", "mase", "mape"}


def _walk(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _walk(item)
    else:
        yield value


def test_metrics_structure(run):
    """metrics holds lstm, naive, seasonal_naive blocks and the documented run facts."""
    scores = run.metrics.to_dict()
    for key in ["lstm", "naive", "seasonal_naive", "skill_vs_naive", "epochs_run", "train_seconds"]:
        assert key in scores
    for key in ["samples_per_second", "device", "backend"]:
        assert key in scores
    assert set(scores["lstm"]) == BLOCK_KEYS and set(scores["naive"]) == BLOCK_KEYS
    assert set(scores["seasonal_naive"]) == BLOCK_KEYS  # monthly: season 12, enough history
    assert scores["season_length"] == 12
    assert scores["epochs_run"] == 2 and scores["device"] == "cpu:0"
    assert isinstance(scores["backend"], str) and isinstance(scores["samples_per_second"], float)


def test_metrics_round_trip_through_json(run):
    """RunMetrics.from_dict reads back exactly what to_dict (metrics.json) wrote."""
    from lstm_core.scoring.metrics import RunMetrics

    text = json.dumps(run.metrics.to_dict(), allow_nan=False)
    assert RunMetrics.from_dict(json.loads(text)) == run.metrics


def test_metrics_never_nan_or_inf(run):
    """Every number in metrics is finite (None where undefined), so it is strict JSON."""
    for value in _walk(run.metrics.to_dict()):
        assert not (isinstance(value, float) and not math.isfinite(value))
    json.dumps(run.metrics.to_dict(), allow_nan=False)


def test_skill_vs_seasonal_naive_formula(run):
    """skill_vs_seasonal_naive is 1 - RMSE_lstm / RMSE_seasonal_naive, with its own beats flag."""
    scores = run.metrics.to_dict()
    expected = 1 - scores["lstm"]["rmse"] / scores["seasonal_naive"]["rmse"]
    assert scores["skill_vs_seasonal_naive"] == pytest.approx(expected)
    assert scores["beats_seasonal_naive"] == (expected > 0)


def test_skill_vs_naive_formula(run):
    """skill_vs_naive is 1 - RMSE_lstm / RMSE_naive, and beats_naive says whether it is above 0."""
    scores = run.metrics.to_dict()
    expected = 1.0 - scores["lstm"]["rmse"] / scores["naive"]["rmse"]
    assert scores["skill_vs_naive"] == pytest.approx(expected)
    assert scores["beats_naive"] == (expected > 0)


def test_naive_metrics_match_hand_computation(run, dataset):
    """The naive block is the naive forecast of the test part scored against the actual values."""
    target = dataset.series.to_numpy()
    actual, naive = target[run.windows.val_end :], target[run.windows.val_end - 1 : -1]
    assert run.metrics.to_dict()["naive"]["mae"] == pytest.approx(np.mean(np.abs(actual - naive)))


def test_forecast_table(run, dataset):
    """The forecast has one row per test step then one per future step, with dates continuing monthly."""
    table = run.forecast
    test = table[table["part"] == "test"]
    future = table[table["part"] == "future"]
    assert len(test) == len(run.windows.x_test) == len(dataset) - run.windows.val_end
    assert len(future) == TINY.forecast.forecast_steps
    assert future["actual"].isna().all() and test["actual"].notna().all()
    assert future.index[0] == dataset.frame.index[-1] + pd.offsets.MonthBegin(1)
    assert table.index.name == "time"
    assert {"lstm", "naive", "seasonal_naive", "drift"} <= set(table.columns)


def test_nan_run_keeps_naive_and_nulls_lstm(dataset, windows, trained):
    """A run whose training hit NaN reports lstm as null but still carries the naive baseline."""
    import dataclasses

    broken = dataclasses.replace(trained, stop_reason="nan")
    result = evaluate(dataset, TINY, windows, broken)
    assert result.metrics.to_dict()["lstm"] is None and result.metrics.to_dict()["skill_vs_naive"] is None
    assert result.metrics.to_dict()["naive"]["rmse"] > 0
    assert not (result.forecast["part"] == "future").any()


def test_gates_for_chosen_windows(run):
    """Run.gates returns every layer's gates for the chosen test windows: (B, window, units)."""
    layers = run.gates([0, 2])
    assert len(layers) == 1
    assert layers[0]["h"].shape == (2, TINY.windows.window, TINY.model.units)


def test_trend_beyond_training_range_is_explained(run, dataset, windows, trained):
    """A test part outside the training range gets a note saying why naive has the advantage; a flat one none."""
    assert any("leaves the range the model was trained on" in note for note in run.notes)  # tiny series trends up
    flat = dataset.frame.copy()
    flat["value"] = np.resize(flat["value"].to_numpy()[:24], len(flat))  # the same two years repeated
    repeated = type(dataset)(frame=flat, target="value", name="flat", source="tests", freq=dataset.freq)
    flat_windows = prepare(repeated.values, TINY.windows)
    assert not any("leaves the range" in note for note in evaluate(repeated, TINY, flat_windows, trained).notes)


def test_differences_are_scored_in_levels_on_the_same_points(run, dataset, trained):
    """With differences, the LSTM's test predictions are levels on exactly the naive forecast's points and dates.

    The shared model was trained on levels; its weights fit differenced windows of the same shape, which is
    all this test needs: the mapping back to levels, not a good forecast.
    """
    from lstm_core.nn.gates import predict

    config = TINY.replace(difference=True)
    changes = prepare(dataset.values, config.windows)
    result = evaluate(dataset, config, changes, trained)
    test = result.forecast[result.forecast["part"] == "test"]
    levels_test = run.forecast[run.forecast["part"] == "test"]
    assert test.index.equals(levels_test.index)
    np.testing.assert_array_equal(test["actual"], levels_test["actual"])
    np.testing.assert_array_equal(test["naive"], levels_test["naive"])
    target = dataset.series.to_numpy()
    predicted = changes.scaler.inverse_target(predict(changes.x_test, network_weights(trained.model)))
    np.testing.assert_allclose(test["lstm"], target[changes.val_end - 1 : -1] + predicted, rtol=1e-6)
    expected_rmse = float(np.sqrt(np.mean((test["lstm"] - test["actual"]) ** 2)))
    assert result.metrics.to_dict()["lstm"]["rmse"] == pytest.approx(expected_rmse)
    assert result.metrics.to_dict()["naive"] == run.metrics.to_dict()["naive"]
    future = result.forecast[result.forecast["part"] == "future"]
    assert len(future) == TINY.forecast.forecast_steps and np.isfinite(future["lstm"]).all()
    assert not any("leaves the range the model was trained on (" in note for note in result.notes)
    assert result.leaves_training_range and run.leaves_training_range  # the levels do; the suggestion uses this


def test_run_keeps_weights_not_the_keras_model(dataset, tiny_config):
    """A finished run holds NumPy weights and the test windows only: no Keras model, no training windows."""
    from lstm_core.experiment.run import run_experiment

    run = run_experiment(dataset, tiny_config)
    assert run.train.model is None
    assert len(run.windows.x_train) == 0 and len(run.windows.x_val) == 0 and len(run.windows.x_test) > 0
    assert run.weights.lstm[0].kernel.shape == (1, 4 * tiny_config.model.units)
    assert len(run.gates([0])[0]["h"][0]) == tiny_config.windows.window


@pytest.mark.parametrize("validate_on_model", [False, True])
def test_release_model_frees_the_traced_graphs(windows, tiny_config, monkeypatch, validate_on_model):
    """After release_model, no graph traced for that model's training stays alive (TensorFlow's cycle leak),
    also when the validation loss ran through the model's predict function (as on a GPU)."""
    import gc

    import lstm_core.nn.validation as validation_module
    from lstm_core.nn.keras_model import backend_name, release_model
    from lstm_core.nn.train import train

    if backend_name() != "tensorflow":
        pytest.skip("only TensorFlow traces graphs")
    from tensorflow.python.framework.func_graph import FuncGraph

    def live_graphs() -> int:
        gc.collect()
        return sum(1 for o in gc.get_objects() if isinstance(o, FuncGraph))

    if validate_on_model:
        monkeypatch.setattr(validation_module, "VALIDATION_ON_MODEL_MIN_WORK", 0)
    before = live_graphs()
    result = train(windows, tiny_config.replace(epochs=1))
    assert (result.model.predict_function is not None) == validate_on_model
    traced = live_graphs() - before
    freed = release_model(result.model)
    del result
    remaining = live_graphs() - before
    assert freed >= 1 and traced >= 10
    assert remaining <= 2 < traced  # measured: 30 graphs traced, 2 remain
