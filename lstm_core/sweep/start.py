"""Starting a sweep: the one way a study is created or joined, for the command line and the app alike.

`start_study(dataset, config, space, sweep, storage=..., study_name=...)` checks the budget and the space against
the series, then creates the study with its setup (the fixed settings `config`, the ranges `space`, the data's
fingerprint and `sweep`'s study settings) or joins it; a study of that name set up otherwise is refused in one
sentence. `run_trials(study, setup, dataset, sweep, ...)` then runs trials in the calling thread with `sweep`'s
time limit and sampler: the command line calls it directly, the app in a `jobs.sweep.SweepJob`.

`default_space_for(dataset, config)` is the space searched when none is given (the command line without `--space`,
the Sweep page's first ranges): `sweep.space.default_space` for the series' season (`forecast.season_length`, else
its frequency's). Without a sampler seed, a worker's sampler seed is derived from the run's seed
(`sampler_seed_for`): the same command proposes the same trials again.

A sweep of a collection's global model (sweep.collection) starts with `start_collection_study` and runs with
`run_collection_trials`, the same way, on a `CollectionData` instead of a dataset.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lstm_core.config.settings import ExperimentConfig
from lstm_core.config.sweep import SweepConfig
from lstm_core.data.dataset import Dataset
from lstm_core.data.fingerprint import fingerprint
from lstm_core.errors import LabError
from lstm_core.sweep.space import SweepSpace, default_space
from lstm_core.sweep.study import SweepSetup, open_study, optimize, stored_setup

__all__ = [
    "default_space_for",
    "run_collection_trials",
    "run_trials",
    "sampler_seed_for",
    "start_collection_study",
    "start_study",
]


def default_space_for(dataset: Dataset, config: ExperimentConfig) -> SweepSpace:
    """The default space for this series: seasonal differences and windows of two seasons where it has a season."""
    from lstm_core.forecast.season import season_length

    return default_space(season_length(dataset, config), length=len(dataset), config=config)


def sampler_seed_for(sweep: SweepConfig, config: ExperimentConfig, *, worker: int = 0, trials_before: int = 0) -> int:
    """The sampler seed a worker uses: `sweep.sampler_seed` if given, else the run's seed; plus `worker` (the k-th
    local worker of one command) and `trials_before` (trials the study already held when this worker joined), so
    workers of one study never propose the same random trials, and the first worker of a new study is reproducible.
    """
    base = config.train.seed if sweep.sampler_seed is None else sweep.sampler_seed
    return (base + worker + trials_before) % 2**31  # within the `--sampler-seed` option's range


def start_study(
    dataset: Dataset,
    config: ExperimentConfig,
    space: SweepSpace,
    sweep: SweepConfig,
    *,
    storage: str,
    study_name: str,
) -> tuple[Any, SweepSetup]:
    """Create the study `study_name` in `storage` or join it; returns the Optuna study and this worker's setup.

    Raises LabError (one sentence) for a new study without a budget (a joining worker runs until the study's own
    budget, its time limit or Stop), a space too wide for the series, a storage that cannot be opened, or a study
    of that name with other fixed settings, space, objective or data.
    """
    name = _name(study_name)
    if space.global_settings:
        raise LabError(
            f"The sweep space gives {', '.join(space.global_settings)}, settings of a collection's global model; "
            "leave them out for one series, or sweep a collection (--data collection:NAME, or a long CSV with "
            "--id-column)."
        )
    space.check_fits(len(dataset), config)
    if stored_setup(storage, name) is None:
        sweep.check_budget()
    setup = SweepSetup.of(config, space, fingerprint(dataset), sweep)
    study, _ = open_study(storage, name, setup)
    return study, setup


def run_trials(
    study: Any,
    setup: SweepSetup,
    dataset: Any,
    sweep: SweepConfig,
    *,
    should_stop: Callable[[], bool] | None = None,
    on_trial: Callable[[Any], None] | None = None,
) -> int:
    """Run trials of the study here until its budget, `sweep.timeout` or `should_stop`; how many ran here.

    A study of a collection's global model (`setup.collection`) runs `run_collection_trials` on `dataset`, then a
    sweep.collection.CollectionData (so the app's worker process runs either kind). A given `sweep.sampler_seed` is
    used as it is (a local worker of the command line gets its own); without one the seed is `sampler_seed_for` the
    run's seed and the trials the study holds already (none for a new study).
    """
    if setup.collection is not None:
        return run_collection_trials(study, setup, dataset, sweep, should_stop=should_stop, on_trial=on_trial)
    if sweep.sampler_seed is not None:
        seed = sweep.sampler_seed
    else:
        seed = sampler_seed_for(sweep, setup.config, trials_before=len(study.get_trials(deepcopy=False)))
    return optimize(
        study,
        setup,
        dataset,
        timeout=sweep.timeout,
        sampler_seed=seed,
        sampler=sweep.sampler,
        should_stop=should_stop,
        on_trial=on_trial,
    )


def _name(study_name: str) -> str:
    name = study_name.strip()
    if not name:
        raise LabError("Give the study a name (other workers join it by that name).")
    return name


def start_collection_study(
    data: Any,
    config: ExperimentConfig,
    space: SweepSpace,
    sweep: SweepConfig,
    *,
    chosen: dict[str, Any],
    storage: str,
    study_name: str,
) -> tuple[Any, SweepSetup]:
    """Create or join the study of a sweep of a collection's global model: `data` a sweep.collection.CollectionData
    (its horizon is the study's), `chosen` which series of the collection (`sweep.collection.selection`).

    Raises LabError (one sentence) as `start_study` does, and for the backtest objective (one series only)."""
    import dataclasses

    name = _name(study_name)
    if sweep.objective != "validation":
        raise LabError(
            "A sweep of a collection is scored on its series' validation parts; the backtest objective is for one "
            "series. Leave out --objective."
        )
    if stored_setup(storage, name) is None:
        sweep.check_budget()
    setup = SweepSetup.of(config, space, data.fingerprint, dataclasses.replace(sweep, horizon=data.horizon))
    setup = dataclasses.replace(setup, collection=dict(chosen))
    study, _ = open_study(storage, name, setup)
    return study, setup


def run_collection_trials(
    study: Any,
    setup: SweepSetup,
    data: Any,
    sweep: SweepConfig,
    *,
    should_stop: Callable[[], bool] | None = None,
    on_trial: Callable[[Any], None] | None = None,
) -> int:
    """`run_trials` for a sweep of a collection (`data` a sweep.collection.CollectionData)."""
    from lstm_core.sweep.collection import optimize_collection

    if sweep.sampler_seed is not None:
        seed = sweep.sampler_seed
    else:
        seed = sampler_seed_for(sweep, setup.config, trials_before=len(study.get_trials(deepcopy=False)))
    return optimize_collection(
        study,
        setup,
        data,
        timeout=sweep.timeout,
        sampler_seed=seed,
        sampler=sweep.sampler,
        should_stop=should_stop,
        on_trial=on_trial,
    )
