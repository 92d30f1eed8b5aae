"""One network over many series (a global model), with a direct multi-step head, and the same network per series.

`global_forecast(trains, horizon, config)` takes each series' training part only (so no test value can reach it)
and returns the H-step forecast from the end of every training part, (S, H), in each series' units:

- Each series is transformed by its own training part: the logarithm when that part is strictly positive, else
  division by its standard deviation; then each window by its own level (the mean of its inputs is subtracted
  from inputs and targets, and added back to the outputs), as Hewamalage, Bergmeir and Bandara (IJF 2021) do.
- Training windows: `window` inputs and the next H values as targets, all targets inside the series' fitting part
  (its training part less the last H steps). A series too short for a few windows is padded on the left with its
  first value (at most `window - 1` steps, so every target is a real value).
- Fair sampling: every series gives the same number of training windows (`windows_per_series`: drawn without
  replacement when it has more, repeated when it has fewer), so a long series does not drown the short ones.
- Validation: each series' last H training steps, forecast from the window before them; early stopping
  (`config.train.patience`) keeps the weights with the lowest validation loss. No refit: the test part is
  forecast by that network from the end of each training part.
- A direct head: one output per horizon step (nn.keras_model.build_model's `outputs`). A seed ensemble
  (`config.train.seeds`) averages its members' forecasts.

`local_forecast(trains, horizon, config)` trains the same network on each series alone (all its windows) and
returns the same (S, H) array. Progress is reported through `on_epoch` (nn.train's EpochReport) and `on_series`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from lstm_core.config.settings import ExperimentConfig
from lstm_core.data.windows import Scaler, Windows
from lstm_core.errors import LabError
from lstm_core.forecast.multistep import trained_members
from lstm_core.nn.gates import predict, single_blas_thread

__all__ = [
    "GlobalFit",
    "SeriesTransform",
    "global_forecast",
    "local_forecast",
    "min_training_length",
    "series_windows",
]

MIN_WINDOWS = 4  # training windows a series should give before it is padded


def min_training_length(horizon: int) -> int:
    """The shortest training part the networks can use: H validation steps and at least one window of H targets."""
    return 2 * horizon + 1


@dataclass(frozen=True)
class SeriesTransform:
    """log(y) for a strictly positive training part, else y / sd; fitted on the training part only."""

    log: bool
    scale: float

    @classmethod
    def fit(cls, fitting: np.ndarray) -> SeriesTransform:
        fitting = np.asarray(fitting, dtype=np.float64)
        if np.all(fitting > 0):
            return cls(log=True, scale=1.0)
        sd = float(np.std(fitting))
        return cls(log=False, scale=sd if sd > 0 else 1.0)

    def forward(self, values: np.ndarray) -> np.ndarray:
        values = np.asarray(values, dtype=np.float64)
        return np.log(values) if self.log else values / self.scale

    def inverse(self, values: np.ndarray) -> np.ndarray:
        values = np.asarray(values, dtype=np.float64)
        return np.exp(np.clip(values, -700, 700)) if self.log else values * self.scale


@dataclass(frozen=True, eq=False)
class SeriesWindows:
    """One series' windows, level-normalised: training (N, W, 1) -> (N, H), validation and forecast (1, W, 1)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_forecast: np.ndarray
    forecast_level: float
    transform: SeriesTransform


@dataclass(frozen=True, eq=False)
class GlobalFit:
    """The forecasts (S, H) in each series' units, and how training went."""

    forecasts: np.ndarray
    epochs_run: int
    train_seconds: float
    stop_reason: str
    windows: int  # training windows per epoch


