"""Chronological split, scaler fit on the training part only, and windowing."""

from __future__ import annotations

import numpy as np
import pytest
from tiny import tiny_values

from lstm_core.config.settings import WindowConfig
from lstm_core.data.windows import Scaler, make_windows, prepare, split_points
from lstm_core.errors import LabError


def test_split_is_chronological():
    """Train, validation and test are consecutive blocks in time, in that order."""
    config = WindowConfig(window=5, val_fraction=0.1, test_fraction=0.2)
    train_end, val_end = split_points(100, config)
    assert (train_end, val_end) == (70, 80)
    w = prepare(np.arange(100.0), config)
    assert (w.train_end, w.val_end) == (70, 80)
    target_positions = {
        "train": w.scaler.inverse_target(w.y_train),
        "val": w.scaler.inverse_target(w.y_val),
        "test": w.scaler.inverse_target(w.y_test),
    }
    np.testing.assert_allclose(target_positions["train"], np.arange(5, 70), atol=1e-4)
    np.testing.assert_allclose(target_positions["val"], np.arange(70, 80), atol=1e-4)
    np.testing.assert_allclose(target_positions["test"], np.arange(80, 100), atol=1e-4)


def test_scaler_fit_on_train_only():
    """Changing validation and test values leaves the scaler and the training windows untouched."""
    config = WindowConfig(window=6)
    values = tiny_values(120)
    changed = values.copy()
    train_end, _ = split_points(len(values), config)
    changed[train_end:] = 1e6  # wildly different future
    a, b = prepare(values, config), prepare(changed, config)
    np.testing.assert_array_equal(a.scaler.offset, b.scaler.offset)
    np.testing.assert_array_equal(a.scaler.scale, b.scaler.scale)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    np.testing.assert_array_equal(a.y_train, b.y_train)
    assert a.scaler.offset[0] == values[:train_end].min()


@pytest.mark.parametrize("kind", ["minmax", "standard", "none"])
def test_scaler_inverse_round_trip(kind):
    """inverse_target undoes transform on the target column for every scaler kind."""
    values = tiny_values(50)[:, None]
    scaler = Scaler.fit(kind, values)
    np.testing.assert_allclose(scaler.inverse_target(scaler.transform(values)[:, 0]), values[:, 0], rtol=1e-5)


def test_constant_column_stays_finite():
    """A constant training column scales to zeros rather than dividing by zero."""
    scaler = Scaler.fit("minmax", np.full((10, 1), 3.0))
    assert np.isfinite(scaler.transform(np.full((4, 1), 3.0))).all()


def test_window_shapes_and_contents():
    """Each window holds the `window` values before its target: x (N, window, F), y (N,)."""
    values = np.arange(20.0)[:, None]
    x, y = make_windows(values, 4, 4, 10)
    assert x.shape == (6, 4, 1) and y.shape == (6,)
    np.testing.assert_array_equal(x[0, :, 0], [0, 1, 2, 3])
    assert y[0] == 4
    np.testing.assert_array_equal(x[-1, :, 0], [5, 6, 7, 8])
    assert y[-1] == 9


def test_multivariate_windows_keep_target_first():
    """With extra columns, x has F features and y is always column 0."""
    values = np.stack([np.arange(60.0), np.arange(60.0) * 10, -np.arange(60.0)], axis=1)
    w = prepare(values, WindowConfig(window=5, scaler="none"))
    assert w.x_train.shape[1:] == (5, 3)
    assert w.n_features == 3
    np.testing.assert_array_equal(w.y_train, values[5 : w.train_end, 0])
    np.testing.assert_array_equal(w.x_test[0], values[w.val_end - 5 : w.val_end])
    np.testing.assert_array_equal(w.test_window(0), w.x_test[0])


def test_too_short_series_is_refused():
    """A series too short for the window raises LabError saying what to change."""
    with pytest.raises(LabError, match="too few for windows of 30 steps"):
        prepare(np.arange(40.0), WindowConfig(window=30))


def test_missing_values_are_refused():
    """NaN in the series raises LabError instead of training on it."""
    values = tiny_values(60)
    values[10] = np.nan
    with pytest.raises(LabError, match="missing or infinite"):
        prepare(values, WindowConfig(window=5))


def test_zero_validation_fraction_gives_no_validation_windows():
    """val_fraction 0 leaves no validation windows and a test part right after training."""
    w = prepare(np.arange(50.0), WindowConfig(window=5, val_fraction=0.0))
    assert len(w.x_val) == 0 and w.train_end == w.val_end


