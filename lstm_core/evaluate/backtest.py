"""Walk-forward backtest: forecast H steps from many origins, each fold seeing only its past.

Origins run from `start` (a fraction of the series or a date) to the last origin with H actual
values after it, every `stride` steps. Fold k forecasts positions o_k .. o_k+H-1 with the LSTM, the
naive, seasonal-naive and drift forecasts, ETS and Theta, each from the data before o_k only.

- retrain "never": one training on the data before the first origin (its scaler fit on that part's
  training share only), then every fold's forecast in one batched pass of the NumPy kernel.
- retrain every K folds: a new training (and a new scaler) on the data before that group's first
  origin, all of it ("expanding") or the most recent part of the first training's length ("sliding").
- Bands: split conformal per horizon step (intervals.py) from the absolute errors of rolling-origin
  forecasts made after the training part — origins in the first training's validation share, then
  earlier folds — using only forecasts whose whole horizon ended before the fold's origin.

- ETS and Theta (`scoring.statistical`) are fitted when the LSTM is trained, on the same data (everything before
  the group's first origin, or the sliding part); each fold of the group then forecasts H steps from its own
  origin with those parameters, smoothing on over the actual values before that origin. So both sides of a
  comparison know the same values and refit equally often.

Every number of a fold (inputs, scaling, differences, prediction, band) depends only on values before
its origin; tests/evaluate/test_backtest.py changes the future and checks that earlier folds stay identical.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from lstm_core.config.backtest import BacktestConfig
from lstm_core.config.settings import ExperimentConfig
from lstm_core.data.dataset import Dataset
from lstm_core.data.fingerprint import fingerprint
from lstm_core.data.windows import Scaler, Windows, difference_lag, make_windows, take_differences
from lstm_core.errors import LabError
from lstm_core.evaluate.summary import summarise
from lstm_core.forecast.multistep import Inputs, forecast_from, trained_members
from lstm_core.forecast.season import season_length
from lstm_core.nn.stop_reason import StopReason
from lstm_core.scoring import baselines, statistical
from lstm_core.scoring.columns import MODELS, STATISTICAL, ForecastColumn, lower_column, upper_column
from lstm_core.scoring.conformal import rolling_bands

__all__ = ["MAX_TRAININGS", "Backtest", "FoldReport", "first_origin", "plan_origins", "run_backtest"]

MAX_TRAININGS = 100  # retraining every fold of a long backtest would hold a shared server for hours


@dataclass(frozen=True)
class FoldReport:
    fold: int  # 1-based
    folds: int
    origin: Any  # the origin's time (or step)
    retrained: bool  # a training ended just before this fold
    elapsed: float


@dataclass(eq=False)
class Backtest:
    config: ExperimentConfig
    backtest: BacktestConfig
    dataset_name: str
    frame: pd.DataFrame  # one row per fold and step: fold, origin, step, time, actual, models, lower_/upper_<L>
    summary: dict[str, Any]  # backtest_metrics.json
    origins: np.ndarray  # (K,) positions of the folds' origins
    stop_reason: StopReason  # COMPLETED or STOPPED
    notes: tuple[str, ...] = field(default_factory=tuple)
    data_fingerprint: str = ""  # of the series backtested (fingerprint.fingerprint), for config.json

    @property
    def folds(self) -> int:
        return len(self.origins)


def first_origin(index: pd.Index, backtest: BacktestConfig) -> int:
    """The position of the first origin: `start` as a fraction of the series, or the first date on or after it."""
    fraction = backtest.start_fraction
    if fraction is not None:
        return round(len(index) * fraction)
    if not isinstance(index, pd.DatetimeIndex):
        raise LabError(
            f"`start` is a date ({backtest.start}) but the series has no dates; give a fraction such as 0.7."
        )
    return int(index.searchsorted(pd.Timestamp(backtest.start)))


def plan_origins(length: int, start: int, horizon: int, stride: int) -> np.ndarray:
    """Origins start, start + stride, ... while H actual values follow: (K,)."""
    left = length - start
    if horizon > left:
        raise LabError(
            f"`horizon` ({horizon}) is longer than the {max(left, 0)} points left after the start; "
            "choose a shorter horizon or an earlier start."
        )
    return np.arange(start, length - horizon + 1, stride, dtype=np.int64)


def run_backtest(
    dataset: Dataset,
    config: ExperimentConfig,
    backtest: BacktestConfig,
    *,
    on_fold: Callable[[FoldReport], None] | None = None,
    on_epoch: Callable | None = None,
    on_batch: Callable | None = None,
    should_stop: Callable[[], bool] | None = None,
    statistical: bool = True,
) -> Backtest:
    """Run the walk-forward backtest; raises LabError for bad input before any training.

    `statistical=False` leaves out ETS and Theta (their columns empty, their scores None): for a sweep's
    objective, which reads the LSTM's errors only.
    """
    from lstm_core.nn.keras_model import release_model
    from lstm_core.nn.train import train

    started = time.perf_counter()
    values = _checked(dataset.values)  # (T, F)
    levels = values[:, 0].copy()  # (T,)
    horizon, strategy = backtest.horizon, backtest.strategy
    season = season_length(dataset, config)
    lag = difference_lag(config.windows.difference, season)
    if strategy == "recursive" and values.shape[1] > 1:
        raise LabError(
            "A recursive backtest needs the future values of the extra input columns, which are unknown; "
            "choose the direct strategy or leave out the extra columns."
        )
    origins = plan_origins(len(values), first_origin(dataset.frame.index, backtest), horizon, backtest.stride)
    every = backtest.retrain_every or len(origins)
    groups = [np.arange(k, min(k + every, len(origins))) for k in range(0, len(origins), every)]
    if len(groups) > MAX_TRAININGS:
        raise LabError(
            f"Retraining every {every} fold(s) means {len(groups)} trainings; at most {MAX_TRAININGS} are allowed. "
            "Retrain less often, use a larger stride, or a later start."
        )
    transformed = take_differences(values, lag) if lag else values  # (T, F): differences look back only
    span = int(origins[0])  # a sliding training part keeps the first training's length
    _training_part(transformed, 0, span, span, config, horizon, strategy, lag)  # bad input fails here

    predictions = np.full((len(origins), horizon), np.nan)  # (K, H)
    calibration: list[tuple[int, np.ndarray]] = []  # (position where its horizon ends, |errors| (H,))
    done, stop_reason, train_seconds = 0, StopReason.COMPLETED, 0.0
    lows: list[int] = []  # where each training's data begins
    for number, group in enumerate(groups):
        origin = int(origins[group[0]])
        low = 0 if backtest.window_type == "expanding" else origin - span
        lows.append(low)
        until = int(origins[group[-1]])  # the group's forecasts read inputs before their origins only
        windows, inputs = _training_part(transformed, low, origin, until, config, horizon, strategy, lag, levels)
        result = train(windows, config, on_epoch=on_epoch, on_batch=on_batch, should_stop=should_stop)
        train_seconds += result.train_seconds
        members = trained_members(result)
        release_model(result.model)  # the weights are read; its traced graphs would outlive it (model.py)
        if result.stop_reason == StopReason.NAN:
            raise LabError(result.message)
        if number == 0:  # rolling-origin forecasts on the validation share: the first calibration errors
            starts = np.arange(windows.train_end, origin - horizon + 1)
            if len(starts):
                forecasts = forecast_from(members, inputs, starts, horizon, strategy=strategy)  # (C, H)
                actual = levels[starts[:, None] + np.arange(horizon)]  # (C, H)
                calibration += list(zip((starts + horizon).tolist(), np.abs(actual - forecasts), strict=True))
        predictions[group] = forecast_from(members, inputs, origins[group], horizon, strategy=strategy)
        for position, k in enumerate(group):
            done = int(k) + 1
            if on_fold is not None:
                at = dataset.frame.index[origins[k]]
                on_fold(FoldReport(done, len(origins), at, position == 0, time.perf_counter() - started))
        if result.stop_reason == StopReason.STOPPED or (should_stop is not None and should_stop()):
            stop_reason = StopReason.STOPPED
            break

    origins, predictions = origins[:done], predictions[:done]
    steps = np.arange(horizon)
    actual = levels[origins[:, None] + steps]  # (K, H)
    calibration += list(zip((origins + horizon).tolist(), np.abs(actual - predictions), strict=True))
    forecasts = {ForecastColumn.LSTM: predictions, **_baselines(levels, origins, horizon, season)}
    trained = [(low, group[group < done]) for low, group in zip(lows, groups, strict=False)]
    fitted, models = _statistical(levels, origins, trained, horizon, season, statistical)
    forecasts.update(fitted)
    levels_wanted = config.forecast.levels
    lower, upper = rolling_bands(predictions, origins, calibration, levels_wanted)  # (L, K, H) each

    index = dataset.frame.index
    frame = pd.DataFrame(
        {
            ForecastColumn.FOLD: np.repeat(np.arange(1, done + 1), horizon),
            ForecastColumn.ORIGIN: np.repeat(index[origins], horizon),
            ForecastColumn.STEP: np.tile(steps + 1, done),
            ForecastColumn.TIME: index[(origins[:, None] + steps).ravel()],
            ForecastColumn.ACTUAL: actual.ravel(),
            **{model: forecasts[model].ravel() for model in MODELS},
        }
    )
    for k, level in enumerate(levels_wanted):
        frame[lower_column(level)] = lower[k].ravel()
        frame[upper_column(level)] = upper[k].ravel()
    summary, notes = summarise(
        actual=actual,
        forecasts=forecasts,
        lower=lower,
        upper=upper,
        levels=levels_wanted,
        history=[levels[:o] for o in origins],
        season_length=season,
    )
    summary.update(
        seeds=config.train.seeds,
        notes=notes,
        horizon=horizon,
        stride=backtest.stride,
        strategy=strategy,
        retrain=backtest.retrain,
        window_type=backtest.window_type,
        trainings=min(len(groups), number + 1) if len(groups) else 0,
        train_seconds=round(train_seconds, 4),
        seconds=round(time.perf_counter() - started, 4),
        season_length=season,
        statistical_models=models,
        stop_reason=stop_reason,
        calibration="absolute errors of rolling-origin forecasts after the training part (its validation share, "
        "then earlier folds), only those whose horizon ended before each fold's origin",
    )
    return Backtest(
        config, backtest, dataset.name, frame, summary, origins, stop_reason, tuple(notes), fingerprint(dataset)
    )


def _checked(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64)
    if values.ndim == 1:
        values = values[:, None]
    if not np.isfinite(values).all():
        raise LabError("The series contains missing or infinite values; clean it before a backtest.")
    return values


def _training_part(
    transformed: np.ndarray,
    low: int,
    high: int,
    until: int,
    config: ExperimentConfig,
    horizon: int,
    strategy: str,
    lag: int,
    levels: np.ndarray | None = None,
) -> tuple[Windows, Inputs]:
    """Windows of [low, high) split into training and validation shares, scaled on the training share only;
    and the network's inputs up to `until` (the last origin it forecasts from), scaled the same way."""
    window, length = config.windows.window, high - low
    val_size = max(1, round(length * config.windows.val_fraction)) if config.windows.val_fraction > 0 else 0
    train_end = high - val_size
    first = max(0, lag - low)  # rows before `lag` hold no difference: no window reads them
    targets = horizon if strategy == "direct" else 1
    if train_end - (low + window + first) - targets + 1 < 2:
        raise LabError(
            f"The start leaves {length} points for training ({train_end - low} after the validation share), too few "
            f"for windows of {window} steps{' and ' + str(horizon) + ' targets' if targets > 1 else ''}; choose a "
            "later start, a smaller window or a shorter horizon."
        )
    scaler = Scaler.fit(config.windows.scaler, transformed[low + first : train_end])
    with np.errstate(over="ignore", invalid="ignore"):
        scaled = scaler.transform(transformed[:until])  # (until, F): nothing at or after the last origin
    if not np.isfinite(scaled).all():
        raise LabError(
            "The values are too large to train on; rescale the column (for example divide it by a power of ten) "
            "and load it again."
        )
    x_train, y_train = make_windows(scaled, window, low + window + first, train_end, horizon=targets)
    x_val, y_val = make_windows(scaled, window, max(train_end, low + window + first), high, horizon=targets)
    empty_x, empty_y = np.empty((0, window, scaled.shape[1]), np.float32), np.empty((0,), np.float32)
    windows = Windows(x_train, y_train, x_val, y_val, empty_x, empty_y, scaled, scaler, window, train_end, high)
    level_values = np.zeros(until) if levels is None else levels[:until]
    return windows, Inputs(scaled, level_values, scaler, window, lag)