def series_windows(train: np.ndarray, horizon: int, window: int) -> SeriesWindows:
    """The windows of one series' training part (see the module docstring); raises if it is too short."""
    train = np.asarray(train, dtype=np.float64)  # (n,)
    n, h = len(train), horizon
    transform = SeriesTransform.fit(train[: n - h])
    values = transform.forward(train)  # (n,)
    fitting = n - h
    pad = int(min(window - 1, max(0, window + h + MIN_WINDOWS - 1 - fitting)))
    padded = np.concatenate([np.full(pad, values[0]), values])  # (pad + n,)
    end = pad + fitting  # one past the last fitting target
    starts = np.arange(0, end - window - h + 1)  # (N,)
    if not len(starts):
        raise LabError(
            f"A training part of {n} values is too short for a validation part and training targets of {h} steps "
            f"each (it needs at least {min_training_length(h)})."
        )
    x = padded[starts[:, None] + np.arange(window)]  # (N, W)
    y = padded[starts[:, None] + window + np.arange(h)]  # (N, H)
    level = x.mean(axis=1, keepdims=True)  # (N, 1)
    x_val = padded[end - window : end]  # (W,)
    y_val = padded[end : end + h]  # (H,) the last H training values
    x_last = padded[-window:]  # (W,)
    return SeriesWindows(
        x_train=(x - level)[:, :, None].astype(np.float32),  # (N, W, 1)
        y_train=(y - level).astype(np.float32),  # (N, H)
        x_val=(x_val - x_val.mean())[None, :, None].astype(np.float32),  # (1, W, 1)
        y_val=(y_val - x_val.mean())[None].astype(np.float32),  # (1, H)
        x_forecast=(x_last - x_last.mean())[None, :, None].astype(np.float32),  # (1, W, 1)
        forecast_level=float(x_last.mean()),
        transform=transform,
    )


def global_forecast(
    trains: Sequence[np.ndarray],
    horizon: int,
    config: ExperimentConfig,
    *,
    windows_per_series: int = 48,
    on_epoch: Callable | None = None,
) -> GlobalFit:
    """One network over every series' windows; the H-step forecast from the end of each training part: (S, H)."""
    parts = [series_windows(train, horizon, config.windows.window) for train in trains]
    rng = np.random.default_rng(config.train.seed)
    x_train, y_train = [], []
    for part in parts:
        count = len(part.x_train)
        chosen = rng.choice(count, size=windows_per_series, replace=count < windows_per_series)
        x_train.append(part.x_train[chosen])
        y_train.append(part.y_train[chosen])
    order = rng.permutation(sum(len(x) for x in x_train))
    x = np.concatenate(x_train)[order]  # (S·K, W, 1)
    y = np.concatenate(y_train)[order]  # (S·K, H)
    return _fit_and_forecast(parts, x, y, horizon, config, on_epoch)


def local_forecast(
    trains: Sequence[np.ndarray],
    horizon: int,
    config: ExperimentConfig,
    *,
    on_epoch: Callable | None = None,
    on_series: Callable[[int, int], None] | None = None,
) -> GlobalFit:
    """The same network trained on each series alone (all its windows): (S, H)."""
    forecasts, epochs, seconds, windows = [], 0, 0.0, 0
    reason = ""
    for number, train in enumerate(trains):
        part = series_windows(train, horizon, config.windows.window)
        fit = _fit_and_forecast([part], part.x_train, part.y_train, horizon, config, on_epoch)
        forecasts.append(fit.forecasts[0])
        epochs, seconds, windows, reason = (
            epochs + fit.epochs_run,
            seconds + fit.train_seconds,
            windows + fit.windows,
            fit.stop_reason,
        )
        if on_series is not None:
            on_series(number + 1, len(trains))
    count = max(len(trains), 1)
    return GlobalFit(np.array(forecasts), round(epochs / count), seconds, reason, round(windows / count))


def _fit_and_forecast(
    parts: list[SeriesWindows], x: np.ndarray, y: np.ndarray, horizon: int, config: ExperimentConfig, on_epoch
) -> GlobalFit:
    from lstm_core.nn.train import train

    windows = Windows(
        x_train=x,
        y_train=y,
        x_val=np.concatenate([part.x_val for part in parts]),  # (S, W, 1)
        y_val=np.concatenate([part.y_val for part in parts]),  # (S, H)
        x_test=np.empty((0, config.windows.window, 1), np.float32),
        y_test=np.empty((0, horizon), np.float32),
        scaled=np.zeros((1, 1), np.float32),
        scaler=Scaler(kind="none", offset=np.zeros(1), scale=np.ones(1)),
        window=config.windows.window,
        train_end=0,
        val_end=0,
    )
    result = train(windows, config, on_epoch=on_epoch)
    if str(result.stop_reason) == "nan":
        raise LabError(result.message)
    x_forecast = np.concatenate([part.x_forecast for part in parts])  # (S, W, 1)
    members = trained_members(result)
    with single_blas_thread():
        scaled = np.mean([predict(x_forecast, m, limit_blas=False, all_outputs=True) for m in members], axis=0)
    forecasts = np.array(
        [part.transform.inverse(scaled[k] + part.forecast_level) for k, part in enumerate(parts)]
    )  # (S, H)
    return GlobalFit(forecasts, result.epochs_run, result.train_seconds, str(result.stop_reason), len(x))
