"""Conformal bands on a collection: split-conformal quantiles of the pooled scaled validation errors, per step."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from lstm_core.forecast.collection_bands import band_coverage, collection_bands
from lstm_core.forecast.covariates import calendar_features
from lstm_core.forecast.global_model import series_windows


def test_bands_are_the_conformal_quantile_of_scaled_errors_per_step_rescaled_per_series():
    """20 series: per step the ceil(21·0.8) = 17th and ceil(21·0.95) = 20th smallest |error|, times each scale."""
    rng = np.random.default_rng(0)
    errors = rng.normal(size=(20, 3))  # (S, H) scaled
    scales = np.arange(1.0, 21.0)  # (S,)
    forecasts = rng.normal(size=(20, 3)) * scales[:, None]
    bands = collection_bands(forecasts, errors, scales)
    for name, rank in (("80", math.ceil(21 * 0.8)), ("95", math.ceil(21 * 0.95))):
        q = np.sort(np.abs(errors), axis=0)[rank - 1]  # (H,)
        np.testing.assert_allclose(bands[name]["upper"], forecasts + q * scales[:, None])
        np.testing.assert_allclose(bands[name]["lower"], forecasts - q * scales[:, None])
        assert bands[name]["pooled"] == "series, per step"
    actual = forecasts + errors * scales[:, None]  # test errors drawn like the validation ones
    covered = band_coverage(actual, bands)["80"]
    inside = (actual >= bands["80"]["lower"]) & (actual <= bands["80"]["upper"])
    assert covered["overall"] == pytest.approx(inside.mean()) and covered["points"] == 60
    assert covered["per_series_min"] == pytest.approx(inside.mean(axis=1).min())


def test_calendar_rows_of_the_target_steps_end_the_forecast_window():
    """With covariates, a window's last H input steps carry its target steps' calendar: the forecast window's
    those of the H steps after the training part (known in advance), the validation window's its last H."""
    h, window = 3, 6
    index = pd.date_range("2000-01-01", periods=30 + h, freq="MS")
    calendar = calendar_features(index)  # (33, 2)
    assert calendar.shape == (33, 2) and np.allclose(calendar[0], [0.0, 1.0])  # January: phase 0
    train = np.sin(np.arange(30) / 2.0) + 5.0
    parts = series_windows(train, h, window, 12, covariates=calendar)
    assert parts.x_train.shape[1:] == (window, 3) and parts.x_forecast.shape == (1, window, 3)
    np.testing.assert_allclose(parts.x_forecast[0, -h:, 1:], calendar[-h:], rtol=1e-6)
    np.testing.assert_allclose(parts.x_val[0, -h:, 1:], calendar[30 - h : 30], rtol=1e-6)
    plain = series_windows(train, h, window, 12)
    np.testing.assert_array_equal(parts.x_train[:, :, :1], plain.x_train)  # the values are unchanged
    assert calendar_features(pd.RangeIndex(10)) is None
