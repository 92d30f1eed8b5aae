"""Hyperparameter sweeps on Optuna: one study in a database that any number of workers join.

- The study lives in an Optuna RDB storage (`storage`: any SQLAlchemy URL; default: the run store's
  database, a SQLite file in the user cache folder). `open_study(..., study_name=NAME)` creates it or
  joins it, so `python -m lstm_core sweep --storage URL --study NAME` on many machines share one study.
  The study keeps its setup (fixed settings, space, data fingerprint, budget) as user attributes, so a
  joining worker needs only the URL and the name, and a worker with other settings or data is refused.
- Objective (`SweepSetup.objective`): "validation", the validation RMSE in the series' units (one-step
  predictions of the validation targets, which are the same points for every trial whatever its window);
  or "backtest", a walk-forward backtest of the training and validation parts (retrain never): trained on
  the data before the validation part, then an H-step forecast (`horizon`) from every origin in the
  validation part; the value is the mean over folds of their RMSE. Either way the test part is never
  looked at while searching; `best_run` scores it once, for the best trial only.
- Pruning: each epoch's validation RMSE is reported (`trial.report(value, epoch)`). The default, successive
  halving ("halving"), judges a trial at epochs m, 2m, 4m, ... (m: a tenth of the epochs, and late enough
  for 50 optimizer steps) and lets it go on only while its value is in the better half of the trials that
  reached that epoch. "median" ends a trial worse than the median of earlier trials at an epoch, after 4
  complete trials. No trial is pruned at its last epoch. Chosen by replaying recorded sweeps through each
  pruner (bench/pruner_replay.py, docs/PERFORMANCE.md).
- Budget: `trials` is the study's total over all workers (finished, pruned, failed or running);
  `timeout` the seconds this worker starts new trials for.

The settings of a sweep are a `config.sweep.SweepConfig`; a study keeps the study-wide ones in its `SweepSetup`.
Starting (or joining) a study is `sweep.start.start_study`, for the command line and the app alike.
"""

from __future__ import annotations

import dataclasses
import math
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lstm_core.config.settings import ExperimentConfig
from lstm_core.config.sweep import DEFAULT_PRUNER, OBJECTIVES, PRUNERS, SAMPLERS, SweepConfig
from lstm_core.data.dataset import Dataset
from lstm_core.data.fingerprint import fingerprint
from lstm_core.errors import LabError
from lstm_core.nn.stop_reason import StopReason
from lstm_core.scoring.columns import ForecastColumn as Column
from lstm_core.sweep.space import SweepSpace
from lstm_core.sweep.storage import _storage, default_storage_url, public_url

__all__ = [
    "DEFAULT_PRUNER",
    "OBJECTIVES",
    "PRUNERS",
    "SAMPLERS",
    "SweepSetup",
    "best_config",
    "default_storage_url",
    "fingerprint",
    "open_study",
    "optimize",
    "pruner_for",
    "public_url",
    "run_objective",
    "use_sampler",
    "worker_name",
]

_ATTR = "lstm_lab"
_CREATION_SECONDS = 10.0  # how long a study without its setup may be one being created by another worker
_DEFAULTS = SweepConfig()


def worker_name() -> str:
    """Which process runs a trial: host:pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class SweepSetup:
    """What every worker of one study shares: the fixed settings, the space, the data, and the study-wide settings
    of its `SweepConfig` (`STUDY_SETTINGS`: the budget, the pruner, the objective and its horizon)."""

    config: ExperimentConfig
    space: SweepSpace
    data_fingerprint: str
    trials: int | None = _DEFAULTS.trials
    pruner: str = _DEFAULTS.pruner
    objective: str = _DEFAULTS.objective  # or "backtest" (see the module docstring)
    horizon: int = _DEFAULTS.horizon  # steps forecast from each origin of the backtest objective
    # A sweep of a collection's global model (sweep.collection): which series ({"id_column", "series",
    # "sample_seed"}); `horizon` is then the length of each series' validation and test parts. None: one series.
    collection: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        self.settings()  # checked as a SweepConfig checks them

    @classmethod
    def of(cls, config: ExperimentConfig, space: SweepSpace, data_fingerprint: str, sweep: SweepConfig) -> SweepSetup:
        """The setup of a study of `config` and `space` on data of that fingerprint, with `sweep`'s study settings."""
        return cls(config, space, data_fingerprint, **{name: getattr(sweep, name) for name in STUDY_SETTINGS})

    def settings(self, worker: SweepConfig = _DEFAULTS) -> SweepConfig:
        """This study's settings as a SweepConfig, with a worker's own (timeout, sampler) from `worker`."""
        return dataclasses.replace(worker, **{name: getattr(self, name) for name in STUDY_SETTINGS})

    def to_attr(self) -> dict[str, Any]:
        return {
            "config": self.config.to_dict(),
            "space": self.space.to_dict(),
            "data_fingerprint": self.data_fingerprint,
            "trials": self.trials,
            "pruner": self.pruner,
            "objective": self.objective,
            "horizon": self.horizon,
            "collection": self.collection,
        }

    @classmethod
    def from_attr(cls, values: dict[str, Any]) -> SweepSetup:
        return cls(
            config=ExperimentConfig.from_dict(values["config"]),
            space=SweepSpace.from_dict(values["space"]),
            data_fingerprint=values["data_fingerprint"],
            trials=values.get("trials"),
            pruner=values.get("pruner", "median"),
            objective=values.get("objective", "validation"),  # studies made before the backtest objective
            horizon=values.get("horizon", 1),
            collection=values.get("collection"),
        )


