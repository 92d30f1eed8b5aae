"""`python -m lstm_core sweep`: start a study or join one, run trials, and write the results.

    python -m lstm_core sweep --data sample:airline-passengers --epochs 20 --trials 20 --out sweeps/air
    python -m lstm_core sweep --storage postgresql://user:pw@db/lab --study air   # on every other machine

Run options (`--epochs`, `--units`, ...) are the fixed values of every trial; `--space FILE` gives the
ranges searched (default: `sweep_space.DEFAULT_SPACE`). A worker that joins an existing study takes its
settings, space and data source from the study. With `--out`, the worker waits for the other workers'
running trials, then writes `trials.csv`, `study.json` and `best/`.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lstm_core.cli.common import experiment_config, load_with_notes
from lstm_core.cli.runs import add_store_options, save_cli_run, workspace_of
from lstm_core.config.options import RUN_PARTS, add_config_options, config_from_args
from lstm_core.errors import LabError
from lstm_core.scoring.columns import ForecastColumn as Column
from lstm_core.sweep.space import SweepSpace
from lstm_core.sweep.study import (
    DEFAULT_PRUNER,
    OBJECTIVES,
    PRUNERS,
    SAMPLERS,
    SweepSetup,
    default_storage_url,
    fingerprint,
    public_url,
    stored_setup,
)

__all__ = ["add_sweep_arguments", "run_sweep_command"]

DEFAULT_TRIALS = 20


def add_sweep_arguments(parser: argparse.ArgumentParser) -> None:
    sweep = parser.add_argument_group("sweep settings")
    sweep.add_argument(
        "--trials", type=int, help=f"trials in the whole study, all workers together (default: {DEFAULT_TRIALS})"
    )
    sweep.add_argument("--timeout", type=float, help="seconds this worker starts new trials for (default: no limit)")
    sweep.add_argument("--storage", help="the study's database, a SQLAlchemy URL (default: the run store's database)")
    sweep.add_argument("--study", help="study name: joins the study if it exists (default: a new name)")
    sweep.add_argument("--space", help="JSON file with the ranges searched (default: units, layers, window, ...)")
    sweep.add_argument(
        "--pruner", choices=PRUNERS, help=f"end weak trials early on their validation loss (default: {DEFAULT_PRUNER})"
    )
    sweep.add_argument(
        "--objective",
        choices=OBJECTIVES,
        help="what a trial is scored on: the validation RMSE, or a walk-forward backtest over the validation part "
        "(mean RMSE over its folds) (default: validation)",
    )
    sweep.add_argument(
        "--horizon", type=int, help="steps forecast from each origin of the backtest objective (default: 1)"
    )
    sweep.add_argument("--sampler", choices=SAMPLERS, default="tpe", help="how trials are proposed (default: tpe)")
    sweep.add_argument("--sampler-seed", type=int, help="seed of the sampler (one worker: the same trials again)")
    sweep.add_argument(
        "--out", help="folder for trials.csv, study.json and best/ (omit on workers that only run trials)"
    )
    parser.add_argument("--config", help="a config.json whose settings are the fixed values of every trial")
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


def _trial_line(trial: Any) -> str:
    state = trial.state.name.lower()
    value = f" val RMSE {trial.value:.5g}" if trial.value is not None else ""
    params = ", ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in trial.params.items())
    seconds = trial.user_attrs.get("seconds")
    return (
        f"trial {trial.number} {state}:{value} ({params}) {trial.user_attrs.get('epochs', '?')} epochs, "
        f"{seconds if seconds is not None else '?'} s [{trial.user_attrs.get('worker', '?')}]"
    )


def run_sweep_command(args: argparse.Namespace) -> int:
    """The `sweep` command (see the module docstring); returns the exit status."""
    from lstm_core.sweep.results import write_results
    from lstm_core.sweep.study import open_study, optimize, wait_for_running

    if args.trials is not None and args.trials < 1:
        raise LabError(f"`--trials` must be at least 1. Received: --trials {args.trials}")
    if args.timeout is not None and args.timeout <= 0:
        raise LabError(f"`--timeout` must be a number of seconds above 0. Received: --timeout {args.timeout:g}")
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
        space = space or SweepSpace()
        trials = args.trials if args.trials is not None else (None if args.timeout else DEFAULT_TRIALS)
        pruner = args.pruner or DEFAULT_PRUNER
        objective, horizon = args.objective or "validation", args.horizon if args.horizon is not None else 1
        name = args.study or f"sweep-{time.strftime('%Y%m%d-%H%M%S')}"
    else:
        config = experiment_config(args) if args.config else config_from_args(args, stored.config)
        space = space or stored.space
        trials = args.trials if args.trials is not None else stored.trials
        pruner = args.pruner or stored.pruner
        objective = args.objective or stored.objective
        horizon = args.horizon if args.horizon is not None else stored.horizon
        name = args.study
    dataset = load_with_notes(config)
    setup = SweepSetup(
        config=config,
        space=space,
        data_fingerprint=fingerprint(dataset),
        trials=trials,
        pruner=pruner,
        objective=objective,
        horizon=horizon,
    )
    setup.space.check_fits(len(dataset), config)
    study, _ = open_study(storage, name, setup)
    print(
        f"note: study {name!r} in {public_url(storage)}; more workers join with "
        f"`python -m lstm_core sweep --storage URL --study {name}`.",
        file=sys.stderr,
        flush=True,
    )
    save = _trial_saver(args, setup, dataset, name)

    def on_trial(trial: Any) -> None:
        print(_trial_line(trial), file=sys.stderr, flush=True)
        save(trial)

    ran = optimize(
        study,
        setup,
        dataset,
        timeout=args.timeout,
        sampler_seed=args.sampler_seed,
        sampler=args.sampler,
        on_trial=on_trial,
    )
    print(f"This worker ran {ran} trial(s).", file=sys.stderr, flush=True)
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
        f"Best: trial {best.number}, validation RMSE {best.value:.5g} ({best.params}); its test RMSE "
        f"{_number(metrics.rmse(Column.LSTM))} against naive {_number(metrics.rmse(Column.NAIVE))}, skill vs naive "
        f"{_number(metrics.skill_vs_naive)}. Results in {args.out}",
        file=sys.stderr,
    )
    return 0


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
