"""Forecast accuracy: MAE, RMSE, MAPE, sMAPE, MASE and skill against the naive forecast.

Pure functions on 1-D arrays in the user's units. A metric that is undefined for the data
(MAPE with a zero actual, MASE on a constant training part) is None, never NaN or inf.
Percentages are in percent (0-100 for MAPE, 0-200 for sMAPE).

sMAPE and MASE are the M4 and Tourism competitions' definitions: sMAPE = 200/h · Σ|y − ŷ|/(|y| + |ŷ|), and
MASE = MAE / (the in-sample MAE of the seasonal naive forecast, y_t − y_{t−m}, over the training part given;
m = 1 without a season). One difference: a step where actual and forecast are both 0 counts as a perfect 0 in
sMAPE, where the competitions leave it undefined. A run passes its training part (not its validation part) as
the scale's sample; a backtest fold passes everything before its origin.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any, TypedDict

import numpy as np

from lstm_core.scoring.columns import MODELS
from lstm_core.scoring.conformal import Intervals
from lstm_core.scoring.diagnostics import Diagnostic

__all__ = [
    "MODELS",
    "MeanSd",
    "RunMetrics",
    "Scores",
    "SeedScore",
    "SeedSpread",
    "evaluate",
    "mae",
    "mape",
    "mase",
    "rmse",
    "score",
    "skill_vs_naive",
    "smape",
    "strongest",
]

_SCORE_NAMES = ("mae", "rmse", "smape", "mase", "mape")


@dataclass(frozen=True)
class Scores:
    """One forecast's errors in the series' units; None where a metric is undefined for the data."""

    mae: float | None
    rmse: float | None
    smape: float | None
    mase: float | None
    mape: float | None

    def to_dict(self) -> dict[str, float | None]:
        return dataclasses.asdict(self)


class MeanSd(TypedDict):
    """One number across the seeds of an ensemble: mean and sample sd (None when a seed has no value)."""

    mean: float | None
    sd: float | None


class SeedScore(TypedDict):
    seed: int
    rmse: float | None
    skill_vs_naive: float | None


class SeedSpread(TypedDict):
    """metrics.json's `seed_spread`: every LSTM metric and both skills as mean ± sd across seeds, and each seed's."""

    lstm: dict[str, MeanSd]  # mae, rmse, smape, mase, mape
    skill_vs_naive: MeanSd
    skill_vs_seasonal_naive: MeanSd
    per_seed: list[SeedScore]


@dataclass(frozen=True)
class RunMetrics:
    """Everything `metrics.json` holds for one run: each model's scores, the skills, and how training went.

    A model's scores are None when it has no forecast (seasonal naive without a full season before the
    test part, an LSTM whose loss became NaN). `to_dict()` is the JSON contract of `metrics.json`: the fields in
    order, then the statistical baselines' block (below), `seeds` and `seed_spread` (a seed ensemble only),
    `diagnostics` and `intervals` where the run has them (a None field is left out), then `extra`.

    The statistical baselines (ETS and Theta, `scoring.statistical`) are scored like the others on the same test
    steps: `ets`, `theta`, `skill_vs_ets`, `beats_ets`, `skill_vs_theta`, `beats_theta`, `strongest_baseline` (the
    baseline with the lowest test RMSE, the statistical ones included), `skill_vs_strongest_baseline` and
    `statistical_models` (what was fitted: {"ets": "ETS(M,A,M)", "theta": "Theta"}, a None value where the
    training part was too short). A run written before them has `statistical_models` None and none of these keys.
    """

    lstm: Scores | None
    naive: Scores | None
    seasonal_naive: Scores | None
    drift: Scores | None
    skill_vs_naive: float | None
    beats_naive: bool
    skill_vs_seasonal_naive: float | None
    beats_seasonal_naive: bool
    season_length: int | None
    epochs_run: int
    train_seconds: float
    first_epoch_seconds: float
    samples_per_second: float
    stop_reason: str  # a StopReason's value (nn.stop_reason)
    device: str
    backend: str
    seeds: int | None = None  # a seed ensemble's size; None for one model
    seed_spread: SeedSpread | None = None  # None for one model
    diagnostics: tuple[Diagnostic, ...] | None = None  # None: not diagnosed (a file written before diagnostics)
    intervals: Intervals | None = None  # None: no interval levels asked for
    ets: Scores | None = None
    theta: Scores | None = None
    skill_vs_ets: float | None = None
    beats_ets: bool = False
    skill_vs_theta: float | None = None
    beats_theta: bool = False
    strongest_baseline: str | None = None  # a ForecastColumn's value: the baseline with the lowest test RMSE
    skill_vs_strongest_baseline: float | None = None
    statistical_models: dict[str, str | None] | None = None  # None: a run scored before ETS and Theta
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)  # keys this version does not know, as read

    def scores(self, model: str) -> Scores | None:
        return getattr(self, model)

    def rmse(self, model: str) -> float | None:
        scores = self.scores(model)
        return None if scores is None else scores.rmse

    def to_dict(self) -> dict[str, Any]:
        out = {name: getattr(self, name) for name in _CONTRACT}
        if self.statistical_models is not None:
            out.update({name: getattr(self, name) for name in _STATISTICAL})
        for model in MODELS:
            if model in out:
                out[model] = None if out[model] is None else out[model].to_dict()
        optional = {
            "seeds": self.seeds,
            "seed_spread": self.seed_spread,
            "diagnostics": None if self.diagnostics is None else [item.to_dict() for item in self.diagnostics],
            "intervals": self.intervals,
        }
        return {**out, **{key: value for key, value in optional.items() if value is not None}, **self.extra}

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> RunMetrics:
        """Read a `metrics.json` dict back, as this or any earlier version wrote it (keys it does not know are kept
        in `extra`)."""
        known = {field.name for field in dataclasses.fields(cls)} - {"extra"}
        given = {key: value for key, value in values.items() if key in known}
        for model in MODELS:
            block = given.get(model)
            given[model] = None if block is None else Scores(**{k: block.get(k) for k in _SCORE_NAMES})
        if given.get("diagnostics") is not None:
            given["diagnostics"] = tuple(Diagnostic(**item) for item in given["diagnostics"])
        return cls(**given, extra={key: value for key, value in values.items() if key not in known})


# The statistical baselines' keys, in their order: all written when `statistical_models` is set, none otherwise.
_STATISTICAL = (
    "ets",
    "theta",
    "skill_vs_ets",
    "beats_ets",
    "skill_vs_theta",
    "beats_theta",
    "strongest_baseline",
    "skill_vs_strongest_baseline",
    "statistical_models",
)
# metrics.json's keys that every run has, in their order (the DESIGN.md contract and the skills beside it).
_CONTRACT = tuple(
    field.name
    for field in dataclasses.fields(RunMetrics)
    if field.name not in ("seeds", "seed_spread", "diagnostics", "intervals", "extra", *_STATISTICAL)
)


def _finite(value: float) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def _pair(actual: np.ndarray, predicted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    actual = np.asarray(actual, dtype=np.float64).ravel()
    predicted = np.asarray(predicted, dtype=np.float64).ravel()
    if actual.shape != predicted.shape:
        raise ValueError(f"actual and predicted differ in length: {actual.shape[0]} vs {predicted.shape[0]}")
    return actual, predicted


def mae(actual: np.ndarray, predicted: np.ndarray) -> float | None:
    actual, predicted = _pair(actual, predicted)
    return _finite(np.mean(np.abs(actual - predicted))) if actual.size else None


def rmse(actual: np.ndarray, predicted: np.ndarray) -> float | None:
    actual, predicted = _pair(actual, predicted)
    if not actual.size:
        return None
    errors = actual - predicted
    largest = float(np.max(np.abs(errors))) if np.isfinite(errors).all() else math.inf
    if not 0 < largest < math.inf:
        return _finite(largest)  # 0 when perfect; None when an error is already infinite
    return _finite(largest * np.sqrt(np.mean((errors / largest) ** 2)))  # scaled: no overflow for huge values


def mape(actual: np.ndarray, predicted: np.ndarray) -> float | None:
    """Mean absolute percentage error; None when any actual value is zero."""
    actual, predicted = _pair(actual, predicted)
    if not actual.size or np.any(actual == 0):
        return None
    return _finite(100.0 * np.mean(np.abs((actual - predicted) / actual)))


def smape(actual: np.ndarray, predicted: np.ndarray) -> float | None:
    """Symmetric MAPE (0-200); a step where both values are zero counts as a perfect 0."""
    actual, predicted = _pair(actual, predicted)
    if not actual.size:
        return None
    denominator = np.abs(actual) + np.abs(predicted)
    safe = np.where(denominator > 0, denominator, 1.0)
    terms = np.where(denominator > 0, 2.0 * np.abs(actual - predicted) / safe, 0.0)
    return _finite(100.0 * np.mean(terms))


def mase(actual: np.ndarray, predicted: np.ndarray, train: np.ndarray, season_length: int = 1) -> float | None:
    """MAE scaled by the in-sample MAE of the (seasonal) naive forecast on `train`."""
    actual, predicted = _pair(actual, predicted)
    train = np.asarray(train, dtype=np.float64).ravel()
    m = max(int(season_length or 1), 1)
    if not actual.size or len(train) <= m:
        return None
    scale = np.mean(np.abs(train[m:] - train[:-m]))
    if not scale > 0:
        return None
    return _finite(np.mean(np.abs(actual - predicted)) / scale)


def skill_vs_naive(rmse_model: float | None, rmse_naive: float | None) -> float | None:
    """1 - RMSE_model / RMSE_naive: above 0 the model beats the naive forecast."""
    if rmse_model is None or not rmse_naive:
        return None
    return _finite(1.0 - rmse_model / rmse_naive)


def strongest(rmses: dict[str, float | None]) -> str | None:
    """The name with the lowest RMSE (the first of equals, in the given order); None when none has one."""
    scored = [(value, number, name) for number, (name, value) in enumerate(rmses.items()) if value is not None]
    return min(scored)[2] if scored else None


def score(actual: np.ndarray, predicted: np.ndarray, *, train: np.ndarray, season_length: int | None = None) -> Scores:
    """All metrics for one forecast."""
    return Scores(
        mae=mae(actual, predicted),
        rmse=rmse(actual, predicted),
        smape=smape(actual, predicted),
        mase=mase(actual, predicted, train, season_length or 1),
        mape=mape(actual, predicted),
    )


def evaluate(
    actual: np.ndarray, predicted: np.ndarray, *, train: np.ndarray, season_length: int | None = None
) -> dict[str, float | None]:
    """All metrics for one forecast, as the JSON block {mae, rmse, smape, mase, mape}."""
    return score(actual, predicted, train=train, season_length=season_length).to_dict()
