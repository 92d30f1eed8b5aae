"""One-step and recursive forecasts against Keras, and the future index."""

from __future__ import annotations

import numpy as np
import pandas as pd
from tiny import TINY

from lstm_core.config.settings import WindowConfig
from lstm_core.data.windows import Windows, prepare
from lstm_core.forecast.one_step import future_index, one_step, recursive
from lstm_core.nn.keras_model import network_weights
from lstm_core.nn.weights import DenseWeights, LSTMWeights, NetworkWeights


def test_one_step_equals_model_predict(trained, windows):
    """One-step forecasts equal model.predict on the test windows, inverse-scaled to user units."""
    ours = one_step(network_weights(trained.model), windows)
    scaled = np.asarray(trained.model.predict(windows.x_test, verbose=0))[:, 0]
    np.testing.assert_allclose(ours, windows.scaler.inverse_target(scaled), rtol=1e-5, atol=1e-4)
    assert ours.shape == (len(windows.x_test),)


def test_recursive_equals_loop_of_model_predict(trained, windows):
    """The recursive forecast equals feeding model.predict's outputs back in, step by step."""
    steps = 5
    ours = recursive(network_weights(trained.model), windows, steps)
    history = list(windows.scaled[-windows.window :, 0])
    expected = []
    for _ in range(steps):
        x = np.asarray(history[-windows.window :], np.float32)[None, :, None]  # (1, window, 1)
        value = float(np.asarray(trained.model.predict(x, verbose=0))[0, 0])
        expected.append(value)
        history.append(value)
    np.testing.assert_allclose(ours, windows.scaler.inverse_target(np.array(expected)), rtol=1e-5, atol=1e-4)


def test_recursive_needs_univariate(trained, dataset):
    """With extra feature columns (unknown in the future) or zero steps, recursive returns None."""
    values = np.stack([dataset.values[:, 0], dataset.values[:, 0] * 2], axis=1)
    multi = prepare(values, TINY.windows)
    weights = network_weights(trained.model)
    assert recursive(weights, multi, 5) is None
    assert recursive(weights, prepare(dataset.values, TINY.windows), 0) is None


def constant_weights(value: float, units: int = 3) -> NetworkWeights:
    """An LSTM whose weights are all zero, so h stays 0, and a Dense head that outputs `value` (scaled) every time."""
    lstm = LSTMWeights(
        kernel=np.zeros((1, 4 * units), np.float32),  # (F, 4U)
        recurrent_kernel=np.zeros((units, 4 * units), np.float32),  # (U, 4U)
        bias=np.zeros(4 * units, np.float32),  # (4U,)
    )
    head = DenseWeights(kernel=np.zeros((units, 1), np.float32), bias=np.array([value], np.float32))  # (U, 1), (1,)
    return NetworkWeights(lstm=(lstm,), head=head)


def constant_change(windows: Windows, change: float) -> NetworkWeights:
    """Weights that always predict `change`, in user units, as the windows' scaler encodes it."""
    return constant_weights((change - windows.scaler.offset[0]) / windows.scaler.scale[0])


def test_recursive_with_differences_is_a_line_from_the_last_value(dataset):
    """A network that always predicts a change of 2.5 forecasts a line rising 2.5 a step from the last value."""
    windows = prepare(dataset.values, WindowConfig(window=8, difference=True))
    future = recursive(constant_change(windows, 2.5), windows, 6)
    last = dataset.values[-1, 0]
    np.testing.assert_allclose(future, last + 2.5 * np.arange(1, 7), rtol=1e-5)


def test_one_step_with_differences_adds_the_change_to_the_previous_level(dataset):
    """One-step test predictions with differences are the previous actual level plus the predicted change."""
    windows = prepare(dataset.values, WindowConfig(window=8, difference=True))
    ours = one_step(constant_change(windows, -1.5), windows)
    previous = dataset.values[windows.val_end - 1 : -1, 0]
    assert ours.shape == (len(windows.x_test),)
    np.testing.assert_allclose(ours, previous - 1.5, rtol=1e-5)


def test_future_index_monthly():
    """Month-start dates continue month by month."""
    index = pd.date_range("2020-01-01", periods=6, freq="MS")
    out = future_index(index, "MS", 3)
    assert list(out) == list(pd.to_datetime(["2020-07-01", "2020-08-01", "2020-09-01"]))


def test_future_index_continues_from_a_date_off_the_frequency():
    """Month-end dates with a month-start frequency: the next date is the next month's start, none skipped."""
    index = pd.DatetimeIndex(["1960-10-31", "1960-11-30", "1960-12-31"])
    assert list(future_index(index, "MS", 2)) == list(pd.to_datetime(["1961-01-01", "1961-02-01"]))
    assert list(future_index(index, "ME", 2)) == list(pd.to_datetime(["1961-01-31", "1961-02-28"]))


def test_future_index_daily_and_business_days():
    """Daily dates continue daily; business days skip the weekend."""
    daily = future_index(pd.date_range("2021-03-01", periods=5, freq="D"), "D", 2)
    assert list(daily) == list(pd.to_datetime(["2021-03-06", "2021-03-07"]))
    friday = pd.bdate_range("2024-01-01", "2024-01-05")
    business = future_index(friday, "B", 2)
    assert list(business) == list(pd.to_datetime(["2024-01-08", "2024-01-09"]))


def test_future_index_without_frequency_uses_spacing():
    """Dates with no known frequency continue at the average spacing."""
    index = pd.DatetimeIndex(["2020-01-01", "2020-01-03", "2020-01-05"])
    assert list(future_index(index, None, 2)) == list(pd.to_datetime(["2020-01-07", "2020-01-09"]))


def test_future_index_steps():
    """A step index continues with the next step numbers."""
    out = future_index(pd.RangeIndex(0, 10, name="step"), None, 3)
    assert list(out) == [10, 11, 12] and out.name == "step"


def test_recursive_with_seasonal_differences_repeats_last_season_plus_the_change(dataset):
    """A network that always predicts a seasonal change of 3 forecasts last season's values plus 3, then plus 6."""
    windows = prepare(dataset.values, WindowConfig(window=8, difference="seasonal"), season_length=12)
    future = recursive(constant_change(windows, 3.0), windows, 18)
    last_season = dataset.values[-12:, 0]
    np.testing.assert_allclose(future[:12], last_season + 3.0, rtol=1e-5)
    np.testing.assert_allclose(future[12:], last_season[:6] + 6.0, rtol=1e-5)
    ours = one_step(constant_change(windows, 3.0), windows)
    np.testing.assert_allclose(ours, dataset.values[windows.val_end - 12 : -12, 0] + 3.0, rtol=1e-5)
