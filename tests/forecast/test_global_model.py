"""The global model's Theta base: fitted on the fitting part only (base="auto" is checked in
tests/evaluate/test_benchmark.py: both bases trained, the lower validation MASE kept, no test value read)."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_core.forecast.global_model import series_windows
from lstm_core.scoring.statistical import fit_theta

H, WINDOW, SEASON = 6, 12, 12


def _trending(length: int = 60, seed: int = 0) -> np.ndarray:
    """A steady trend with a little noise and no season: Theta's home ground, (length,)."""
    steps = np.arange(length)
    return 100.0 + 1.5 * steps + np.random.default_rng(seed).normal(0.0, 0.5, length)


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
