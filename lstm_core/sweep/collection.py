"""Sweeps of a collection's global model: every trial one network over all the series, scored on their validation parts.

A trial trains `forecast.global_model.global_forecast` with its settings (the `ExperimentConfig` ones: window, units,
layers, learning rate, dropout, ...; and the global model's own, `sweep.space.GLOBAL_PARAMETERS`: the base forecast
the network corrects, the training windows per series, the calendar inputs) on each series' training part, and its
value is the fit's `val_mase`: the mean over series of the MASE of its forecast of each series' validation part (the
H steps before its test part). The test parts are split off first (`evaluate.benchmark.split_tasks`) and never
passed to a trial; `sweep.collection_results` scores the best settings on them once, as a benchmark does.

Pruning: each epoch's validation loss (the network's mean squared error on the validation parts, in each series'
MASE scale: the same targets for every trial) is reported and the study's pruner may end the trial there, never at
its last epoch. A trial whose base is "auto" (two networks, one per base) reports nothing and is never pruned.

`CollectionData` is the collection as a sweep reads it; `load_collection_data` loads it from a config's data source
and a `selection` (the id column, how many series and the sample seed: what `SweepSetup.collection` keeps so a
joining worker loads the same series).
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from lstm_core.config.settings import LIMITS, ExperimentConfig
from lstm_core.data.collections import Collection
from lstm_core.errors import LabError
from lstm_core.evaluate.benchmark import Task
from lstm_core.sweep.space import DEFAULT_SPACE, GLOBAL_BASES, GLOBAL_PARAMETERS, SweepSpace
from lstm_core.sweep.study import SweepSetup, pruner_for, run_objective, use_sampler, worker_name

__all__ = [
    "GLOBAL_DEFAULTS",
    "TRAINING_DEFAULTS",
    "CollectionData",
    "collection_data",
    "collection_fingerprint",
    "default_global_space",
    "fit_global",
    "load_collection_data",
    "optimize_collection",
    "selection",
    "trial_settings",
]

# The global model's own settings where the space leaves them out (the benchmark's defaults).
GLOBAL_DEFAULTS: dict[str, Any] = {"base": "auto", "windows_per_series": 48, "calendar": False}
# The training settings a sweep of a collection starts from unless given (cli.benchmark.BENCHMARK_DEFAULTS).
TRAINING_DEFAULTS: dict[str, Any] = {"epochs": 40, "patience": 5, "batch_size": 128, "units": 32}


@dataclass(frozen=True, eq=False)
class CollectionData:
    """The series a sweep of a collection searches on: each split into its training and test parts (`tasks`)."""

    collection: Collection
    tasks: tuple[Task, ...]
    horizon: int
    notes: tuple[str, ...] = ()

    @property
    def fingerprint(self) -> str:
        return collection_fingerprint(self.collection)

    @property
    def dated(self) -> bool:
        """Whether any series has dates (so calendar inputs exist)."""
        return any(task.calendar is not None for task in self.tasks)


def selection(id_column: str | None = None, series: int | None = None, sample_seed: int = 0) -> dict[str, Any]:
    """Which series of a collection a sweep reads, as `SweepSetup.collection` keeps it."""
    return {"id_column": id_column, "series": series, "sample_seed": sample_seed}


def collection_data(collection: Collection, horizon: int | None, season_length: int | None = None) -> CollectionData:
    """A loaded collection split by `horizon` (None: the collection's own) for a sweep; LabError (one sentence) for
    a collection without a horizon of its own or series too short for it."""
    from lstm_core.evaluate.benchmark import split_tasks

    h = horizon or next((s.horizon for s in collection if s.horizon), None)
    if h is None:
        raise LabError("Set the horizon with --horizon: a CSV collection has none of its own.")
    tasks, notes = split_tasks(collection, horizon=h, season_length=season_length, networks=True)
    return CollectionData(collection, tuple(tasks), int(h), (*collection.notes, *notes))


def load_collection_data(config: ExperimentConfig, chosen: dict[str, Any], horizon: int | None) -> CollectionData:
    """The collection `config.data` names, `chosen` series of it, split by `horizon` (None: the collection's own).

    Raises LabError (one sentence) for an unknown collection, a CSV without a horizon, or series too short for it.
    """
    from lstm_core.data.collections import load_collection

    collection = load_collection(
        config.data.source,
        id_column=chosen.get("id_column"),
        column=config.data.column,
        date_column=config.data.date_column,
        season_length=config.forecast.season_length,
    ).sample(chosen.get("series"), chosen.get("sample_seed") or 0)
    return collection_data(collection, horizon, config.forecast.season_length)


def collection_fingerprint(collection: Collection) -> str:
    """ "sha256:..." of every series' name, values and index, in order: the data a study was run on."""
    digest = hashlib.sha256()
    for series in collection:
        digest.update(series.name.encode("utf-8") + b"\x1f")
        digest.update(np.ascontiguousarray(series.values, dtype="<f8").tobytes())
        digest.update(str(list(series.index[:1]) + list(series.index[-1:])).encode("utf-8"))
        digest.update(str((len(series), series.train_length, series.season_length)).encode("utf-8"))
    return "sha256:" + digest.hexdigest()


def default_global_space(data: CollectionData) -> SweepSpace:
    """The space a sweep of a collection searches when none is given.

    Windows from the season (at least 4) up to max(2 seasons, H + a season, 8): a window shorter than the season
    leaves the seasonal naive base without its season. Units, layers, learning rate and dropout as for one series;
    both bases; 24 to 96 training windows per series; calendar inputs on or off where the series have dates. The
    batch size and the differences are not searched (the global model scales each series itself)."""
    season = max(task.season_length for task in data.tasks)
    low = max(4, season)
    high = min(max(2 * season, data.horizon + season, 8), LIMITS["window"])
    return SweepSpace(
        units=DEFAULT_SPACE.units,
        layers=DEFAULT_SPACE.layers,
        window=(low, max(low, high)),
        learning_rate=DEFAULT_SPACE.learning_rate,
        dropout=DEFAULT_SPACE.dropout,
        batch_size=None,
        difference=None,
        base=GLOBAL_BASES,
        windows_per_series=(24, 96),
        calendar=(False, True) if data.dated else None,
    )


def trial_settings(config: ExperimentConfig, values: dict[str, Any]) -> tuple[ExperimentConfig, dict[str, Any]]:
    """A trial's values (`SweepSpace.suggest`) split into the config they give and the global model's own options."""
    own = {name: values[name] for name in GLOBAL_PARAMETERS if name in values}
    rest = {name: value for name, value in values.items() if name not in GLOBAL_PARAMETERS}
    return config.replace(**rest), {**GLOBAL_DEFAULTS, **own}


def fit_global(data: CollectionData, config: ExperimentConfig, options: dict[str, Any], *, on_epoch=None) -> Any:
    """The global model of `config` and `options` on the training parts (the call a benchmark makes): a GlobalFit."""
    from lstm_core.forecast.covariates import known_inputs
    from lstm_core.forecast.global_model import global_forecast

    tasks, h = data.tasks, data.horizon
    covariates = known_inputs(
        [len(task.train) + h for task in tasks],
        [task.calendar if options["calendar"] else None for task in tasks],
        embedding=0,
        seed=config.train.seed,
    )
    return global_forecast(
        [task.train for task in tasks],
        h,
        config,
        seasons=[task.season_length for task in tasks],
        windows_per_series=int(options["windows_per_series"]),
        base=options["base"],
        covariates=covariates,
        on_epoch=on_epoch,
    )


class _Pruned(Exception):
    """Raised out of the training when the pruner ends the trial."""


class _Stopped(Exception):
    """Raised out of the training when the worker is asked to stop."""


def optimize_collection(
    study: Any,
    setup: SweepSetup,
    data: CollectionData,
    *,
    timeout: float | None = None,
    sampler_seed: int | None = None,
    sampler: str = "tpe",
    should_stop: Callable[[], bool] | None = None,
    on_trial: Callable[[Any], None] | None = None,
) -> int:
    """Run trials of the global model in this process until the budget, `timeout` or `should_stop`; how many ran."""
    import optuna

    per_series = setup.space.windows_per_series or (GLOBAL_DEFAULTS["windows_per_series"],)
    batches = max(math.ceil(len(data.tasks) * per_series[0] / setup.config.train.batch_size), 1)
    study.pruner = pruner_for(setup.pruner, setup.config.train.epochs, batches)
    use_sampler(study, sampler, sampler_seed)
    stop = should_stop or (lambda: False)
    worker = worker_name()

    def objective(trial: Any) -> float:
        started = time.perf_counter()
        trial.set_user_attr("worker", worker)
        config, options = trial_settings(setup.config, setup.space.suggest(trial))
        epoch_ends: list[float] = []
        reached = 0

        def on_epoch(report: Any) -> None:
            nonlocal reached
            reached += 1
            epoch_ends.append(round(time.perf_counter() - started, 3))
            if report.val_loss is not None and options["base"] != "auto":
                trial.report(math.sqrt(report.val_loss), report.epoch)
                if report.epoch < report.epochs and trial.should_prune():
                    raise _Pruned
            if stop():
                raise _Stopped

        try:
            if stop():  # asked before the trial began: nothing to train
                raise _Stopped
            fit = fit_global(data, config, options, on_epoch=on_epoch)
        except (_Pruned, _Stopped) as ended:
            trial.set_user_attr("stopped", isinstance(ended, _Stopped))
            raise optuna.TrialPruned() from None
        finally:
            trial.set_user_attr("epoch_ends", epoch_ends)
            trial.set_user_attr("epochs", reached)
            trial.set_user_attr("seconds", round(time.perf_counter() - started, 3))
        trial.set_user_attr("base", fit.base)
        if not math.isfinite(fit.val_mase):
            raise LabError("The global model gave no finite validation MASE; try a smaller learning rate.")
        return float(fit.val_mase)

    # global_forecast does not release its Keras models (nn.keras_model.release_model): on TensorFlow each trial
    # keeps about 12 MiB per network traced, which a garbage collection after the trial would not free.
    return run_objective(study, setup, objective, timeout=timeout, should_stop=stop, on_trial=on_trial)
