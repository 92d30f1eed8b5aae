"""The global model's recursive head: one output (the next step), rolled forward H steps on its own predictions.

Beside the direct head (forecast.global_model: one output per horizon step), the same network with one output
learns the correction to the base's next value, on the direct head's scaled series (each series divided by its
own scale, passed in here already divided) and level-normalised windows (each window less its own mean):

- Training windows: `window` inputs and the next value as target, less the base's next value from the window's
  end: `seasonal_naive`, the value one season before the target (the last value without a season, or with a
  window shorter than the season); `theta`, Theta's one-step forecast from the window's end, fitted on the fitting
  part only (the training part less its last H steps; naive where it cannot be fitted). Every target lies in the
  fitting part; a short series is padded on the left with its first value, as for the direct head.
- Validation (early stopping): the H one-step windows of the validation part (each reads only the values before its
  target, all in the training part). The base choice and the bands read the rolled H-step forecast of the
  validation part from its origin, made as the test part's is.
- The roll (`roll`): from an origin, the last `window` values (real ones, then the network's own predictions) less
  their mean go through the network, the base's next value of that same extended series is added, and the
  prediction is appended; H times. With no correction the seasonal naive base rolls into the seasonal naive
  forecast exactly; Theta's rolls into its own H-step forecast up to its drift term.
- Covariates (forecast.covariates: calendar, series code) are known in advance: input step t carries row t + 1, so
  a window's last step carries its target step's row. Nothing after the origin is read but those rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from lstm_core.config.benchmark import HEADS
from lstm_core.data.windows import Scaler, Windows
from lstm_core.errors import LabError
from lstm_core.forecast.multistep import trained_members
from lstm_core.forecast.training_length import MIN_WINDOWS, check_training_length
from lstm_core.nn.gates import predict, single_blas_thread
from lstm_core.nn.series_embedding import embedded

__all__ = ["HEADS", "OneStepWindows", "Rolled", "fit_and_roll", "one_step_windows", "roll"]


@dataclass(frozen=True, eq=False)
class OneStepWindows:
    """One series' one-step windows (scaled values) and what its roll needs."""

    x_train: np.ndarray  # (N, W, 1 + F) level-normalised inputs [, covariates]
    y_train: np.ndarray  # (N, 1) the next value less the base's next value
    x_val: np.ndarray  # (H, W, 1 + F) the validation part's one-step windows
    y_val: np.ndarray  # (H, 1)
    padded: np.ndarray  # (pad + n,) the scaled training part, padded on the left
    pad: int
    fitting: int  # n - H: the validation origin
    horizon: int
    window: int
    season: int  # the seasonal naive base's lag (1: the last value); theta's fallback is 1 too
    theta: Any = None  # scoring.statistical.ThetaFit for base="theta" (None: the seasonal naive base)
    known: np.ndarray | None = None  # (n + H, F) covariates

    @property
    def length(self) -> int:
        return len(self.padded) - self.pad

    def next_base(self, extended: np.ndarray, position: int) -> float:
        """The base's forecast of padded position `position` from the values before it in `extended`."""
        if self.theta is not None:
            origin = position - self.pad  # values before the target, unpadded
            return float(self.theta.forecasts(extended[self.pad : position], np.array([origin]), 1)[0, 0])
        return float(extended[position - self.season])

    def inputs(self, extended: np.ndarray, position: int) -> np.ndarray:
        """The window before padded position `position`, less its mean, beside its covariates: (W, 1 + F)."""
        values = extended[position - self.window : position]  # (W,)
        column = (values - values.mean())[:, None]
        if self.known is None:
            return column.astype(np.float32)
        times = np.clip(np.arange(position - self.window, position) - self.pad + 1, 0, len(self.known) - 1)
        return np.concatenate([column, self.known[times]], axis=1).astype(np.float32)


