"""Naive, seasonal naive and drift baselines, one step and into the future."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_core.scoring import baselines

VALUES = np.array([1.0, 3.0, 2.0, 5.0, 4.0, 6.0, 8.0])


def test_naive_is_previous_value():
    """Naive forecasts each position with the value just before it."""
    np.testing.assert_array_equal(baselines.naive(VALUES, 4), [5.0, 4.0, 6.0])


def test_seasonal_naive_is_one_season_back():
    """Seasonal naive forecasts with the value one season earlier, or None without a full season."""
    np.testing.assert_array_equal(baselines.seasonal_naive(VALUES, 4, 3), [3.0, 2.0, 5.0])
    assert baselines.seasonal_naive(VALUES, 2, 3) is None


def test_drift_is_line_through_first_and_previous():
    """Drift extends the line from the first value through the previous value by one step."""
    out = baselines.drift(VALUES, 3)
    expected = [VALUES[t - 1] + (VALUES[t - 1] - VALUES[0]) / (t - 1) for t in range(3, 7)]
    np.testing.assert_allclose(out, expected)
    assert len(baselines.drift(VALUES, 1)) == len(VALUES) - 1


def test_start_zero_is_refused():
    """Position 0 has no past, so start=0 is refused instead of returning a misaligned array."""
    with pytest.raises(ValueError, match="start"):
        baselines.naive(VALUES, 0)
    with pytest.raises(ValueError, match="start"):
        baselines.drift(VALUES, 0)


def test_future_baselines():
    """Future baselines repeat the last value, the last season, or extend the drift line."""
    np.testing.assert_array_equal(baselines.naive_future(VALUES, 3), [8.0, 8.0, 8.0])
    np.testing.assert_array_equal(baselines.seasonal_naive_future(VALUES, 5, 3), [4.0, 6.0, 8.0, 4.0, 6.0])
    assert baselines.seasonal_naive_future(VALUES, 5, 10) is None
    np.testing.assert_allclose(baselines.drift_future(VALUES, 2), [8.0 + 7.0 / 6.0, 8.0 + 14.0 / 6.0])


@pytest.mark.parametrize(
    ("freq", "season"),
    [("MS", 12), ("ME", 12), ("D", 7), ("B", 5), ("W-SUN", 52), ("QS-OCT", 4), ("h", 24), ("YS", None), (None, None)],
)
def test_season_length_for_frequency(freq, season):
    """The usual season length follows the pandas frequency alias."""
    assert baselines.season_length_for(freq) == season
