"""Forecast metrics: known values, None where undefined, never NaN or inf."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lstm_core.scoring import metrics

ACTUAL = np.array([10.0, 20.0, 30.0, 40.0])
PREDICTED = np.array([12.0, 18.0, 33.0, 40.0])


def test_known_values():
    """MAE, RMSE, MAPE, sMAPE and MASE match values worked out by hand."""
    assert metrics.mae(ACTUAL, PREDICTED) == pytest.approx(7.0 / 4)
    assert metrics.rmse(ACTUAL, PREDICTED) == pytest.approx(math.sqrt(17.0 / 4))
    assert metrics.mape(ACTUAL, PREDICTED) == pytest.approx(100.0 * (0.2 + 0.1 + 0.1 + 0.0) / 4)
    smape = 100.0 * (2 * 2 / 22 + 2 * 2 / 38 + 2 * 3 / 63 + 0.0) / 4
    assert metrics.smape(ACTUAL, PREDICTED) == pytest.approx(smape)
    train = np.array([1.0, 3.0, 2.0, 6.0])  # naive in-sample MAE = (2 + 1 + 4) / 3
    assert metrics.mase(ACTUAL, PREDICTED, train) == pytest.approx((7.0 / 4) / (7.0 / 3))
    seasonal_train = np.array([1.0, 2.0, 4.0, 4.0])  # season 2: (3 + 2) / 2
    assert metrics.mase(ACTUAL, PREDICTED, seasonal_train, 2) == pytest.approx((7.0 / 4) / 2.5)


def test_skill_vs_naive():
    """Skill is 1 - RMSE_model / RMSE_naive, and None when the naive RMSE is zero or missing."""
    assert metrics.skill_vs_naive(1.0, 4.0) == pytest.approx(0.75)
    assert metrics.skill_vs_naive(8.0, 4.0) == pytest.approx(-1.0)
    assert metrics.skill_vs_naive(1.0, 0.0) is None
    assert metrics.skill_vs_naive(None, 4.0) is None


def test_zero_actual_gives_none_mape():
    """MAPE is None, not inf, when an actual value is zero; sMAPE counts 0 vs 0 as perfect."""
    actual = np.array([0.0, 1.0])
    assert metrics.mape(actual, np.array([0.5, 1.0])) is None
    assert metrics.smape(np.zeros(3), np.zeros(3)) == 0.0


def test_constant_train_gives_none_mase():
    """MASE is None, not inf, when the training part is constant (naive error zero)."""
    assert metrics.mase(ACTUAL, PREDICTED, np.full(10, 5.0)) is None
    assert metrics.mase(ACTUAL, PREDICTED, np.array([1.0])) is None


def test_empty_and_mismatched_inputs():
    """Empty inputs give None; arrays of different length raise ValueError."""
    assert metrics.evaluate(np.array([]), np.array([]), train=ACTUAL) == dict.fromkeys(
        ["mae", "rmse", "smape", "mase", "mape"]
    )
    with pytest.raises(ValueError, match="differ in length"):
        metrics.mae(ACTUAL, PREDICTED[:2])


def test_evaluate_block_keys():
    """evaluate returns exactly the JSON block mae, rmse, smape, mase, mape."""
    block = metrics.evaluate(ACTUAL, PREDICTED, train=np.array([1.0, 3.0, 2.0, 6.0]))
    assert list(block) == ["mae", "rmse", "smape", "mase", "mape"]


finite = st.floats(allow_nan=False, allow_infinity=False, width=64)


@settings(max_examples=150, deadline=None)
@given(
    data=st.integers(min_value=0, max_value=12).flatmap(
        lambda n: st.tuples(
            arrays(np.float64, n, elements=finite),
            arrays(np.float64, n, elements=finite),
            arrays(np.float64, st.integers(0, 12), elements=finite),
            st.integers(1, 4),
        )
    )
)
def test_metrics_never_nan_or_inf(data):
    """For any finite arrays, every metric and the skill are a finite float or None."""
    actual, predicted, train, season = data
    with np.errstate(all="ignore"):
        block = metrics.evaluate(actual, predicted, train=train, season_length=season)
        skill = metrics.skill_vs_naive(block["rmse"], metrics.rmse(actual, np.roll(actual, 1)))
    for value in [*block.values(), skill]:
        assert value is None or (isinstance(value, float) and math.isfinite(value))


def test_rmse_of_huge_values_does_not_overflow():
    """Errors near 1e300 give a finite RMSE (computed scaled), not None from an overflowing square."""
    actual = np.array([1e300, 2e300, 3e300])
    predicted = np.array([0.0, 0.0, 0.0])
    expected = np.sqrt(np.mean((actual / 1e300) ** 2)) * 1e300
    assert metrics.rmse(actual, predicted) == pytest.approx(expected, rel=1e-12)


def test_mase_and_smape_are_the_competition_definitions():
    """MASE (seasonal-naive in-sample MAE of the training part as scale) and sMAPE (200/h·Σ|y−ŷ|/(|y|+|ŷ|)) are M4's."""
    train = np.array([10.0, 20.0, 30.0, 40.0, 12.0, 22.0, 33.0, 41.0])  # season 4: |2|, |2|, |3|, |1| -> scale 2
    actual, forecast = np.array([14.0, 25.0, 35.0]), np.array([13.0, 22.0, 36.0])  # errors 1, 3, 1
    assert metrics.mase(actual, forecast, train, 4) == pytest.approx((5.0 / 3.0) / 2.0)
    assert metrics.smape(actual, forecast) == pytest.approx(200.0 / 3.0 * (1.0 / 27.0 + 3.0 / 47.0 + 1.0 / 71.0))
