"""`python -m lstm_core sweep`: start a study or join one, run trials, and write the results.

    python -m lstm_core sweep --data sample:airline-passengers --epochs 20 --trials 20 --out sweeps/air
    python -m lstm_core sweep --storage postgresql://user:pw@db/lab --study air   # on every other machine

Run options (`--epochs`, `--units`, ...) are the fixed values of every trial; `--space FILE` gives the
ranges searched (default: see below); the sweep settings (`--trials`, `--timeout`, `--pruner`,
`--objective`, `--horizon`, `--sampler`, `--sampler-seed`) are `config.sweep.SweepConfig`'s fields. Without
`--space`, the space is `sweep.start.default_space_for` the series (seasonal differences and windows of two seasons
where it has a season, as on the Sweep page); without `--sampler-seed`, the sampler seed is the run's `--seed`, so
the same command proposes the same trials. A worker that
joins an existing study takes its settings, space and data source from the study (options given override the
fixed settings; the study refuses other ones). The study is started by `sweep.start.start_study`, as in the app.
With `--out`, the worker waits for the other workers' running trials, then writes `trials.csv`, `study.json` and
`best/`. `--workers N` starts N - 1 more local worker processes that join the same study (each its own
`python -m lstm_core sweep --study NAME`, so one command uses every core); they end with it.

A collection (`--data collection:tourism-monthly`, or a long CSV with `--id-column`; `--series N --sample-seed S`
draw some of its series) is swept as one global model (sweep.collection): each trial trains one network over all
the series and is scored by their mean validation MASE (`--horizon`: the validation and test parts' length, default
the collection's own). Settings not given take the benchmark's defaults (40 epochs, patience 5, batch 128); the
default space is `sweep.collection.default_global_space`. With `--out`, the best settings' model is scored once on
the test parts beside ETS, Theta, seasonal naive and naive, as `benchmark` scores it (sweep.collection_results), and
kept in the run store as a benchmark of the study.
"""

from __future__ import annotations

import argparse
import dataclasses
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lstm_core.cli.common import experiment_config, load_with_notes
from lstm_core.cli.runs import add_store_options, save_cli_entry, save_cli_run, workspace_of
from lstm_core.config.options import RUN_PARTS, add_config_options, config_from_args, given_settings
from lstm_core.config.sweep import CollectionConfig, SweepConfig
from lstm_core.errors import LabError
from lstm_core.scoring.columns import ForecastColumn as Column
from lstm_core.sweep.score import TrialScore, trial_score
from lstm_core.sweep.space import SweepSpace
from lstm_core.sweep.study import SweepSetup, default_storage_url, public_url, stored_setup

__all__ = ["add_sweep_arguments", "run_sweep_command"]


def add_sweep_arguments(parser: argparse.ArgumentParser) -> None:
    study = parser.add_argument_group("study")
    study.add_argument("--storage", help="the study's database, a SQLAlchemy URL (default: the run store's database)")
    study.add_argument("--study", help="study name: joins the study if it exists (default: a new name)")
    study.add_argument("--space", help="JSON file with the ranges searched (default: units, layers, window, ...)")
    study.add_argument(
        "--out", help="folder for trials.csv, study.json and best/ (omit on workers that only run trials)"
    )
    study.add_argument(
        "--workers",
        type=int,
        default=1,
        help="local processes running trials of this study, this one included (default 1; about one per core)",
    )
    parser.add_argument("--config", help="a config.json whose settings are the fixed values of every trial")
    add_config_options(parser, (SweepConfig, CollectionConfig))
    add_store_options(parser)
    add_config_options(parser, RUN_PARTS)


def _space(path: str | None) -> SweepSpace | None:
    if path is None:
        return None
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise LabError(f"The sweep space file {path} cannot be read ({exc.strerror}). Check the path.") from None
    return SweepSpace.from_json(text)


def _trial_line(trial: Any, score: TrialScore) -> str:
    state = trial.state.name.lower()
    # A pruned trial's value is its last reported epoch's: the score itself only where each epoch reports it
    shown = trial.value is not None and (score.reported_each_epoch or state == "complete")
    value = f" val {score.metric} {trial.value:.5g}" if shown else ""
    params = ", ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in trial.params.items())
    seconds = trial.user_attrs.get("seconds")
    return (
        f"trial {trial.number} {state}:{value} ({params}) {trial.user_attrs.get('epochs', '?')} epochs, "
        f"{seconds if seconds is not None else '?'} s [{trial.user_attrs.get('worker', '?')}]"
    )