# The settings of a SweepConfig kept with the study; a worker's timeout, sampler and sampler seed are its own.
STUDY_SETTINGS = ("trials", "pruner", "objective", "horizon")


def stored_setup(storage: str, study_name: str) -> SweepSetup | None:
    """The setup of an existing study, or None when there is no study of that name."""
    import optuna

    storage_obj = _storage(storage)
    try:
        study = optuna.load_study(study_name=study_name, storage=storage_obj)
    except KeyError:
        return None
    values = study.user_attrs.get(_ATTR)
    deadline = time.monotonic() + _CREATION_SECONDS
    while values is None and not study.trials and time.monotonic() < deadline:
        # A worker that created the study a moment ago writes its setup just after: Optuna cannot do both at once.
        time.sleep(0.1)
        values = study.user_attrs.get(_ATTR)
    if values is None:
        raise LabError(f"The study {study_name!r} was not made by LSTM Lab; choose another study name.")
    return SweepSetup.from_attr(values)


def open_study(storage: str, study_name: str, setup: SweepSetup | None = None) -> tuple[Any, SweepSetup]:
    """Create the study with `setup`, or join it; a joining worker with a different setup is refused."""
    import optuna

    storage_obj = _storage(storage)
    existing = stored_setup(storage, study_name)
    if existing is None:
        if setup is None:
            raise LabError(
                f"There is no study {study_name!r} in {public_url(storage)}; "
                "give --data to start it, or check the name."
            )
        study = optuna.create_study(
            storage=storage_obj, study_name=study_name, direction="minimize", load_if_exists=True
        )
        if _ATTR not in study.user_attrs:  # another worker may have created it a moment ago
            study.set_user_attr(_ATTR, setup.to_attr())
        existing = SweepSetup.from_attr(study.user_attrs[_ATTR])
    else:
        study = optuna.load_study(study_name=study_name, storage=storage_obj)
    if setup is not None:
        _check_same(study_name, existing, setup)
    return study, existing


def _check_same(study_name: str, stored: SweepSetup, given: SweepSetup) -> None:
    if given.data_fingerprint != stored.data_fingerprint:
        raise LabError(
            f"The study {study_name!r} was run on other data (fingerprint {stored.data_fingerprint[:12]}, "
            f"this data {given.data_fingerprint[:12]}); load the same series or choose another study name."
        )
    ours, theirs = given.config.to_dict(), stored.config.to_dict()
    ours.pop("data"), theirs.pop("data")
    differ = sorted(name for part in ours for name in ours[part] if ours[part][name] != theirs[part][name]) + sorted(
        name for name in given.space.to_dict() if given.space.to_dict()[name] != stored.space.to_dict()[name]
    )
    differ += [name for name in ("objective", "horizon", "collection") if getattr(given, name) != getattr(stored, name)]
    if differ:
        raise LabError(
            f"The study {study_name!r} was set up with other values of {', '.join(differ)}; leave those options "
            "out to use the study's own, or choose another study name."
        )


# A trial is first judged after this many optimizer steps (and a tenth of its epochs): on a short series an
# epoch is a few steps, and a trial that ends best can still be mid-field after 20 of them (bench/pruner_replay.py).
MIN_STEPS_BEFORE_PRUNING = 50


