"""Chronological split, a scaler fit on the training part only, and windowing.

The series (T points, F input columns, the target in column 0) is cut by time:
train = [0, train_end), validation = [train_end, val_end), test = [val_end, T).
A window of `window` past steps predicts the next target value. A window's *inputs* may
reach back into an earlier part (a test window starts in the validation part); its
*target* always lies in the part it belongs to, so no target is ever seen in training.
The scaler sees only the training part.

With `difference=True` the target column holds first differences d_t = y_t - y_{t-1}
(extra feature columns stay levels). d_0 does not exist, so the first training window
starts one step later; validation and test targets are the same positions as without
differencing, so the LSTM is scored on exactly the points the baselines are.
`Windows.test_levels` and `Windows.future_levels` map predictions back to levels.

With `difference="seasonal"` (and a season length s) the target column holds seasonal
differences y_t - y_{t-s} instead: the first s rows have none, so the first training window
starts s steps later; a prediction maps back as the actual level one season before plus the
predicted change. `Windows.lag` is the differencing lag: 0 (levels), 1 (first) or s (seasonal).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from lstm_core.config.settings import WindowConfig
from lstm_core.errors import LabError

__all__ = ["Scaler", "Windows", "difference_lag", "make_windows", "prepare", "split_points"]


@dataclass(frozen=True, eq=False)
class Scaler:
    """Per-column affine scaling: scaled = (value - offset) / scale."""

    kind: str
    offset: np.ndarray  # (F,)
    scale: np.ndarray  # (F,)

    @classmethod
    def fit(cls, kind: str, values: np.ndarray) -> Scaler:
        values = np.asarray(values, dtype=np.float64)  # (T, F)
        if kind == "minmax":
            offset = values.min(axis=0)
            scale = values.max(axis=0) - offset
        elif kind == "standard":
            offset = values.mean(axis=0)
            scale = values.std(axis=0)
        elif kind == "none":
            offset = np.zeros(values.shape[1])
            scale = np.ones(values.shape[1])
        else:
            raise LabError(f"`scaler` must be 'minmax', 'standard' or 'none'. Received: scaler={kind!r}")
        scale = np.where(scale > 0, scale, 1.0)  # a constant column stays finite
        return cls(kind=kind, offset=offset, scale=scale)

    def transform(self, values: np.ndarray) -> np.ndarray:
        return ((np.asarray(values, dtype=np.float64) - self.offset) / self.scale).astype(np.float32)  # (T, F)

    def inverse_target(self, values: np.ndarray) -> np.ndarray:
        """Scaled target values (column 0) back to the user's units."""
        return np.asarray(values, dtype=np.float64) * self.scale[0] + self.offset[0]


def split_points(length: int, config: WindowConfig) -> tuple[int, int]:
    """(train_end, val_end) for a series of `length` points; raises if a part is too small."""
    test_size = max(1, round(length * config.test_fraction))
    val_size = round(length * config.val_fraction)
    if config.val_fraction > 0:
        val_size = max(1, val_size)
    train_end = length - test_size - val_size
    val_end = length - test_size
    if train_end - config.window < 2:
        raise LabError(
            f"The series has {length} points: after keeping {val_size} for validation and {test_size} "
            f"for testing, {train_end} remain for training, too few for windows of {config.window} steps. "
            "Use a smaller window, smaller validation/test fractions, or a longer series."
        )
    return train_end, val_end


