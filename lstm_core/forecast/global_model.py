"""One network over many series (a global model), with a direct multi-step head, and the same network per series.

`global_forecast(trains, horizon, config)` takes each series' training part only (so no test value can reach it)
and returns the H-step forecast from the end of every training part, (S, H), in each series' units:

- Each series is divided by a scale from its own training part: the in-sample MAE of its seasonal naive forecast
  (MASE's scale, so the loss weighs every series as the benchmark scores it). A window's inputs are normalised by
  their own level (their mean is subtracted, as Hewamalage, Bergmeir and Bandara, IJF 2021, normalise), and its
  targets are the corrections to a base forecast from the window's end, so a network that outputs zeros is its base
  (the residual learning of Smyl's ES-RNN and of hybrid models). Two bases (`BASES`):
  `seasonal_naive`, the window's own last season (the last value without a season or with a window shorter than
  the season), and `theta`, the Theta method fitted on the series' fitting part only (scoring.statistical;
  parameters held at that fit, each forecast reading only the values before its origin). `base="auto"` (the
  default) trains one network on each and keeps the one whose forecasts of the validation parts have the lower mean
  MASE: chosen from the data, never from the collection's name. (Tried first on 40 Tourism monthly series: a
  logarithm, and then targets less the window's level, left the network at a MASE of about 2.2 against seasonal
  naive's 1.40, while a linear model on the same windows reached 1.26. On 200 M3 monthly series the seasonal naive
  base left the network at sMAPE 16.7, Theta's at 13.4, Theta itself 13.3; on 120 Tourism monthly series the
  seasonal naive base reached MASE 1.54, Theta's 1.77: the validation parts chose the better one on both.)
- Training windows: `window` inputs and the next H values as targets, all targets inside the series' fitting part
  (its training part less the last H steps). A series too short for a few windows is padded on the left with its
  first value (at most `window - 1` steps, so every target is a real value).
- Fair sampling: every series gives the same number of training windows (`windows_per_series`: drawn without
  replacement when it has more, repeated when it has fewer), so a long series does not drown the short ones.
- Validation: each series' last H training steps, forecast from the window before them; early stopping
  (`config.train.patience`) keeps the weights with the lowest validation loss. No refit: the test part is
  forecast by that network from the end of each training part.
- A direct head: one output per horizon step (nn.keras_model.build_model's `outputs`); `head="recursive"`: one
  output, the next step, rolled forward H steps on its own predictions (forecast.recursive_head). A seed ensemble
  (`config.train.seeds`) takes the median of its members' forecasts; each member's forecasts are kept
  (`GlobalFit.member_forecasts`) for the spread across seeds, and the validation errors in scaled units
  (`val_errors`, with each series' `scales`) for conformal bands (forecast.collection_bands).
- Optional inputs known in advance (`covariates`, forecast.covariates): the calendar of the target steps and a
  fixed code per series, beside each input step. `series_embedding=D`: a trained series-id embedding instead (or
  beside): each window carries its series' id, which the network's first layer replaces by a learned D-vector
  (nn.series_embedding); the forecasts in NumPy feed that vector as a per-step input, as a fixed code is fed
  (`GlobalFit.embedding` keeps the table).

`local_forecast(trains, horizon, config)` trains the same network on each series alone (all its windows) and
returns the same (S, H) array. Progress is reported through `on_epoch` (nn.train's EpochReport) and `on_series`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from lstm_core.config.benchmark import BASES
from lstm_core.config.settings import ExperimentConfig
from lstm_core.data.windows import Scaler, Windows
from lstm_core.errors import LabError
from lstm_core.forecast.covariates import with_series_ids
from lstm_core.forecast.multistep import trained_members
from lstm_core.forecast.recursive_head import HEADS, OneStepWindows, fit_and_roll, one_step_windows
from lstm_core.forecast.training_length import MIN_WINDOWS, check_training_length
from lstm_core.nn.gates import predict, single_blas_thread
from lstm_core.nn.series_embedding import embedded
from lstm_core.nn.weights import NetworkWeights

__all__ = [
    "BASES",
    "GlobalFit",
    "SeriesTransform",
    "global_forecast",
    "local_forecast",
    "series_windows",
]


@dataclass(frozen=True)
class SeriesTransform:
    """y / scale, the scale the in-sample MAE of the seasonal naive forecast over the fitting part (MASE's scale)."""

    scale: float

    @classmethod
    def fit(cls, fitting: np.ndarray, season_length: int = 1) -> SeriesTransform:
        fitting = np.asarray(fitting, dtype=np.float64)  # (n,)
        m = max(int(season_length), 1) if len(fitting) > max(int(season_length), 1) else 1
        scale = float(np.mean(np.abs(fitting[m:] - fitting[:-m]))) if len(fitting) > m else 0.0
        if not scale > 0:  # a flat or periodic part: its spread, else 1
            scale = float(np.std(fitting)) or 1.0
        return cls(scale=scale)

    def forward(self, values: np.ndarray) -> np.ndarray:
        return np.asarray(values, dtype=np.float64) / self.scale

    def inverse(self, values: np.ndarray) -> np.ndarray:
        return np.asarray(values, dtype=np.float64) * self.scale


@dataclass(frozen=True, eq=False)
class SeriesWindows:
    """One series' windows, level-normalised: training (N, W, 1) -> (N, H), validation and forecast (1, W, 1)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_forecast: np.ndarray
    forecast_base: np.ndarray  # (H,) the forecast window's seasonal naive forecast, scaled
    transform: SeriesTransform


@dataclass(frozen=True, eq=False)
class GlobalFit:
    """The forecasts (S, H) in each series' units, and how training went."""

    forecasts: np.ndarray
    epochs_run: int
    train_seconds: float
    stop_reason: str
    windows: int  # training windows per epoch
    base: str = "seasonal_naive"  # the forecast whose correction the network learned (`BASES`)
    val_mase: float = float("nan")  # the mean over series of the MASE of its forecast of the validation part
    tried: dict[str, float] | None = None  # base="auto": each base's val_mase
    val_errors: np.ndarray | None = None  # (S, H) actual - forecast of each validation part, scaled (MASE's units)
    scales: np.ndarray | None = None  # (S,) each series' scale (SeriesTransform.scale)
    member_forecasts: np.ndarray | None = None  # (M, S, H) each seed's forecast in each series' units
    head: str = "direct"  # one output per horizon step, or "recursive": one step rolled forward (`HEADS`)
    embedding: np.ndarray | None = None  # (S, D) the learned series embedding (series_embedding > 0)
    weights: NetworkWeights | None = None  # the first seed's network (member 0) as NumPy: what a look inside reads
    probe_windows: np.ndarray | None = None  # (S, W, F) each series' forecast window, as the network reads it


def series_windows(
    train: np.ndarray,
    horizon: int,
    window: int,
    season_length: int = 1,
    base: str = "seasonal_naive",
    *,
    covariates: np.ndarray | None = None,
) -> SeriesWindows:
    """The windows of one series' training part (see the module docstring); raises if it is too short.

    `base`: the forecast whose correction the network learns, "seasonal_naive" (each window's last season) or
    "theta" (the Theta method fitted on the fitting part only, forecasting from each window's end).
    `covariates`: (n + H, F) inputs known in advance for every step of the training part and the H steps after it
    (the calendar, a series code; never a value). Input step i of a window starting at time t carries the
    covariates of time t + i + H, so a window's last H steps carry its target steps' (forecast/covariates.py)."""
    if base not in BASES:
        raise ValueError(f"`base` must be one of {', '.join(BASES)}. Received: base={base!r}")
    train = np.asarray(train, dtype=np.float64)  # (n,)
    n, h = len(train), horizon
    check_training_length(n, h)
    transform = SeriesTransform.fit(train[: n - h], season_length)
    values = transform.forward(train)  # (n,)
    fitting = n - h
    pad = int(min(window - 1, max(0, window + h + MIN_WINDOWS - 1 - fitting)))
    padded = np.concatenate([np.full(pad, values[0]), values])  # (pad + n,)
    end = pad + fitting  # one past the last fitting target
    starts = np.arange(0, end - window - h + 1)  # (N,) at least one: the fitting part holds H targets and a value
    x = padded[starts[:, None] + np.arange(window)]  # (N, W)
    y = padded[starts[:, None] + window + np.arange(h)]  # (N, H)
    x_val = padded[None, end - window : end]  # (1, W)
    y_val = padded[None, end : end + h]  # (1, H) the last H training values
    x_last = padded[None, -window:]  # (1, W)
    m = season_length if 1 < season_length <= window else 1
    if base == "theta":
        # origins in the unpadded frame: a training window ends at starts + window - pad, validation at `fitting`
        bases = _theta_bases(values, fitting, season_length, starts + window - pad, h)  # (N + 2, H)
        train_base, val_base, last_base = bases[:-2], bases[-2:-1], bases[-1]
    else:
        train_base, val_base, last_base = _base(x, h, m), _base(x_val, h, m), _base(x_last, h, m)[0]
    if covariates is not None:
        known = np.asarray(covariates, dtype=np.float64).reshape(n + h, -1)  # (n + H, F)

        def extra(first: np.ndarray) -> np.ndarray:  # windows starting at padded positions `first` -> (N, W, F)
            times = np.clip(first[:, None] + np.arange(window) - pad + h, 0, n + h - 1)  # (N, W)
            return known[times]

        lasts = np.array([end - window]), np.array([len(padded) - window])
        return SeriesWindows(
            x_train=_with(_inputs(x), extra(starts)),  # (N, W, 1 + F)
            y_train=(y - train_base).astype(np.float32),
            x_val=_with(_inputs(x_val), extra(lasts[0])),
            y_val=(y_val - val_base).astype(np.float32),
            x_forecast=_with(_inputs(x_last), extra(lasts[1])),
            forecast_base=last_base,
            transform=transform,
        )
    return SeriesWindows(
        x_train=_inputs(x),  # (N, W, 1)
        y_train=(y - train_base).astype(np.float32),  # (N, H)
        x_val=_inputs(x_val),  # (1, W, 1)
        y_val=(y_val - val_base).astype(np.float32),  # (1, H)
        x_forecast=_inputs(x_last),  # (1, W, 1)
        forecast_base=last_base,  # (H,)
        transform=transform,
    )


def _theta_bases(values: np.ndarray, fitting: int, season_length: int, origins: np.ndarray, h: int) -> np.ndarray:
    """Theta's forecasts (scaled) from each training origin, the validation origin and the end: (N + 2, H).

    Fitted on the fitting part only (its validation part unseen); each forecast reads only the values before its
    origin, the parameters held at that fit. Where Theta cannot be fitted, the last value (naive) stands in."""
    from lstm_core.scoring.statistical import fit_theta

    every = np.concatenate([origins, [fitting, len(values)]]).astype(np.int64)  # (N + 2,)
    fit = fit_theta(values[:fitting], season_length if season_length > 1 else None)
    if fit is not None:
        paths = fit.forecasts(values, every, h)  # (N + 2, H)
        if np.isfinite(paths).all():
            return paths
    return np.repeat(values[every - 1][:, None], h, axis=1)


def _inputs(x: np.ndarray) -> np.ndarray:
    """Windows (N, W) less their own level (the mean of their values): (N, W, 1) float32."""
    return (x - x.mean(axis=1, keepdims=True))[:, :, None].astype(np.float32)


def _with(values: np.ndarray, known: np.ndarray) -> np.ndarray:
    """Level-normalised values (N, W, 1) beside the covariates (N, W, F): (N, W, 1 + F) float32."""
    return np.concatenate([values, known.astype(np.float32)], axis=2)


def _base(x: np.ndarray, horizon: int, season: int) -> np.ndarray:
    """The (seasonal) naive forecast of each window (N, W): its last season repeated, (N, H)."""
    width = x.shape[1]
    return x[:, width - season + np.arange(horizon) % season]  # (N, H)


def global_forecast(
    trains: Sequence[np.ndarray],
    horizon: int,
    config: ExperimentConfig,
    *,
    seasons: Sequence[int] | None = None,
    windows_per_series: int = 48,
    base: str = "auto",
    covariates: Sequence[np.ndarray | None] | None = None,
    head: str = "direct",
    series_embedding: int = 0,
    on_epoch: Callable | None = None,
) -> GlobalFit:
    """One network over every series' windows; the H-step forecast from the end of each training part: (S, H).

    `base`: "seasonal_naive", "theta" or "auto": a network learns the correction to each, and the one whose
    forecasts of the series' validation parts have the lower mean MASE is kept (test parts are never read).
    `covariates`: per series, (n + H, F) inputs known in advance (see `series_windows`), the same F for all.
    `head`: "direct" (one output per horizon step) or "recursive" (one step, rolled forward H steps).
    `series_embedding`: D > 0 learns a D-vector per series (see the module docstring)."""
    if head not in HEADS:
        raise ValueError(f"`head` must be one of {', '.join(HEADS)}. Received: head={head!r}")
    covariates = covariates or [None] * len(trains)
    seasons = seasons or [1] * len(trains)
    if base == "auto":
        fits = [
            global_forecast(
                trains,
                horizon,
                config,
                seasons=seasons,
                windows_per_series=windows_per_series,
                base=name,
                covariates=covariates,
                head=head,
                series_embedding=series_embedding,
                on_epoch=on_epoch,
            )
            for name in BASES
        ]
        best = min(fits, key=lambda fit: fit.val_mase)
        seconds = sum(fit.train_seconds for fit in fits)
        return replace(best, train_seconds=seconds, tried={fit.base: round(fit.val_mase, 4) for fit in fits})
    window = config.windows.window
    if series_embedding > 0:  # each window's last column: its series' id
        covariates = with_series_ids([len(train) + horizon for train in trains], covariates)
    if head == "recursive":
        parts, scales = _one_step_parts(trains, horizon, window, seasons, base, covariates)
    else:
        parts = [
            series_windows(train, horizon, window, m, base, covariates=known)
            for train, m, known in zip(trains, seasons, covariates, strict=True)
        ]
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
    if head == "recursive":
        return replace(_fit_and_roll(parts, scales, x, y, config, on_epoch, series_embedding), base=base)
    fit = _fit_and_forecast(parts, x, y, horizon, config, on_epoch, series_embedding)
    return replace(fit, base=base)


def _one_step_parts(
    trains: Sequence[np.ndarray],
    horizon: int,
    window: int,
    seasons: Sequence[int],
    base: str,
    covariates: Sequence[np.ndarray | None],
) -> tuple[list[OneStepWindows], np.ndarray]:
    """The recursive head's windows of every series, each divided by its `SeriesTransform`, and the scales (S,)."""
    parts, scales = [], []
    for train, m, known in zip(trains, seasons, covariates, strict=True):
        train = np.asarray(train, dtype=np.float64)  # (n,)
        transform = SeriesTransform.fit(train[: len(train) - horizon], m)
        parts.append(one_step_windows(transform.forward(train), horizon, window, m, base, covariates=known))
        scales.append(transform.scale)
    return parts, np.array(scales)


def _fit_and_roll(
    parts: list[OneStepWindows],
    scales: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    config: ExperimentConfig,
    on_epoch,
    embedding: int = 0,
) -> GlobalFit:
    """The recursive head's network, trained and rolled (forecast.recursive_head); forecasts in each series' units."""
    rolled = fit_and_roll(parts, x, y, config, on_epoch, embedding=embedding)
    val_errors = rolled.val_actual - np.median(rolled.val_paths, axis=0)  # (S, H) actual - forecast, scaled
    member_forecasts = rolled.paths * scales[None, :, None]  # (M, S, H) in each series' units
    return GlobalFit(
        np.median(member_forecasts, axis=0),
        rolled.result.epochs_run,
        rolled.result.train_seconds,
        str(rolled.result.stop_reason),
        len(x),
        val_mase=float(np.mean(np.abs(val_errors).mean(axis=1))),
        val_errors=val_errors,
        scales=scales,
        member_forecasts=member_forecasts,
        head="recursive",
        embedding=rolled.result.embedding,
    )


def local_forecast(
    trains: Sequence[np.ndarray],
    horizon: int,
    config: ExperimentConfig,
    *,
    seasons: Sequence[int] | None = None,
    covariates: Sequence[np.ndarray | None] | None = None,
    head: str = "direct",
    on_epoch: Callable | None = None,
    on_series: Callable[[int, int], None] | None = None,
) -> GlobalFit:
    """The same network trained on each series alone (all its windows): (S, H). `head` as `global_forecast`'s."""
    forecasts, epochs, seconds, windows = [], 0, 0.0, 0
    errors, scales, members = [], [], []
    reason = ""
    seasons = seasons or [1] * len(trains)
    covariates = covariates or [None] * len(trains)
    for number, (train, season, known) in enumerate(zip(trains, seasons, covariates, strict=True)):
        if head == "recursive":
            steps, scale = _one_step_parts([train], horizon, config.windows.window, [season], "seasonal_naive", [known])
            fit = _fit_and_roll(steps, scale, steps[0].x_train, steps[0].y_train, config, on_epoch)
        else:
            part = series_windows(train, horizon, config.windows.window, season, covariates=known)
            fit = _fit_and_forecast([part], part.x_train, part.y_train, horizon, config, on_epoch)
        forecasts.append(fit.forecasts[0])
        errors.append(fit.val_errors[0])
        scales.append(fit.scales[0])
        members.append(fit.member_forecasts[:, 0])
        epochs, seconds, windows, reason = (
            epochs + fit.epochs_run,
            seconds + fit.train_seconds,
            windows + fit.windows,
            fit.stop_reason,
        )
        if on_series is not None:
            on_series(number + 1, len(trains))
    count = max(len(trains), 1)
    return GlobalFit(
        np.array(forecasts),
        round(epochs / count),
        seconds,
        reason,
        round(windows / count),
        val_errors=np.array(errors),  # (S, H)
        scales=np.array(scales),  # (S,)
        member_forecasts=np.stack(members, axis=1),  # (M, S, H)
        head=head,
    )


def _fit_and_forecast(
    parts: list[SeriesWindows],
    x: np.ndarray,
    y: np.ndarray,
    horizon: int,
    config: ExperimentConfig,
    on_epoch,
    embedding: int = 0,
) -> GlobalFit:
    from lstm_core.nn.keras_model import release_model
    from lstm_core.nn.train import train

    windows = Windows(
        x_train=x,
        y_train=y,
        x_val=np.concatenate([part.x_val for part in parts]),  # (S, W, 1)
        y_val=np.concatenate([part.y_val for part in parts]),  # (S, H)
        x_test=np.empty((0, config.windows.window, x.shape[2]), np.float32),
        y_test=np.empty((0, horizon), np.float32),
        scaled=np.zeros((1, x.shape[2]), np.float32),  # only its width is read: the inputs per step
        scaler=Scaler(kind="none", offset=np.zeros(1), scale=np.ones(1)),
        window=config.windows.window,
        train_end=0,
        val_end=0,
    )
    learned = (len(parts), embedding) if embedding > 0 else None
    result = train(windows, config, on_epoch=on_epoch, series_embedding=learned)
    if str(result.stop_reason) == "nan":
        raise LabError(result.message)
    x_forecast = embedded(np.concatenate([part.x_forecast for part in parts]), result.embedding)  # (S, W, F)
    count = len(parts)
    members = trained_members(result)
    release_model(result.model)  # the weights are read; its traced graphs would outlive it (nn.keras_model)
    with single_blas_thread():  # the validation windows and the forecast windows in one pass
        inputs = np.concatenate([embedded(windows.x_val, result.embedding), x_forecast])  # (2S, W, F)
        each = np.array([predict(inputs, m, limit_blas=False, all_outputs=True) for m in members])  # (M, 2S, H)
    both = np.median(each, axis=0)  # (2S, H)
    # y_val is the validation part less its base, in MASE's scale: the MAE of the residual is the validation MASE
    val_errors = windows.y_val - both[:count]  # (S, H) actual - forecast, scaled
    val_mase = float(np.mean(np.abs(val_errors).mean(axis=1)))
    scales = np.array([part.transform.scale for part in parts])  # (S,)
    bases = np.array([part.forecast_base for part in parts])  # (S, H)
    forecasts = (both[count:] + bases) * scales[:, None]  # (S, H) in each series' units
    member_forecasts = (each[:, count:] + bases) * scales[None, :, None]  # (M, S, H)
    return GlobalFit(
        forecasts,
        result.epochs_run,
        result.train_seconds,
        str(result.stop_reason),
        len(x),
        val_mase=val_mase,
        val_errors=val_errors.astype(np.float64),
        scales=scales,
        member_forecasts=member_forecasts,
        weights=members[0],
        probe_windows=x_forecast,
        embedding=result.embedding,
    )