def run_sweep_command(args: argparse.Namespace) -> int:
    """The `sweep` command (see the module docstring); returns the exit status."""
    from lstm_core.sweep.results import write_results
    from lstm_core.sweep.start import default_space_for, run_trials, sampler_seed_for, start_study
    from lstm_core.sweep.study import wait_for_running

    given = given_settings(args, SweepConfig, flags=True)  # a bad value names its option: `--trials` ...
    if args.workers < 1:
        raise LabError(f"`--workers` must be at least 1. Received: --workers {args.workers}")
    storage = args.storage or args.db or default_storage_url()
    space = _space(args.space)
    stored = stored_setup(storage, args.study) if args.study else None
    if stored is None:
        if not args.config and not hasattr(args, "source"):
            if args.study:
                raise LabError(
                    f"There is no study {args.study!r} in {public_url(storage)}; give --data to start it, "
                    "or check the study name and --storage."
                )
            raise LabError(
                "give --data (or --config) to start a sweep, or --study NAME to join an existing one. "
                "See `python -m lstm_core sweep --help`."
            )
        config = experiment_config(args)
        # A time limit alone is the whole budget: no trial limit unless one is given too.
        base = SweepConfig(trials=None) if "timeout" in given and "trials" not in given else SweepConfig()
        name = args.study or f"sweep-{time.strftime('%Y%m%d-%H%M%S')}"
    else:
        config = experiment_config(args) if args.config else config_from_args(args, stored.config)
        space = space or stored.space
        base = stored.settings()
        name = args.study
    if stored.collection is not None if stored else _is_collection(args, config):
        return _collection_sweep(args, given, config, stored, base=base, space=space, storage=storage, name=name)
    sweep = dataclasses.replace(base, **given)
    dataset = load_with_notes(config)
    space = space or default_space_for(dataset, config)
    study, setup = start_study(dataset, config, space, sweep, storage=storage, study_name=name)
    print(
        f"note: study {name!r} in {public_url(storage)}; more workers join with "
        f"`python -m lstm_core sweep --storage URL --study {name}`.",
        file=sys.stderr,
        flush=True,
    )
    save = _trial_saver(args, setup, dataset, name)

    def on_trial(trial: Any) -> None:
        print(_trial_line(trial, trial_score(setup)), file=sys.stderr, flush=True)
        save(trial)

    # Each local worker its own sampler seed (the run's seed when none is given): never the same random trials.
    seeds = [sampler_seed_for(sweep, config, worker=k) for k in range(args.workers)]
    helpers = _local_workers(args, given, storage=storage, study_name=name, seeds=seeds)
    try:
        ran = run_trials(study, setup, dataset, sweep, on_trial=on_trial)
        print(f"This worker ran {ran} trial(s).", file=sys.stderr, flush=True)
        for helper in helpers:
            helper.wait()
    finally:
        for helper in helpers:  # an interrupted command leaves no worker behind
            if helper.poll() is None:
                helper.kill()
    if not args.out:
        return 0
    wait_for_running(study, note=lambda text: print(f"note: {text}", file=sys.stderr, flush=True))
    run = write_results(study, setup, dataset, args.out, storage=storage)
    store_note = save_cli_run(run, Path(args.out) / "best", args, timings={})
    if store_note:
        print(store_note, file=sys.stderr)
    best = study.best_trial
    metrics = run.metrics
    print(
        f"Best: trial {best.number}, {trial_score(setup).label} {best.value:.5g} ({best.params}); its test RMSE "
        f"{_number(metrics.rmse(Column.LSTM))} against naive {_number(metrics.rmse(Column.NAIVE))}, skill vs naive "
        f"{_number(metrics.skill_vs_naive)}. Results in {args.out}",
        file=sys.stderr,
    )
    return 0


def _local_workers(
    args: argparse.Namespace, given: dict[str, Any], *, storage: str, study_name: str, seeds: list[int]
) -> list[subprocess.Popen]:
    """`--workers N`: N - 1 more processes joining the study, with this command's own worker settings."""
    count = args.workers
    helpers = []
    for k in range(1, count):
        command = [sys.executable, "-m", "lstm_core", "sweep", "--storage", storage, "--study", study_name]
        if args.db:
            command += ["--db", args.db]
        for name in ("timeout", "sampler"):
            if name in given and given[name] is not None:
                command += [f"--{name.replace('_', '-')}", str(given[name])]
        command += ["--sampler-seed", str(seeds[k])]  # each worker its own seed
        # sys.stderr, not descriptor 2: the command points that at /dev/null (main.quiet_native_logs).
        helpers.append(subprocess.Popen(command, stdin=subprocess.DEVNULL, stderr=_stderr_descriptor()))
    if helpers:
        print(f"note: {len(helpers)} more local worker(s) joined the study.", file=sys.stderr, flush=True)
    return helpers