def first_judged_epoch(epochs: int, batches_per_epoch: int | None = None) -> int:
    """The first epoch at which a pruner may end a trial: a tenth of the epochs (at least one), and late enough
    for `MIN_STEPS_BEFORE_PRUNING` steps of `batches_per_epoch` (unknown: the tenth alone)."""
    first = max(epochs // 10, 1)
    if batches_per_epoch:
        first = max(first, math.ceil(MIN_STEPS_BEFORE_PRUNING / batches_per_epoch))
    return first


def pruner_for(kind: str, epochs: int, batches_per_epoch: int | None = None) -> Any:
    import optuna

    if kind == "none":
        return optuna.pruners.NopPruner()
    first = first_judged_epoch(epochs, batches_per_epoch)
    if kind == "halving":
        return optuna.pruners.SuccessiveHalvingPruner(min_resource=first, reduction_factor=2)
    return optuna.pruners.MedianPruner(n_startup_trials=4, n_warmup_steps=first)


_pruner = pruner_for  # the name bench/pruner_replay.py imports


def batches_per_epoch(dataset: Dataset, config: ExperimentConfig) -> int | None:
    """About how many batches an epoch of the fixed settings has (None when the series is too short to say)."""
    from lstm_core.data.windows import split_points

    try:
        train_end, _ = split_points(len(dataset), config.windows)
    except LabError:
        return None
    return max(math.ceil((train_end - config.windows.window) / config.train.batch_size), 1)


def optimize(
    study: Any,
    setup: SweepSetup,
    dataset: Dataset,
    *,
    timeout: float | None = None,
    sampler_seed: int | None = None,
    sampler: str = _DEFAULTS.sampler,
    should_stop: Callable[[], bool] | None = None,
    on_trial: Callable[[Any], None] | None = None,
) -> int:
    """Run trials in this process until the study's budget, `timeout` or `should_stop`; returns how many ran here."""
    import optuna

    from lstm_core.data.windows import prepare
    from lstm_core.forecast.season import season_length
    from lstm_core.nn.keras_model import release_model
    from lstm_core.nn.train import train
    from lstm_core.nn.validation import validation_loss

    setup.space.check_fits(len(dataset), setup.config)
    study.pruner = pruner_for(setup.pruner, setup.config.train.epochs, batches_per_epoch(dataset, setup.config))
    use_sampler(study, sampler, sampler_seed)
    stop = should_stop or (lambda: False)
    worker = worker_name()

    def objective(trial: Any) -> float:
        started = time.perf_counter()
        trial.set_user_attr("worker", worker)
        config = setup.config.replace(**setup.space.suggest(trial))
        windows = prepare(dataset.values, config.windows, season_length=season_length(dataset, config))
        scale = float(windows.scaler.scale[0])  # the RMSE of a scaled target (or change) in the series' units
        pruned = False
        epoch_ends: list[float] = []  # seconds from the trial's start to each epoch's end, reports included

        def on_epoch(report: Any) -> None:
            nonlocal pruned
            if report.val_loss is not None:
                trial.report(math.sqrt(report.val_loss) * scale, report.epoch)
                # never at the last epoch: the trial has cost all it will, and its value counts
                pruned = pruned or (report.epoch < report.epochs and trial.should_prune())
            epoch_ends.append(round(time.perf_counter() - started, 3))

        if setup.objective == "backtest":
            try:
                return _backtest_objective(
                    trial, dataset, config, windows, setup.horizon, on_epoch, lambda: pruned or stop()
                )
            finally:
                trial.set_user_attr("epoch_ends", epoch_ends)
        result = train(windows, config, on_epoch=on_epoch, should_stop=lambda: pruned or stop())
        try:
            trial.set_user_attr("epoch_ends", epoch_ends)
            trial.set_user_attr("epochs", result.epochs_run)
            trial.set_user_attr("seconds", round(time.perf_counter() - started, 3))
            if result.stop_reason == StopReason.NAN:
                trial.set_user_attr("error", result.message)
                raise LabError(result.message)
            if pruned or result.stop_reason == StopReason.STOPPED:
                trial.set_user_attr("stopped", not pruned)
                raise optuna.TrialPruned()
            return math.sqrt(validation_loss(result.model, windows.x_val, windows.y_val)) * scale
        finally:
            release_model(result.model)  # its traced graphs hold C++ cycles the garbage collector cannot free

    return run_objective(study, setup, objective, timeout=timeout, should_stop=stop, on_trial=on_trial)


def use_sampler(study: Any, kind: str, seed: int | None) -> None:
    """Give the study this worker's sampler: TPE learns from earlier trials; random (seeded) ignores them."""
    import optuna

    kinds = {"tpe": optuna.samplers.TPESampler, "random": optuna.samplers.RandomSampler}
    study.sampler = kinds[kind](seed=seed)


def run_objective(
    study: Any,
    setup: SweepSetup,
    objective: Callable[[Any], float],
    *,
    timeout: float | None,
    should_stop: Callable[[], bool],
    on_trial: Callable[[Any], None] | None,
    gc_after_trial: bool = False,
) -> int:
    """Run `objective` as trials of the study until its budget (all workers), `timeout` or `should_stop`; how many
    ran here. A trial that raises LabError is failed and the next one starts."""
    from optuna.study import MaxTrialsCallback
    from optuna.trial import TrialState

    ran = 0

    def after_trial(study: Any, trial: Any) -> None:
        nonlocal ran
        ran += 1
        if on_trial is not None:
            on_trial(trial)
        if should_stop():
            study.stop()

    callbacks = [after_trial]
    if setup.trials is not None:
        counted = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL, TrialState.RUNNING)  # not WAITING
        callbacks.append(MaxTrialsCallback(setup.trials, states=counted))
        if len(study.get_trials(deepcopy=False, states=counted)) >= setup.trials:
            return 0
    study.optimize(
        objective,
        n_trials=setup.trials,
        timeout=timeout,
        catch=(LabError,),
        callbacks=callbacks,
        # Not needed for one series: every trial's model is released (model.release_model), which frees what a
        # full collection would not; a full collection after each trial cost about 0.4 s (bench/sweep_speed.py).
        gc_after_trial=gc_after_trial,
    )
    return ran