@pytest.mark.parametrize("scaler", ["minmax", "standard", "none"])
def test_differences_keep_target_positions(scaler):
    """With differences, the split, the validation and test targets and their counts are those of levels."""
    values = tiny_values(160)
    levels = prepare(values, WindowConfig(window=8, scaler=scaler))
    changes = prepare(values, WindowConfig(window=8, scaler=scaler, difference=True))
    assert (changes.train_end, changes.val_end) == (levels.train_end, levels.val_end)
    assert len(changes.y_val) == len(levels.y_val) and len(changes.y_test) == len(levels.y_test)
    assert len(changes.y_train) == len(levels.y_train) - 1  # d_0 does not exist: the first window starts later
    steps = np.diff(values)  # steps[t - 1] = y_t - y_{t-1}
    inverse = changes.scaler.inverse_target
    np.testing.assert_allclose(inverse(changes.y_train), steps[8 : changes.train_end - 1], atol=1e-4)
    np.testing.assert_allclose(inverse(changes.y_val), steps[changes.train_end - 1 : changes.val_end - 1], atol=1e-4)
    np.testing.assert_allclose(inverse(changes.y_test), steps[changes.val_end - 1 :], atol=1e-4)
    # The last test window's inputs are the 8 changes just before the last target.
    np.testing.assert_allclose(inverse(changes.x_test[-1, :, 0]), steps[-9:-1], atol=1e-4)


@pytest.mark.parametrize("scaler", ["minmax", "standard", "none"])
def test_true_differences_map_back_to_test_levels(scaler):
    """Feeding the true (scaled) differences through test_levels gives back the actual test levels."""
    values = tiny_values(160)
    w = prepare(values, WindowConfig(window=8, scaler=scaler, difference=True))
    np.testing.assert_allclose(w.test_levels(w.y_test), values[w.val_end :], rtol=1e-6, atol=1e-4)


def test_future_levels_add_changes_to_the_last_level():
    """A path of predicted changes becomes levels by adding up from the last actual value."""
    values = tiny_values(100)
    w = prepare(values, WindowConfig(window=5, difference=True))
    changes = np.array([1.0, -2.0, 0.5])
    scaled = (changes - w.scaler.offset[0]) / w.scaler.scale[0]
    np.testing.assert_allclose(w.future_levels(scaled), values[-1] + np.cumsum(changes), atol=1e-9)


def test_differences_leave_feature_columns_as_levels():
    """Only the target column is differenced; extra feature columns are fed as levels."""
    values = np.stack([np.arange(60.0) ** 2, np.arange(60.0) * 10], axis=1)  # (60, 2)
    w = prepare(values, WindowConfig(window=5, scaler="none", difference=True))
    np.testing.assert_array_equal(w.x_test[0][:, 1], values[w.val_end - 5 : w.val_end, 1])
    np.testing.assert_array_equal(w.x_test[0][:, 0], np.diff(values[:, 0])[w.val_end - 6 : w.val_end - 1])
    assert np.isfinite(w.scaled).all()


def test_differences_on_the_shortest_series():
    """A series just long enough for the window still works with differences; one point shorter is a LabError."""
    values = np.arange(10.0) ** 2  # 10 points, window 5: 7 for training, one training window left
    w = prepare(values, WindowConfig(window=5, difference=True))
    assert len(w.y_train) == 1 and len(w.y_test) == 2
    np.testing.assert_allclose(w.test_levels(w.y_test), values[w.val_end :], atol=1e-4)
    with pytest.raises(LabError, match="too few for windows of 5 steps"):
        prepare(values[:9], WindowConfig(window=5, difference=True))


def test_seasonal_differences_are_last_seasons_changes():
    """With seasonal differences the targets are y_t - y_{t-12}, the test part's targets are the levels run's."""
    values = tiny_values(160)
    levels = prepare(values, WindowConfig(window=8))
    w = prepare(values, WindowConfig(window=8, difference="seasonal"), season_length=12)
    assert w.lag == 12 and w.difference is False
    assert (w.train_end, w.val_end, len(w.y_test)) == (levels.train_end, levels.val_end, len(levels.y_test))
    changes = values[12:] - values[:-12]  # changes[t - 12] = y_t - y_{t-12}
    np.testing.assert_allclose(w.scaler.inverse_target(w.y_test), changes[w.val_end - 12 :], atol=1e-4)
    np.testing.assert_allclose(w.scaler.inverse_target(w.y_train), changes[8 : w.train_end - 12], atol=1e-4)
    np.testing.assert_allclose(w.test_levels(w.y_test), values[w.val_end :], atol=1e-4)


def test_seasonal_differences_need_a_season():
    """Seasonal differences without a season length, or with too little left to train, are one-sentence LabErrors."""
    with pytest.raises(LabError, match="need a season length"):
        prepare(tiny_values(160), WindowConfig(window=8, difference="seasonal"))
    with pytest.raises(LabError, match="Seasonal differences of season 40 leave"):
        prepare(tiny_values(60), WindowConfig(window=8, difference="seasonal"), season_length=40)
