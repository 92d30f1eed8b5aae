"""The global model's bases: Theta fitted on the fitting part only, and the base chosen on the validation parts."""

from __future__ import annotations

import numpy as np
import pytest
from tiny import TINY

from lstm_core.forecast.global_model import BASES, global_forecast, series_windows
from lstm_core.scoring.statistical import fit_theta

H, WINDOW, SEASON = 6, 12, 12


def _trending(length: int = 60, seed: int = 0) -> np.ndarray:
    """A steady trend with a little noise and no season: Theta's home ground, (length,)."""
    steps = np.arange(length)
    return 100.0 + 1.5 * steps + np.random.default_rng(seed).normal(0.0, 0.5, length)


def _seasonal(length: int = 60, seed: int = 0) -> np.ndarray:
    """A 12-step pattern that turns upside down after three years, a little noise, no trend: seasonal naive (the
    last season) follows it, Theta's seasonal indices (averaged over every year) do not, (length,)."""
    pattern = np.array([5.0, 9.0, 2.0, 14.0, 7.0, 3.0, 11.0, 6.0, 13.0, 1.0, 8.0, 10.0]) - 7.5
    steps = np.arange(length)
    flipped = np.where(steps < 36, 1.0, -1.0)
    noise = np.random.default_rng(seed).normal(0.0, 0.1, length)
    return 50.0 + flipped * np.tile(pattern, length // 12 + 1)[:length] + noise


def test_theta_base_is_fitted_on_the_fitting_part_only():
    """Targets plus base give back the series; the validation and forecast bases are Theta fitted on the training
    part less its last H values, and changing those H values changes no training target or validation base."""
    train = _trending()
    parts = series_windows(train, H, WINDOW, SEASON, base="theta")
    scale = parts.transform.scale
    fit = fit_theta(train[:-H] / scale, SEASON)
    expected = fit.forecasts(train / scale, np.array([len(train) - H, len(train)]), H)  # (2, H)
    np.testing.assert_allclose(parts.y_val[0] + expected[0], train[-H:] / scale, rtol=1e-5)
    np.testing.assert_allclose(parts.forecast_base, expected[1], rtol=1e-10)
    changed = train.copy()
    changed[-H:] += 40.0
    other = series_windows(changed, H, WINDOW, SEASON, base="theta")
    np.testing.assert_array_equal(other.y_train, parts.y_train)
    np.testing.assert_array_equal(other.x_val, parts.x_val)
    assert not np.array_equal(other.forecast_base, parts.forecast_base)  # the forecast reads the whole training part
    with pytest.raises(ValueError, match="base"):
        series_windows(train, H, WINDOW, SEASON, base="arima")


def test_auto_keeps_the_base_whose_network_forecasts_the_validation_parts_better():
    """base="auto" trains a network on each base and keeps the one with the lower validation MASE (the mean over
    series of the MAE of its forecast of the last H training values, in MASE's scale)."""
    trains = [_trending(seed=k) for k in range(3)] + [_seasonal(seed=k) for k in range(3)]
    seasons = [SEASON] * len(trains)
    config = TINY.replace(window=WINDOW, units=4, epochs=1, batch_size=32, deterministic=True)
    auto = global_forecast(trains, H, config, seasons=seasons, windows_per_series=4)
    assert set(auto.tried) == set(BASES) and auto.tried[auto.base] == min(auto.tried.values())
    assert auto.val_mase == pytest.approx(auto.tried[auto.base], abs=1e-4) and auto.val_mase > 0
    assert auto.forecasts.shape == (6, H) and np.isfinite(auto.forecasts).all()
