"""What a sweep's trials are scored by, said once for its tables, charts, files and command-line lines.

A study's setup (`sweep.study.SweepSetup`) decides it:

- one series, objective "validation": `val_rmse`, the validation RMSE in the series' units (one-step predictions);
- one series, objective "backtest": `val_rmse`, the mean over folds of the H-step RMSE in the series' units;
- a collection's global model (`setup.collection`, sweep.collection): `val_mase`, the mean over series of the MASE
  of its forecast of each series' validation part (scale-free: each series' errors over its own naive error).

`TrialScore.column` names a trial's value in trials.csv, the Sweep page's table and the run store's metrics;
`label` ("validation RMSE", "validation MASE") is what charts and lines call it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lstm_core.sweep.study import SweepSetup

__all__ = ["TrialScore", "trial_score"]


@dataclass(frozen=True)
class TrialScore:
    """How a study's trials are scored: the value's column name, its metric, its scale and the objective in words."""

    column: str  # "val_rmse" or "val_mase"
    metric: str  # "RMSE" or "MASE"
    scale: str  # what the numbers are in: "series units" or "mean over series"
    text: str  # the objective in words (study.json, the Sweep page)
    # Whether each epoch reports this same metric (Optuna's intermediate values), so a pruned trial's last value
    # means what a complete one's does; a collection's epochs report the network's loss instead.
    reported_each_epoch: bool = True

    @property
    def label(self) -> str:
        return f"validation {self.metric}"


def trial_score(setup: SweepSetup) -> TrialScore:
    """The score of the trials of a study with this `SweepSetup` (see the module docstring)."""
    if setup.collection is not None:
        text = (
            "mean over series of the MASE of the global model's forecast of each series' validation part (the H "
            "steps before its test part)"
        )
        return TrialScore("val_mase", "MASE", "mean over series", text, reported_each_epoch=False)
    if setup.objective == "backtest":
        text = (
            f"mean over folds of the {setup.horizon}-step RMSE in the series' units, from every origin in the "
            "validation part (walk-forward backtest, trained once on the data before it)"
        )
    else:
        text = "validation RMSE in the series' units (one-step predictions)"
    return TrialScore("val_rmse", "RMSE", "series units", text)