def _backtest_objective(
    trial: Any,
    dataset: Dataset,
    config: ExperimentConfig,
    windows: Any,
    horizon: int,
    on_epoch: Callable[[Any], None],
    should_stop: Callable[[], bool],
) -> float:
    """The mean over folds of the LSTM's H-step RMSE from every origin in the validation part, trained once on
    the data before it; the test part is cut off first, so no fold or scaler sees it."""
    import optuna

    from lstm_core.config.backtest import BacktestConfig
    from lstm_core.evaluate.backtest import run_backtest

    started = time.perf_counter()
    known = dataclasses.replace(  # the training and validation parts only
        dataset, frame=dataset.frame.iloc[: windows.val_end], labels=dataset.labels[: windows.val_end]
    )
    epochs = 0

    def counted(report: Any) -> None:
        nonlocal epochs
        epochs = report.epoch
        on_epoch(report)

    backtest = run_backtest(
        known,
        config,
        BacktestConfig(start=_start_text(windows.train_end, len(known)), horizon=horizon, stride=1),
        on_epoch=counted,
        should_stop=should_stop,
        statistical=False,  # the objective reads the LSTM's errors only
    )
    trial.set_user_attr("epochs", epochs)
    trial.set_user_attr("folds", int(backtest.summary["folds"]))
    trial.set_user_attr("seconds", round(time.perf_counter() - started, 3))
    if backtest.stop_reason == StopReason.STOPPED:
        raise optuna.TrialPruned()
    value = backtest.summary["models"][Column.LSTM]["rmse"]["mean"]
    if value is None or not math.isfinite(value):
        raise LabError("The backtest gave no finite error; try a smaller learning rate or other settings.")
    return float(value)


def _start_text(position: int, length: int) -> str:
    """A backtest start (a fraction of the series, as backtest.first_origin reads it) landing on `position`."""
    for digits in range(4, 14):
        text = f"{position / length:.{digits}f}"
        if round(length * float(text)) == position:
            return text
    raise AssertionError("no fraction lands on the position")  # pragma: no cover


def best_config(study: Any, setup: SweepSetup) -> ExperimentConfig:
    """The fixed settings with the best complete trial's values; LabError when no trial completed."""
    from optuna.trial import FixedTrial, TrialState

    complete = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    if not complete:
        raise LabError("No trial of the sweep completed; widen the budget or check the trials' errors.")
    best = min(complete, key=lambda t: t.value)
    return setup.config.replace(**setup.space.suggest(FixedTrial(best.params)))


def wait_for_running(
    study: Any, *, poll: float = 1.0, limit: float = 3600.0, note: Callable[[str], None] | None = None
) -> None:
    """Wait until no trial of the study runs (other workers' last trials end; a dead worker's trial is failed
    after its heartbeat's grace period), at most `limit` seconds. `note` hears one sentence if it waits."""
    import optuna
    from optuna.trial import TrialState

    deadline = time.monotonic() + limit
    told = False
    while time.monotonic() < deadline:
        optuna.storages.fail_stale_trials(study)
        running = study.get_trials(deepcopy=False, states=(TrialState.RUNNING,))
        if not running:
            return
        if note is not None and not told:
            note(f"waiting for {len(running)} running trial(s) of other workers to finish.")
            told = True
        time.sleep(poll)