def _stderr_descriptor() -> int | None:
    try:
        return sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):  # a captured stderr (tests calling main()): the process's own
        return None


def _trial_saver(args: argparse.Namespace, setup: SweepSetup, dataset: Any, study_name: str) -> Callable[[Any], None]:
    """Save each finished trial to the run store (kind sweep_trial); a store that fails gives one note, once."""
    from lstm_core.store.db import StoreError, open_store
    from lstm_core.sweep.results import trial_entry

    holder: dict[str, Any] = {"store": None, "failed": False}

    def save(trial: Any) -> None:
        if holder["failed"]:
            return
        try:
            holder["store"] = holder["store"] or open_store(args.db)
            holder["store"].save_run(workspace_of(args), trial_entry(trial, setup, dataset, study_name))
        except StoreError as error:
            holder["failed"] = True
            print(f"note: trials are not saved to the run store: {error}", file=sys.stderr, flush=True)

    return save


def _number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4g}"


def _is_collection(args: argparse.Namespace, config: Any) -> bool:
    from lstm_core.data.collections import is_collection_source

    return bool(getattr(args, "id_column", None)) or is_collection_source(config.data.source)


def _collection_sweep(
    args: argparse.Namespace,
    given: dict[str, Any],
    config: Any,
    stored: SweepSetup | None,
    *,
    base: SweepConfig,
    space: SweepSpace | None,
    storage: str,
    name: str,
) -> int:
    """A sweep of a collection's global model (see the module docstring); returns the exit status."""
    from lstm_core.store.evaluations import benchmark_entry
    from lstm_core.sweep.collection import TRAINING_DEFAULTS, default_global_space, load_collection_data, selection
    from lstm_core.sweep.collection_results import write_collection_results
    from lstm_core.sweep.start import run_collection_trials, sampler_seed_for, start_collection_study
    from lstm_core.sweep.study import wait_for_running

    chosen = given_settings(args, CollectionConfig, flags=True)
    if stored is None:
        whole = getattr(args, "config", None)  # a config is whole: the benchmark's defaults fill no gap
        config = config.replace(**{k: v for k, v in TRAINING_DEFAULTS.items() if not whole and k not in vars(args)})
        chosen = selection(**chosen)
        horizon = given.get("horizon")
    else:
        chosen = stored.collection or selection()
        horizon = given.get("horizon", stored.horizon)
    data = load_collection_data(config, chosen, horizon)
    for note in data.notes:
        print(f"note: {note}", file=sys.stderr)
    if stored is None and not getattr(args, "config", None) and "window" not in vars(args):
        config = config.replace(window=max(data.horizon, *(task.season_length for task in data.tasks)))
    space = space or default_global_space(data)
    sweep = dataclasses.replace(base, **given)
    study, setup = start_collection_study(data, config, space, sweep, chosen=chosen, storage=storage, study_name=name)
    print(
        f"note: study {name!r} in {public_url(storage)}: one global model over {len(data.tasks)} series, horizon "
        f"{data.horizon}, scored by their mean validation MASE; more workers join with "
        f"`python -m lstm_core sweep --storage URL --study {name}`.",
        file=sys.stderr,
        flush=True,
    )
    save = _trial_saver(args, setup, data, name)

    def on_trial(trial: Any) -> None:
        print(_trial_line(trial, trial_score(setup)), file=sys.stderr, flush=True)
        save(trial)

    seeds = [sampler_seed_for(sweep, config, worker=k) for k in range(args.workers)]
    helpers = _local_workers(args, given, storage=storage, study_name=name, seeds=seeds)
    try:
        ran = run_collection_trials(study, setup, data, sweep, on_trial=on_trial)
        print(f"This worker ran {ran} trial(s).", file=sys.stderr, flush=True)
        for helper in helpers:
            helper.wait()
    finally:
        for helper in helpers:
            if helper.poll() is None:
                helper.kill()
    if not args.out:
        return 0
    wait_for_running(study, note=lambda text: print(f"note: {text}", file=sys.stderr, flush=True))
    result, settings, best_config = write_collection_results(
        study, setup, data, args.out, storage=storage, on_progress=lambda text: print(text, file=sys.stderr)
    )
    entry = benchmark_entry(result, name=data.collection.name, config=best_config, settings=settings)
    save_cli_entry(dataclasses.replace(entry, study=name), args)
    models = result.summary["models"]
    scores = ", ".join(f"{model} {_number(block['mase']['mean'])}" for model, block in models.items())
    best = study.best_trial
    print(
        f"Best: trial {best.number}, {trial_score(setup).label} {best.value:.5g} ({best.params}); on the test parts of "
        f"{result.summary['series']} series, mean MASE {scores}. Results in {args.out}",
        file=sys.stderr,
    )
    return 0
