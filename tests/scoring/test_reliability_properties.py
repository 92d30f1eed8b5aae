"""Property tests: windowing of any series length, fraction and window; metrics of any arrays.

`windows.prepare` either raises LabError or returns windows whose shapes agree, whose targets
are the series' own (scaled) values, and whose test targets never appear among the training
targets' positions. Every metric is a finite float or None, never NaN or inf.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from lstm_core.config.settings import WindowConfig
from lstm_core.data.windows import prepare
from lstm_core.errors import LabError
from lstm_core.scoring import metrics

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def configs(draw) -> WindowConfig:
    window = draw(st.integers(1, 40))
    val = draw(st.sampled_from([0.0, 0.05, 0.1, 0.2, 0.3, 0.45]))
    test = draw(st.sampled_from([0.01, 0.05, 0.1, 0.2, 0.3, 0.45]))
    scaler = draw(st.sampled_from(["minmax", "standard", "none"]))
    assume(val + test < 0.8)
    return WindowConfig(window=window, val_fraction=val, test_fraction=test, scaler=scaler)


@st.composite
def series(draw) -> np.ndarray:
    length = draw(st.integers(1, 300))
    features = draw(st.integers(1, 3))
    kind = draw(st.sampled_from(["random", "constant", "huge", "steps"]))
    if kind == "constant":
        return np.full((length, features), draw(st.floats(-1e6, 1e6)))
    if kind == "steps":
        return np.tile(np.arange(length, dtype=np.float64)[:, None], (1, features))
    scale = 1e12 if kind == "huge" else 10.0
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return rng.normal(0.0, scale, (length, features))


@SETTINGS
@given(values=series(), config=configs())
def test_prepare_windows_or_raises_lab_error(values: np.ndarray, config: WindowConfig) -> None:
    """Any length, fractions and window: LabError, or consistent shapes with no test target in training."""
    try:
        windows = prepare(values, config)
    except LabError as error:
        assert "too few for windows" in str(error)
        return
    length, features, window = values.shape[0], values.shape[1], config.window
    assert 0 < windows.train_end <= windows.val_end < length
    assert windows.train_end - window >= 2
    for x, y in (
        (windows.x_train, windows.y_train),
        (windows.x_val, windows.y_val),
        (windows.x_test, windows.y_test),
    ):
        assert x.shape == (len(y), window, features) and x.dtype == np.float32 and y.dtype == np.float32
    assert len(windows.y_train) == windows.train_end - window
    assert len(windows.y_val) == windows.val_end - windows.train_end
    assert len(windows.y_test) == length - windows.val_end >= 1
    assert windows.scaled.shape == (length, features)
    assert np.isfinite(windows.scaled).all()
    # Each window's target is the scaled value right after its inputs; test targets lie after val_end.
    np.testing.assert_array_equal(windows.y_test, windows.scaled[windows.val_end :, 0])
    np.testing.assert_array_equal(windows.y_train, windows.scaled[window : windows.train_end, 0])
    if len(windows.x_test):
        np.testing.assert_array_equal(windows.x_test[-1], windows.scaled[length - 1 - window : length - 1])
    # The scaler saw only the training part: refitting on the training rows gives the same numbers.
    train_rows = values[: windows.train_end]
    if config.scaler == "minmax":
        np.testing.assert_allclose(windows.scaler.offset, train_rows.min(axis=0))
    elif config.scaler == "standard":
        np.testing.assert_allclose(windows.scaler.offset, train_rows.mean(axis=0))


@SETTINGS
@given(values=series(), config=configs())
def test_differences_keep_the_test_points_and_map_back_exactly(values: np.ndarray, config: WindowConfig) -> None:
    """With differences: the same validation and test targets as levels (or the same LabError), and the
    true changes, mapped back, give the actual test values and add up from the last actual value."""
    differenced = WindowConfig(**{**config.__dict__, "difference": True})
    try:
        levels = prepare(values, config)
    except LabError:
        with pytest.raises(LabError):
            prepare(values, differenced)
        return
    try:
        windows = prepare(values, differenced)
    except LabError as error:  # a constant-magnitude series can overflow once differenced: one sentence
        assert "too large" in str(error)
        return
    assert (windows.train_end, windows.val_end) == (levels.train_end, levels.val_end)
    assert len(windows.y_val) == len(levels.y_val) and len(windows.y_test) == len(levels.y_test)
    assert len(windows.y_train) == len(levels.y_train) - 1  # d_0 does not exist
    target = values[:, 0]
    np.testing.assert_allclose(
        windows.test_levels(windows.y_test), target[windows.val_end :], rtol=1e-5, atol=1e-5 * np.abs(target).max()
    )
    changes = np.diff(target[-4:]) if len(target) >= 4 else np.zeros(0)
    scaled_changes = windows.scaler.transform(np.column_stack([changes] + [changes] * (values.shape[1] - 1)))[:, 0]
    np.testing.assert_allclose(
        windows.future_levels(scaled_changes.astype(np.float32)),
        target[-1] + np.cumsum(changes),
        rtol=1e-5,
        atol=1e-5 * max(1.0, np.abs(target).max()),
    )


@SETTINGS
@given(
    length=st.integers(1, 400),
    window=st.integers(1, 365),
    val=st.floats(0.0, 0.49),
    test=st.floats(0.001, 0.49),
)
def test_any_window_config_is_valid_or_lab_error(length: int, window: int, val: float, test: float) -> None:
    """Raw numbers for window and fractions: WindowConfig or prepare raise LabError, or windows come back."""
    try:
        config = WindowConfig(window=window, val_fraction=val, test_fraction=test)
        windows = prepare(np.arange(length, dtype=np.float64), config)
    except LabError:
        return
    assert len(windows.y_test) >= 1 and len(windows.y_train) >= 2


finite_floats = st.floats(-1e300, 1e300, allow_nan=False, allow_infinity=False)
special = st.sampled_from([0.0, -0.0, 1e-300, -1e-300, 1e300, -1e300, 1.0, 5.0])
values = st.one_of(finite_floats, special)


@st.composite
def metric_arrays(draw) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = draw(st.integers(0, 30))
    kind = draw(st.sampled_from(["any", "zeros", "constant", "equal"]))
    actual = draw(hnp.arrays(np.float64, n, elements=values))
    predicted = draw(hnp.arrays(np.float64, n, elements=values))
    train = draw(hnp.arrays(np.float64, draw(st.integers(0, 30)), elements=values))
    if kind == "zeros":
        actual, predicted, train = np.zeros(n), np.zeros(n), np.zeros(len(train))
    elif kind == "constant":
        actual, train = np.full(n, 7.0), np.full(len(train), 7.0)
    elif kind == "equal":
        predicted = actual.copy()
    return actual, predicted, train


@SETTINGS
@given(arrays=metric_arrays(), season=st.integers(0, 40))
def test_every_metric_is_finite_or_none(arrays, season: int) -> None:
    """Zeros, constants, huge values and empty arrays give finite floats or None, never NaN or inf."""
    actual, predicted, train = arrays
    block = metrics.evaluate(actual, predicted, train=train, season_length=season)
    assert set(block) == {"mae", "rmse", "smape", "mase", "mape"}
    for name, value in block.items():
        assert value is None or (isinstance(value, float) and math.isfinite(value)), (name, value)
    if block["smape"] is not None:
        assert 0.0 <= block["smape"] <= 200.0
    if len(actual) and np.array_equal(actual, predicted):
        assert block["mae"] == 0.0 and block["smape"] == 0.0
    skill = metrics.skill_vs_naive(block["rmse"], metrics.rmse(actual, np.zeros_like(actual)))
    assert skill is None or math.isfinite(skill)


@pytest.mark.parametrize("scaler", ["minmax", "standard", "none"])
def test_values_beyond_float32_are_refused_by_prepare(scaler: str) -> None:
    """Finite float64 values too large for float32 windows raise LabError instead of giving inf/NaN windows."""
    values = np.array([1e308, -1e308] * 50)  # (100,) finite, but max - min overflows and float32 cannot hold them
    try:
        windows = prepare(values, WindowConfig(scaler=scaler))
    except LabError:
        return
    assert np.isfinite(windows.scaled).all() and np.isfinite(windows.x_train).all()


@SETTINGS
@given(values=series(), config=configs(), season=st.integers(2, 24))
def test_seasonal_differences_keep_the_test_points_and_map_back_exactly(
    values: np.ndarray, config: WindowConfig, season: int
) -> None:
    """With seasonal differences: the same validation and test targets as levels (or a LabError), and the true
    seasonal changes, mapped back, give the actual test values and continue last season's values exactly."""
    seasonal = WindowConfig(**{**config.__dict__, "difference": "seasonal"})
    try:
        levels = prepare(values, config)
    except LabError:
        with pytest.raises(LabError):
            prepare(values, seasonal, season_length=season)
        return
    try:
        windows = prepare(values, seasonal, season_length=season)
    except LabError as error:  # too short to leave training windows after the first season, or overflow
        assert "Seasonal differences of season" in str(error) or "too large" in str(error)
        return
    assert windows.lag == season
    assert (windows.train_end, windows.val_end) == (levels.train_end, levels.val_end)
    assert len(windows.y_val) == len(levels.y_val) and len(windows.y_test) == len(levels.y_test)
    assert len(windows.y_train) == len(levels.y_train) - season  # the first season has no differences
    target = values[:, 0]
    scale = 1e-5 * max(1.0, np.abs(target).max())
    np.testing.assert_allclose(windows.test_levels(windows.y_test), target[windows.val_end :], rtol=1e-5, atol=scale)
    steps = 2 * season + 1  # a path longer than a season feeds its own levels back
    changes = np.random.default_rng(season).normal(0.0, 1.0, steps)
    scaled = (changes - windows.scaler.offset[0]) / windows.scaler.scale[0]
    expected = np.concatenate([target[-season:], np.zeros(steps)])
    for h in range(steps):
        expected[season + h] = expected[h] + changes[h]
    np.testing.assert_allclose(windows.future_levels(scaled), expected[season:], rtol=1e-5, atol=scale)
