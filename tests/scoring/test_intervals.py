"""Conformal half-widths, multi-step forecasts from many origins, direct models, and a run's bands."""

from __future__ import annotations

import math

import numpy as np
import pytest
from tiny import TINY

from lstm_core.data.windows import make_windows
from lstm_core.forecast.multistep import Inputs, forecast_from
from lstm_core.nn.gates import predict
from lstm_core.nn.keras_model import network_weights
from lstm_core.nn.weights import DenseWeights
from lstm_core.scoring.conformal import coverage, half_width, level_name, minimum_errors


def test_half_width_is_the_conformal_rank():
    """The half-width is the ceil((n+1)L)-th smallest error; too few errors give no band (NaN)."""
    errors = np.arange(1.0, 20.0)  # 19 errors: 1..19
    assert half_width(errors, 80) == 16.0  # ceil(20 * 0.8) = 16
    assert half_width(errors, 95) == 19.0  # ceil(20 * 0.95) = 19
    assert math.isnan(half_width(errors[:18], 95))
    assert half_width(errors[::-1], 50) == 10.0  # order does not matter
    assert minimum_errors(80) == 4 and minimum_errors(95) == 19
    assert level_name(97.5) == "97.5" and level_name(80.0) == "80"


def test_coverage_counts_points_with_a_band():
    """Coverage is the share of actual values inside their band, over the points that have one."""
    result = coverage(np.array([1.0, 5.0, 3.0, 9.0]), np.array([0.0, 0.0, np.nan, 0.0]), np.array([2.0, 4.0, 9, 10]))
    assert result == {"empirical": pytest.approx(2 / 3), "mean_width": pytest.approx(16 / 3), "points": 3}


def test_make_windows_direct_targets():
    """With a horizon H each window's target is the next H values, all inside the part."""
    values = np.arange(20, dtype=np.float64)[:, None]
    x, y = make_windows(values, 4, 4, 12, horizon=3)
    assert x.shape == (6, 4, 1) and y.shape == (6, 3)
    assert list(x[0, :, 0]) == [0, 1, 2, 3] and list(y[0]) == [4, 5, 6]
    assert list(y[-1]) == [9, 10, 11]  # the last target stays before `end`


def test_recursive_forecast_from_many_origins_matches_one_by_one(trained, windows):
    """A batched recursive forecast from several origins equals feeding each prediction back by hand."""
    weights = network_weights(trained.model)
    inputs = Inputs(windows.scaled, windows.levels, windows.scaler, windows.window, windows.lag)
    origins = np.array([windows.val_end, windows.val_end + 3, windows.length - 2])
    batched = forecast_from([weights], inputs, origins, 2, strategy="recursive")  # (3, 2)
    for row, origin in enumerate(origins):
        history = windows.scaled[origin - windows.window : origin, 0].astype(np.float32)
        first = predict(history[None, :, None], weights)[0]
        second = predict(np.append(history[1:], first)[None, :, None], weights)[0]
        expected = windows.scaler.inverse_target(np.array([first, second]))
        assert np.allclose(batched[row], expected, rtol=1e-5)


def test_members_are_averaged(trained, stacked, windows):
    """An ensemble's forecast is the mean of its members' forecasts."""
    one, two = network_weights(trained.model), network_weights(stacked.model)
    inputs = Inputs(windows.scaled, windows.levels, windows.scaler, windows.window, windows.lag)
    origins = np.array([windows.val_end, windows.val_end + 1])
    each = [forecast_from([w], inputs, origins, 3, strategy="recursive") for w in (one, two)]
    both = forecast_from([one, two], inputs, origins, 3, strategy="recursive")
    assert np.allclose(both, (each[0] + each[1]) / 2)
    assert not np.allclose(each[0], each[1])


