"""A backtest's numbers: each model's errors as mean and sd over folds, skills, per-step RMSE, coverage.

Skills are the LSTM's against each baseline (`skill_vs_<baseline>`, per fold, then mean and sd); the
`strongest_baseline` is the one with the lowest mean RMSE over folds, and `skill_vs_strongest_baseline` the LSTM's
skill against it.

Input arrays are (K folds, H steps) in the user's units; bands are (L levels, K, H), NaN where a fold
has no band yet. Output is the JSON-ready dict of `backtest_metrics.json` (None, never NaN).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from lstm_core.scoring import metrics
from lstm_core.scoring.columns import BASELINES, ForecastColumn
from lstm_core.scoring.conformal import coverage, level_name

__all__ = ["SCORES", "mean_sd", "summarise"]

SCORES = ("mae", "rmse", "smape", "mase")


def mean_sd(values: Sequence[float | None]) -> dict[str, float | None]:
    """{"mean", "sd"} over the defined values (sd with n - 1; 0 for one value); None when there are none."""
    finite = np.array([v for v in values if v is not None and math.isfinite(v)], dtype=np.float64)
    if finite.size == 0:
        return {"mean": None, "sd": None}
    sd = float(finite.std(ddof=1)) if finite.size > 1 else 0.0
    return {"mean": float(finite.mean()), "sd": sd}


def _clean(value: float) -> float | None:
    return float(value) if value is not None and math.isfinite(value) else None


def summarise(
    *,
    actual: np.ndarray,
    forecasts: dict[str, np.ndarray],
    lower: np.ndarray,
    upper: np.ndarray,
    levels: Sequence[float],
    history: Sequence[np.ndarray],
    season_length: int | None,
) -> tuple[dict[str, Any], list[str]]:
    """The metrics dict and notes for a user (e.g. levels without enough calibration errors)."""
    folds = len(actual)
    scores: dict[str, list[metrics.Scores | None]] = {}
    for model, predicted in forecasts.items():
        scores[model] = [
            metrics.score(actual[k], predicted[k], train=history[k], season_length=season_length)
            if np.isfinite(predicted[k]).all()
            else None
            for k in range(folds)
        ]
    models = {
        model: (
            None
            if all(s is None for s in fold_scores)
            else {name: mean_sd([getattr(s, name) for s in fold_scores if s is not None]) for name in SCORES}
        )
        for model, fold_scores in scores.items()
    }

    def skill(reference: str) -> dict[str, float | None]:
        return mean_sd(
            [
                metrics.skill_vs_naive(lstm.rmse, base.rmse) if lstm is not None and base is not None else None
                for lstm, base in zip(scores[ForecastColumn.LSTM], scores[reference], strict=True)
            ]
        )

    per_step = {}
    for model, predicted in forecasts.items():
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a model with no forecast at a step: NaN, said as None
            squared = np.nanmean((actual - predicted) ** 2, axis=0) if folds else np.array([])  # (H,)
        per_step[model] = [_clean(math.sqrt(v)) if math.isfinite(v) else None for v in squared]

    notes: list[str] = []
    covered: dict[str, Any] = {}
    for k, level in enumerate(levels):
        overall = coverage(actual, lower[k], upper[k])
        steps = [coverage(actual[:, h], lower[k][:, h], upper[k][:, h]) for h in range(actual.shape[1])]
        banded = int(np.isfinite(lower[k][:, 0]).sum()) if folds else 0
        covered[level_name(level)] = {
            "nominal": level / 100.0,
            **overall,
            "folds_with_band": banded,
            "per_step": [{"empirical": s["empirical"], "mean_width": s["mean_width"]} for s in steps],
        }
        if banded < folds:
            notes.append(
                f"{folds - banded} of {folds} folds have no {level_name(level)}% band: too few earlier forecast errors "
                "were known at their origin to calibrate it."
            )
    summary = {
        "folds": folds,
        "models": models,
        "per_step_rmse": per_step,
        "coverage": covered,
        **{f"skill_vs_{model}": skill(model) for model in BASELINES if model in forecasts},
    }
    present = [model for model in BASELINES if models.get(model) is not None]
    mean_rmse = {str(model): models[model]["rmse"]["mean"] for model in present}
    strongest = metrics.strongest(mean_rmse)
    summary["strongest_baseline"] = strongest  # the lowest mean RMSE over folds
    summary["skill_vs_strongest_baseline"] = None if strongest is None else summary[f"skill_vs_{strongest}"]
    return summary, notes