def one_step_windows(
    values: np.ndarray,
    horizon: int,
    window: int,
    season_length: int = 1,
    base: str = "seasonal_naive",
    *,
    covariates: np.ndarray | None = None,
) -> OneStepWindows:
    """The one-step windows of one series' training part `values` (already divided by its scale), see the module
    docstring; raises LabError when it is too short."""
    from lstm_core.scoring.statistical import fit_theta

    values = np.asarray(values, dtype=np.float64)  # (n,)
    n, h = len(values), horizon
    fitting = n - h
    check_training_length(n, h)
    pad = int(min(window - 1, max(0, window + MIN_WINDOWS - fitting)))
    padded = np.concatenate([np.full(pad, values[0]), values])  # (pad + n,)
    theta = None
    if base == "theta":
        theta = fit_theta(values[:fitting], season_length if season_length > 1 else None)
        if theta is not None and not np.isfinite(theta.forecasts(values, np.arange(1, n + 1), 1)).all():
            theta = None  # cannot forecast this series: the naive base stands in
    season = season_length if base == "seasonal_naive" and 1 < season_length <= window else 1
    known = None if covariates is None else np.asarray(covariates, dtype=np.float64).reshape(n + h, -1)
    part = OneStepWindows(
        x_train=np.empty(0), y_train=np.empty(0), x_val=np.empty(0), y_val=np.empty(0), padded=padded, pad=pad,
        fitting=fitting, horizon=h, window=window, season=season, theta=theta, known=known,
    )  # fmt: skip
    train_targets = np.arange(window, pad + fitting)  # padded positions of every fitting target
    val_targets = pad + fitting + np.arange(h)  # (H,) the validation part's positions

    def windows(targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = np.stack([part.inputs(padded, p) for p in targets])  # (N, W, 1 + F)
        bases = _bases(part, padded, targets)  # (N,)
        return x, (padded[targets] - bases)[:, None].astype(np.float32)

    x_train, y_train = windows(train_targets)
    x_val, y_val = windows(val_targets)
    return OneStepWindows(
        x_train=x_train, y_train=y_train, x_val=x_val, y_val=y_val, padded=padded, pad=pad, fitting=fitting,
        horizon=h, window=window, season=season, theta=theta, known=known,
    )  # fmt: skip


def _bases(part: OneStepWindows, padded: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """The base's next value for each target position (N,), each from the values before it."""
    if part.theta is None:
        return padded[targets - part.season]
    origins = targets - part.pad  # (N,) values before each target, unpadded
    return part.theta.forecasts(padded[part.pad :], origins, 1)[:, 0]


def roll(
    parts: Sequence[OneStepWindows], members: Sequence[Any], *, from_end: bool, table: np.ndarray | None = None
) -> np.ndarray:
    """Each member's H-step forecast of every series, rolled on its own predictions from the validation origin
    (`from_end=False`) or from the end of the training part: (M, S, H), scaled. `table`: a learned series
    embedding (S, D) whose rows replace the windows' last column, the series id (nn.series_embedding)."""
    h = parts[0].horizon
    out = np.empty((len(members), len(parts), h))
    starts = [part.pad + (part.length if from_end else part.fitting) for part in parts]  # padded origins
    with single_blas_thread():
        for m, weights in enumerate(members):
            extended = [
                np.concatenate([part.padded[:start], np.zeros(h)]) for part, start in zip(parts, starts, strict=True)
            ]
            for step in range(h):
                x = np.stack([part.inputs(extended[k], starts[k] + step) for k, part in enumerate(parts)])  # (S, W, F)
                corrections = predict(embedded(x, table), weights, limit_blas=False, all_outputs=True)[:, 0]  # (S,)
                for k, part in enumerate(parts):
                    position = starts[k] + step
                    extended[k][position] = part.next_base(extended[k], position) + corrections[k]
            out[m] = [extended[k][start : start + h] for k, start in enumerate(starts)]
    return out


@dataclass(frozen=True, eq=False)
class Rolled:
    """The trained one-step network and its rolled forecasts (scaled)."""

    result: Any  # nn.train.TrainResult
    members: list[Any]  # each member's weights (nn.weights.NetworkWeights)
    val_paths: np.ndarray  # (M, S, H) from each validation origin
    paths: np.ndarray  # (M, S, H) from the end of each training part
    val_actual: np.ndarray  # (S, H) each validation part


def fit_and_roll(
    parts: Sequence[OneStepWindows],
    x: np.ndarray,
    y: np.ndarray,
    config: Any,
    on_epoch: Callable | None,
    *,
    embedding: int = 0,
) -> Rolled:
    """Train one network (one output) on the windows `x` (K, W, F) -> `y` (K, 1), early-stopped on the parts'
    one-step validation windows, and roll it forward from each validation origin and each end. `embedding` D > 0:
    the windows' last column is the series id, learned as a D-vector (nn.train's `series_embedding`)."""
    from lstm_core.nn.keras_model import release_model
    from lstm_core.nn.train import train

    window = config.windows.window
    windows = Windows(
        x_train=x,
        y_train=y,
        x_val=np.concatenate([part.x_val for part in parts]),  # (S·H, W, F)
        y_val=np.concatenate([part.y_val for part in parts]),  # (S·H, 1)
        x_test=np.empty((0, window, x.shape[2]), np.float32),
        y_test=np.empty((0, 1), np.float32),
        scaled=np.zeros((1, x.shape[2]), np.float32),  # only its width is read: the inputs per step
        scaler=Scaler(kind="none", offset=np.zeros(1), scale=np.ones(1)),
        window=window,
        train_end=0,
        val_end=0,
    )
    learned = (len(parts), embedding) if embedding > 0 else None
    result = train(windows, config, on_epoch=on_epoch, series_embedding=learned)
    if str(result.stop_reason) == "nan":
        raise LabError(result.message)
    members = trained_members(result)
    release_model(result.model)  # the weights are read; its traced graphs would outlive it (nn.keras_model)
    actual = np.array([part.padded[part.pad + part.fitting :] for part in parts])  # (S, H)
    return Rolled(
        result=result,
        members=list(members),
        val_paths=roll(parts, members, from_end=False, table=result.embedding),
        paths=roll(parts, members, from_end=True, table=result.embedding),
        val_actual=actual,
    )