def make_windows(
    values: np.ndarray, window: int, start: int, end: int, *, horizon: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """Windows whose targets lie in positions [start, end): x (N, window, F), y (N,).

    With `horizon` H > 1 (the direct strategy) each window's target is the next H values, all inside
    [start, end): y (N, H), one window per first target in [start, end - H + 1).
    """
    last = end - horizon + 1  # one past the last first-target
    empty_y = np.empty((0,) if horizon == 1 else (0, horizon), np.float32)
    if start < window or last <= start:
        return np.empty((0, window, values.shape[1]), np.float32), empty_y
    view = np.lib.stride_tricks.sliding_window_view(values[start - window : last - 1], window, axis=0)  # (N, F, window)
    x = np.ascontiguousarray(view.transpose(0, 2, 1), dtype=np.float32)  # (N, window, F)
    if horizon == 1:
        return x, np.asarray(values[start:end, 0], dtype=np.float32)  # (N,)
    y = np.lib.stride_tricks.sliding_window_view(values[start:end, 0], horizon)  # (N, H)
    return x, np.ascontiguousarray(y, dtype=np.float32)


@dataclass(frozen=True, eq=False)
class Windows:
    """Scaled windows for each part, and what is needed to map back to the series."""

    x_train: np.ndarray  # (N_train, window, F)
    y_train: np.ndarray  # (N_train,)
    x_val: np.ndarray  # (N_val, window, F)
    y_val: np.ndarray  # (N_val,)
    x_test: np.ndarray  # (N_test, window, F)
    y_test: np.ndarray  # (N_test,)
    scaled: np.ndarray  # (T, F) the whole series as the network sees it, scaled
    scaler: Scaler
    window: int
    train_end: int
    val_end: int
    difference: bool = False  # column 0 of `scaled` holds first differences of the target
    levels: np.ndarray | None = None  # (T,) the target in user units, to map differences back to levels
    season_lag: int = 0  # > 0: column 0 holds seasonal differences y_t - y_{t-season_lag}

    @property
    def lag(self) -> int:
        """The differencing lag of the target column: 0 for levels, 1 for first, s for seasonal differences."""
        return 1 if self.difference else self.season_lag

    @property
    def n_features(self) -> int:
        return self.scaled.shape[1]

    @property
    def length(self) -> int:
        return self.scaled.shape[0]

    def for_inference(self) -> Windows:
        """These windows without the training and validation windows (a kept run needs only the test part).

        The training windows repeat each value `window` times: for a long series they are the
        largest thing a finished run would otherwise keep.
        """
        empty_x = np.empty((0, self.window, self.n_features), np.float32)  # (0, window, F)
        empty_y = np.empty((0,), np.float32)  # (0,)
        return dataclasses.replace(self, x_train=empty_x, y_train=empty_y, x_val=empty_x, y_val=empty_y)

    def test_window(self, position: int) -> np.ndarray:
        """The inputs of test window `position` (0-based within the test part): (window, F)."""
        return self.x_test[position]

    def test_levels(self, predicted: np.ndarray) -> np.ndarray:
        """Scaled one-step predictions for the test targets (N_test,) as levels in user units.

        With differences, each prediction is a change: level = the actual level one step (or one
        season) before the target + the predicted change (the (seasonal) naive forecast plus a correction).
        """
        values = self.scaler.inverse_target(predicted)  # (N_test,)
        lag = self.lag
        if not lag:
            return values
        previous = self._levels()[self.val_end - lag : self.length - lag]  # (N_test,) actual y_{t-lag}
        return previous + values

    def future_levels(self, predicted: np.ndarray) -> np.ndarray:
        """A recursive path of scaled predictions (steps,) as levels: changes add up from the last actual level.

        With seasonal differences, step h's level is the level one season before it (actual while that
        lies in the series, else the path's own earlier level) plus the predicted change.
        """
        values = self.scaler.inverse_target(predicted)  # (steps,)
        lag = self.lag
        if not lag:
            return values
        if lag == 1:
            return self._levels()[-1] + np.cumsum(values)
        path = np.concatenate([self._levels()[-lag:], np.empty(len(values))])  # (lag + steps,)
        for step, change in enumerate(values):
            path[lag + step] = path[step] + change
        return path[lag:]

    def _levels(self) -> np.ndarray:
        if self.levels is None:
            raise ValueError("These windows hold differences but not the levels needed to map them back.")
        return self.levels


def difference_lag(difference: str, season_length: int | None) -> int:
    """How far back each difference looks: 0 (none), 1 (first) or the season (seasonal); LabError (one sentence)
    for seasonal differences of a series without a season."""
    if difference == "seasonal" and not season_length:
        raise LabError(
            "Seasonal differences need a season length, and this series has none (no regular date frequency); "
            "set the season length (for example 12 for monthly data) or choose first differences."
        )
    return {"none": 0, "first": 1, "seasonal": int(season_length or 0)}[difference]


def prepare(values: np.ndarray, config: WindowConfig, *, season_length: int | None = None) -> Windows:
    """Split `values` (T, F; target in column 0) by time, scale on train only, and window.

    `season_length` is needed (and only used) for `difference="seasonal"`.
    """
    values = np.asarray(values, dtype=np.float64)  # (T, F)
    if values.ndim == 1:
        values = values[:, None]
    if not np.isfinite(values).all():
        raise LabError("The series contains missing or infinite values; clean it before windowing.")
    seasonal = config.difference == "seasonal"
    first = difference_lag(config.difference, season_length)  # rows without a difference
    train_end, val_end = split_points(len(values), config)
    if seasonal and train_end - config.window - first < 2:
        raise LabError(
            f"Seasonal differences of season {first} leave {max(train_end - config.window - first, 0)} training "
            f"windows of {config.window} steps (the first season has no differences); use a smaller window, "
            "a longer series or first differences."
        )
    # With differences the first `first` rows have no difference: left out of the scaler's fit, read by no window.
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is checked just below, as one sentence
        inputs = take_differences(values, first) if first else values  # (T, F)
        scaler = Scaler.fit(config.scaler, inputs[first:train_end])
        scaled = scaler.transform(inputs)  # (T, F)
    if not (np.isfinite(scaler.scale).all() and np.isfinite(scaler.offset).all() and np.isfinite(scaled).all()):
        largest = float(np.max(np.abs(values)))
        raise LabError(
            f"The values are too large to train on (largest magnitude {largest:.3g}); "
            "rescale the column (for example divide it by a power of ten) and load it again."
        )
    # The first training target moves one step later with differences (its inputs must start at d_1);
    # split_points leaves at least two training targets, so one always remains.
    x_train, y_train = make_windows(scaled, config.window, config.window + first, train_end)
    x_val, y_val = make_windows(scaled, config.window, train_end, val_end)
    x_test, y_test = make_windows(scaled, config.window, val_end, len(values))
    return Windows(
        x_train=x_train,
        y_train=y_train,
        x_val=x_val,
        y_val=y_val,
        x_test=x_test,
        y_test=y_test,
        scaled=scaled,
        scaler=scaler,
        window=config.window,
        train_end=train_end,
        val_end=val_end,
        difference=config.difference == "first",
        levels=values[:, 0].copy(),
        season_lag=first if seasonal else 0,
    )


def take_differences(values: np.ndarray, lag: int = 1) -> np.ndarray:
    """`values` (T, F) with column 0 replaced by y_t - y_{t-lag}; the first `lag` rows get a placeholder 0.

    Those differences do not exist. A zero keeps the array finite (callers check that); no window reads them.
    """
    out = values.copy()  # (T, F)
    out[lag:, 0] = values[lag:, 0] - values[:-lag, 0]
    out[:lag, 0] = 0.0
    return out
