"""A seed ensemble's predictions and the spread of its scores across seeds.

Each member (one seed) predicts through the NumPy kernel like a single model; the ensemble's
forecast is the mean of its members' forecasts in the user's units. Every metric is also
computed per member and reported as mean ± sd across seeds (sample sd, ddof=1), so a user can
see whether the difference between two configurations is larger than the seed noise.
Pure NumPy; no Keras.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lstm_core.data.windows import Windows
from lstm_core.forecast.one_step import one_step, recursive
from lstm_core.nn.weights import NetworkWeights
from lstm_core.scoring import metrics
from lstm_core.scoring.metrics import MeanSd, SeedScore, SeedSpread

__all__ = ["mean_sd", "member_one_step", "member_recursive", "seed_spread"]

SCORE_NAMES = ("mae", "rmse", "smape", "mase", "mape")


def member_one_step(members: Sequence[NetworkWeights], windows: Windows) -> np.ndarray:
    """Each member's one-step test predictions in user units: (N_members, N_test)."""
    return np.stack([one_step(weights, windows) for weights in members])


def member_recursive(members: Sequence[NetworkWeights], windows: Windows, steps: int) -> np.ndarray | None:
    """Each member's recursive future path in user units: (N_members, steps); None where `recursive` is."""
    paths = [recursive(weights, windows, steps) for weights in members]
    if any(path is None for path in paths):
        return None
    return np.stack(paths)


def mean_sd(values: Sequence[float | None]) -> MeanSd:
    """{"mean", "sd"} of per-seed values (sd with ddof=1; 0 for one value); None when any value is undefined."""
    if not len(values) or any(value is None for value in values):
        return MeanSd(mean=None, sd=None)
    array = np.asarray(values, dtype=np.float64)  # (N,)
    return MeanSd(mean=float(array.mean()), sd=float(array.std(ddof=1)) if len(array) > 1 else 0.0)


def seed_spread(
    actual: np.ndarray,
    predictions: np.ndarray,
    *,
    train: np.ndarray,
    season_length: int | None,
    naive_rmse: float | None,
    seasonal_naive_rmse: float | None,
    seeds: Sequence[int],
) -> SeedSpread:
    """The per-seed scores and their spread: `{"lstm": {metric: {"mean", "sd"}}, "skill_vs_naive": ..., ...}`.

    `predictions` (N_members, N_test) in user units; a member whose predictions are not finite scores None.
    """
    per_seed: list[metrics.Scores | None] = []
    for predicted in predictions:
        finite = np.isfinite(predicted).all()
        per_seed.append(metrics.score(actual, predicted, train=train, season_length=season_length) if finite else None)

    def values(name: str) -> list[float | None]:
        return [None if scores is None else getattr(scores, name) for scores in per_seed]

    rmses = values("rmse")
    skill = [metrics.skill_vs_naive(r, naive_rmse) for r in rmses]
    seasonal_skill = [metrics.skill_vs_naive(r, seasonal_naive_rmse) for r in rmses]
    return SeedSpread(
        lstm={name: mean_sd(values(name)) for name in SCORE_NAMES},
        skill_vs_naive=mean_sd(skill),
        skill_vs_seasonal_naive=mean_sd(seasonal_skill),
        per_seed=[
            SeedScore(seed=int(seed), rmse=rmse, skill_vs_naive=one_skill)
            for seed, rmse, one_skill in zip(seeds, rmses, skill, strict=True)
        ],
    )
