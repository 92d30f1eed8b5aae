"""`python -m lstm_core run` and `python -m lstm_core samples`: one experiment, its files written to --out."""

from __future__ import annotations

import argparse
import sys
import time

from lstm_core.cli.common import experiment_config, load_with_notes, number
from lstm_core.cli.runs import add_store_options, save_cli_run
from lstm_core.config.options import RUN_PARTS, add_config_options
from lstm_core.errors import LabError
from lstm_core.nn.stop_reason import StopReason
from lstm_core.scoring.columns import ForecastColumn as Column
from lstm_core.scoring.metrics import RunMetrics

__all__ = ["add_run_arguments", "list_samples_command", "run_command"]


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", help="a config.json to run again (options given here override it)")
    parser.add_argument("--out", required=True, help="folder for the results")
    add_config_options(parser, RUN_PARTS)
    add_store_options(parser)


def list_samples_command(args: argparse.Namespace) -> int:
    from lstm_core.data.sources import list_samples

    for sample in list_samples():
        print(f"{sample.name:<24} {sample.description}")
    return 0


def run_command(args: argparse.Namespace) -> int:
    from lstm_core.data.fingerprint import fingerprint_note
    from lstm_core.experiment.export import write_run
    from lstm_core.experiment.run import run_experiment
    from lstm_core.nn.determinism import note as determinism_note

    started = time.perf_counter()
    config = experiment_config(args)
    dataset = load_with_notes(config)
    mismatch = fingerprint_note(getattr(args, "data_fingerprint", None), dataset)
    if mismatch:
        print(f"note: {mismatch}", file=sys.stderr)
    loaded = time.perf_counter()

    def progress(report) -> None:
        val = "" if report.val_loss is None else f" val_loss {report.val_loss:.5f}"
        print(
            f"epoch {report.epoch}/{report.epochs} loss {report.loss:.5f}{val} ({report.seconds:.2f} s)",
            file=sys.stderr,
            flush=True,
        )

    run = run_experiment(dataset, config, on_epoch=progress)
    if run.train.stop_reason == StopReason.NAN:
        raise LabError(run.train.message)
    trained = time.perf_counter()
    deterministic_note = config.train.deterministic and determinism_note(run.metrics.backend, run.metrics.device)
    if deterministic_note:
        print(f"note: {deterministic_note}", file=sys.stderr)
    write_run(run, args.out)
    for note in run.notes:
        print(f"note: {note}", file=sys.stderr)
    for item in run.diagnostics:
        print(f"note: {item.sentence}", file=sys.stderr)
    timings = {"load_seconds": round(loaded - started, 4), "run_seconds": round(trained - loaded, 4),
               "write_seconds": round(time.perf_counter() - trained, 4)}  # fmt: skip
    store_note = save_cli_run(run, args.out, args, timings=timings)
    if store_note:
        print(store_note, file=sys.stderr)
    scores = run.metrics
    verdict = "beats" if scores.beats_naive else "does not beat"
    spread = scores.seed_spread
    seeds = ""
    if spread:
        rmse, skill = spread["lstm"]["rmse"], spread["skill_vs_naive"]
        seeds = (
            f" Across {scores.seeds} seeds (mean ± sd): LSTM RMSE {number(rmse['mean'])} ± "
            f"{number(rmse['sd'])}, skill vs naive {number(skill['mean'])} ± {number(skill['sd'])}; "
            "the figures above are the ensemble mean's."
        )
    print(
        f"{dataset.name}: LSTM RMSE {number(scores.rmse(Column.LSTM))}, "
        f"naive RMSE {number(scores.rmse(Column.NAIVE))}, "
        f"skill vs naive {number(scores.skill_vs_naive)} (the LSTM {verdict} the naive forecast), "
        f"skill vs seasonal naive {number(scores.skill_vs_seasonal_naive)}.{_statistical_words(scores)}{seeds} "
        f"Results in {args.out}",
        file=sys.stderr,
    )
    return 0


def _statistical_words(scores: RunMetrics) -> str:
    """' ETS(M,A,M) RMSE 20.9, Theta RMSE 21.8, the strongest baseline is ets (LSTM skill against it -1.4).'"""
    fitted = scores.statistical_models or {}
    models = [model for model in (Column.ETS, Column.THETA) if fitted.get(model)]
    parts = [f"{fitted[model]} RMSE {number(scores.rmse(model))}" for model in models]
    strongest, skill = scores.strongest_baseline, scores.skill_vs_strongest_baseline
    if strongest:
        parts.append(f"the strongest baseline is {strongest} (LSTM skill against it {number(skill)})")
    return " " + ", ".join(parts) + "." if parts else ""
