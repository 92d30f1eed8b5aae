"""A sweep's own settings, declared once with `setting()`: its budget, pruner, objective and sampler.

The command line (`python -m lstm_core sweep`, through `options.add_config_options`), the Sweep page's form
(`ui.forms.sweep_form`) and links (`links.settings_to_params`) derive from these fields. Which settings a sweep
searches is its `sweep.space.SweepSpace`; the study's name and storage say where it lives, not how it searches.

`trials`, `pruner`, `objective` and `horizon` belong to the study: they are kept with it (`sweep.study.SweepSetup`)
and a worker that joins takes them from there. `timeout`, `sampler` and `sampler_seed` are each worker's own.

Default budget: 20 trials. Optuna's TPE sampler proposes its first 10 trials at random (`n_startup_trials`) and
models the results only after them; 20 gives it as many guided trials again, and the successive-halving pruner
enough trials per rung to rank. (The form once offered 12: two guided trials, a nearly random search.)

A sweep of a collection's global model (`--data collection:NAME`, or a long CSV with `--id-column`) also reads a
`CollectionConfig`: which series (the id column, how many drawn at random, the draw's seed), kept with the study.
"""

from __future__ import annotations

from dataclasses import dataclass

from lstm_core.config.setting import setting, validate_settings
from lstm_core.config.settings import LIMITS
from lstm_core.errors import LabError

__all__ = [
    "DEFAULT_PRUNER",
    "DEFAULT_TRIALS",
    "OBJECTIVES",
    "OBJECTIVE_LABELS",
    "PRUNERS",
    "SAMPLERS",
    "CollectionConfig",
    "SweepConfig",
]

PRUNERS = ("halving", "median", "none")
DEFAULT_PRUNER = "halving"  # chosen by replaying recorded sweeps (bench/pruner_replay.py, docs/PERFORMANCE.md)
OBJECTIVES = ("validation", "backtest")
OBJECTIVE_LABELS = {
    "validation": "validation RMSE (one step ahead)",
    "backtest": "walk-forward backtest over the validation part",
}
SAMPLERS = ("tpe", "random")
DEFAULT_TRIALS = 20  # see the module docstring


@dataclass(frozen=True)
class SweepConfig:
    """How a sweep searches: the budget, when weak trials end, what a trial is scored on, how trials are proposed."""

    trials: int | None = setting(
        DEFAULT_TRIALS,
        kind="int",
        low=1,
        high=LIMITS["trials"],
        optional=True,
        label="Trials (the study's total)",
        help="trials in the whole study, all workers together; none (0 in the form): no limit, a time limit ends it",
    )
    timeout: float | None = setting(
        None,
        kind="float",
        low=0.0,
        low_open=True,
        optional=True,
        label="Time limit (seconds)",
        help="seconds this worker starts new trials for (default: no limit)",
    )
    pruner: str = setting(
        DEFAULT_PRUNER,
        kind="choice",
        choices=PRUNERS,
        label="Pruning",
        help="end weak trials early on their validation loss. Halving: a trial goes on past epochs m, 2m, 4m, ... "
        "(m a tenth of the epochs) only while its validation error is in the better half of the trials that got "
        "there. Median: a trial worse than the median of earlier trials at the same epoch ends early (after 4 "
        "complete trials). Never at the last epoch",
    )
    objective: str = setting(
        "validation",
        kind="choice",
        choices=OBJECTIVES,
        labels=OBJECTIVE_LABELS,
        label="Objective",
        help="what a trial is scored on: the validation RMSE, or a walk-forward backtest over the validation part "
        "(each trial trains once on the data before it, then forecasts the horizon from every point of it; the "
        "mean RMSE over those folds). The test part is never used while searching",
    )
    horizon: int = setting(
        1,
        kind="int",
        low=1,
        high=LIMITS["forecast_steps"],
        label="Backtest horizon (steps)",
        help="steps forecast from each origin of the backtest objective; for a collection, the length of each "
        "series' validation and test parts (default there: the collection's own, e.g. 24 for Tourism monthly)",
    )
    sampler: str = setting(
        "tpe",
        kind="choice",
        choices=SAMPLERS,
        label="Sampler",
        help="how trials are proposed: TPE learns from earlier trials; random (seeded) ignores them",
    )
    sampler_seed: int | None = setting(
        None,
        kind="int",
        low=0,
        high=2**31 - 1,
        optional=True,
        label="Sampler seed",
        help="seed of the sampler (one worker: the same trials again)",
    )

    def __post_init__(self) -> None:
        if self.objective not in OBJECTIVES:
            raise LabError(
                f"The sweep objective must be one of {', '.join(OBJECTIVES)}. Received: objective={self.objective!r}"
            )
        if isinstance(self.horizon, bool) or not isinstance(self.horizon, int) or self.horizon < 1:
            raise LabError(
                "The backtest objective's horizon must be a whole number of steps from 1. "
                f"Received: horizon={self.horizon!r}"
            )
        validate_settings(self)

    def check_budget(self) -> None:
        """A sweep that starts trials needs an end: a number of trials, a time limit, or both."""
        if self.trials is None and self.timeout is None:
            raise LabError("A sweep needs a budget: give a number of trials, a time limit, or both.")


@dataclass(frozen=True)
class CollectionConfig:
    """Which series of a collection a sweep of its global model reads (kept with the study)."""

    id_column: str | None = setting(
        None,
        kind="text",
        optional=True,
        help="a long CSV's series-id column: the sweep searches one global model over all its series",
    )
    series: int | None = setting(
        None, kind="int", low=1, high=1_000_000, optional=True, help="sweep on this many series drawn at random"
    )
    sample_seed: int = setting(0, kind="int", low=0, high=2**31 - 1, help="seed of the draw of --series")

    def __post_init__(self) -> None:
        validate_settings(self)