def test_direct_model_has_one_output_per_step(windows):
    """A direct model (Dense(H)) trains on H-step targets and the NumPy kernel gives its H outputs."""
    from lstm_core.data.windows import Windows
    from lstm_core.nn.train import train

    x, y = make_windows(windows.scaled, windows.window, windows.window, windows.train_end, horizon=3)
    direct = Windows(x, y, x[:0], y[:0], x[:0], y[:0], windows.scaled, windows.scaler, windows.window, 100, 100)
    result = train(direct, TINY.replace(epochs=1))
    weights = network_weights(result.model)
    assert isinstance(weights.head, DenseWeights) and weights.head.kernel.shape == (6, 3)
    keras_out = np.asarray(result.model(x[:5]))
    assert np.allclose(predict(x[:5], weights, all_outputs=True), keras_out, atol=1e-5)


def test_run_has_bands_and_coverage(run):
    """A run's forecast has a band per level on test and future rows where calibration allows, with coverage."""
    intervals = run.metrics.to_dict()["intervals"]
    assert "validation" in intervals["calibration"]
    test = run.forecast[run.forecast["part"] == "test"]
    validation_points = run.windows.val_end - run.windows.train_end
    assert minimum_errors(80) <= validation_points == 16 < minimum_errors(95)  # one level with a band, one without
    assert test["lower_80"].notna().all() and (test["upper_80"] > test["lower_80"]).all()
    assert intervals["levels"]["80"]["points"] == len(test)
    future = run.forecast[run.forecast["part"] == "future"]
    assert future["lower_80"].notna().all()  # 16 - h + 1 >= 4 errors for each of the 5 future steps
    assert test["lower_95"].isna().all() and intervals["levels"]["95"]["empirical"] is None
    assert any("95% band" in note for note in run.notes)


def test_forecast_chart_shades_the_bands(run):
    """The Forecast chart shades each level that has a band, and the caption gives its measured coverage."""
    from ui.charts.backtest_charts import interval_caption
    from ui.charts.figures import forecast_figure

    names = [trace.name for trace in forecast_figure(run.forecast).data]
    assert "80% band" in names and "95% band" not in names  # 95% has no band with 16 validation errors
    caption = interval_caption(run.metrics.intervals)
    assert caption.startswith("Shaded: prediction intervals calibrated on rolling-origin forecasts")
    assert "80% band covered" in caption and "test points" in caption


def test_seasonal_differences_map_back_to_levels_exactly():
    """Seasonal differences y_t - y_(t-s) over a horizon longer than s come back as the levels: actual before
    the origin, then the forecast's own levels one season before (checked with the true differences)."""
    from lstm_core.data.windows import Scaler, take_differences
    from lstm_core.forecast.multistep import _to_levels

    season, horizon = 4, 11
    levels = np.cumsum(np.random.default_rng(3).normal(size=60)) + 50.0  # (T,)
    changes = take_differences(levels[:, None], season)[:, 0]  # (T,)
    origins = np.array([10, 23, 40])
    scaler = Scaler.fit("none", changes[:, None])
    inputs = Inputs(changes[:, None], levels, scaler, 5, season)
    true_changes = changes[origins[:, None] + np.arange(horizon)]  # (3, H)
    back = _to_levels(true_changes, inputs, origins)
    np.testing.assert_allclose(back, levels[origins[:, None] + np.arange(horizon)])


def test_a_run_with_seasonal_differences_gets_bands_and_coverage():
    """Seasonal differences no longer go without bands: the run's rows carry them and metrics report coverage."""
    from tiny import tiny_dataset

    from lstm_core.experiment.run import run_experiment

    run = run_experiment(tiny_dataset(400), TINY.replace(epochs=1, units=4, difference="seasonal"))
    rows = run.forecast
    test = rows[rows["part"] == "test"]
    assert test[["lower_80", "upper_80", "lower_95", "upper_95"]].notna().all().all()
    assert (test["upper_95"] >= test["upper_80"]).all() and (test["lower_95"] <= test["lower_80"]).all()
    measured = run.metrics.intervals["levels"]["80"]
    assert measured["nominal"] == 0.8 and 0.0 <= measured["empirical"] <= 1.0 and measured["points"] > 0