def _baselines(
    levels: np.ndarray, origins: np.ndarray, horizon: int, season: int | None
) -> dict[ForecastColumn, np.ndarray]:
    naive = np.array([baselines.naive_future(levels[:o], horizon) for o in origins]).reshape(-1, horizon)
    drift = np.array([baselines.drift_future(levels[:o], horizon) for o in origins]).reshape(-1, horizon)
    seasonal = np.full((len(origins), horizon), np.nan)
    for k, o in enumerate(origins):
        path = baselines.seasonal_naive_future(levels[:o], horizon, season) if season else None
        if path is not None:
            seasonal[k] = path
    return {ForecastColumn.NAIVE: naive, ForecastColumn.SEASONAL_NAIVE: seasonal, ForecastColumn.DRIFT: drift}


def _statistical(
    levels: np.ndarray,
    origins: np.ndarray,
    trained: list[tuple[int, np.ndarray]],
    horizon: int,
    season: int | None,
    wanted: bool,
) -> tuple[dict[ForecastColumn, np.ndarray], dict[str, list[str | None]] | None]:
    """ETS and Theta per training: fitted on [low, the group's first origin), then each fold's forecast: (K, H).

    Also what was fitted, per training ({"ets": ["ETS(M,A,M)", ...], "theta": [...]}); None when not `wanted`.
    """
    paths = {model: np.full((len(origins), horizon), np.nan) for model in STATISTICAL}
    if not wanted:
        return paths, None
    names: dict[str, list[str | None]] = {str(model): [] for model in STATISTICAL}
    for low, folds in trained:
        if not len(folds):
            continue
        first = int(origins[folds[0]])
        for model, fit in statistical.fit_baselines(levels[low:first], season).items():
            names[str(model)].append(None if fit is None else fit.name)
            if fit is not None:
                paths[model][folds] = fit.forecasts(levels[low:], origins[folds] - low, horizon)  # (k, H)
    return paths, names
