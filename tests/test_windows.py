"""Chronological split, scaler fit on the training part only, and windowing."""

from __future__ import annotations

import numpy as np
import pytest
from tiny import tiny_values

from lstm_core.config import WindowConfig
from lstm_core.errors import LabError
from lstm_core.windows import Scaler, make_windows, prepare, split_points


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
