"""`python -m lstm_core backtest`: load, check, backtest, write; progress and a summary on stderr.

Every check of the input runs before the output folder is made, so bad input writes nothing.
"""

from __future__ import annotations

import argparse
import sys

from lstm_core.cli.common import experiment_config, load_with_notes
from lstm_core.cli.runs import add_store_options, save_cli_entry
from lstm_core.config.backtest import BacktestConfig
from lstm_core.config.options import RUN_PARTS, add_config_options, part_from_args
from lstm_core.errors import LabError
from lstm_core.evaluate.backtest import run_backtest
from lstm_core.scoring.columns import ForecastColumn as Column
from lstm_core.scoring.conformal import level_name

__all__ = ["add_backtest_arguments", "backtest_command"]


def add_backtest_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", help="a config.json to backtest (options given here override it)")
    parser.add_argument("--out", required=True, help="folder for the results")
    add_config_options(parser, (*RUN_PARTS, BacktestConfig))
    add_store_options(parser)


def backtest_command(args: argparse.Namespace) -> int:
    config = experiment_config(args)
    from lstm_core.experiment.export import write_backtest

    backtest = part_from_args(args, BacktestConfig())
    dataset = load_with_notes(config)

    def progress(report) -> None:
        trained = " (after a new training)" if report.retrained else ""
        print(
            f"fold {report.fold}/{report.folds} origin {time_text(report.origin)}{trained} ({report.elapsed:.1f} s)",
            file=sys.stderr,
            flush=True,
        )

    def epoch(report) -> None:
        val = "" if report.val_loss is None else f" val_loss {report.val_loss:.5f}"
        print(f"  epoch {report.epoch}/{report.epochs} loss {report.loss:.5f}{val}", file=sys.stderr, flush=True)

    result = run_backtest(dataset, config, backtest, on_fold=progress, on_epoch=epoch)
    if result.folds == 0:
        raise LabError("The backtest produced no folds; choose an earlier start or a shorter horizon.")
    write_backtest(result, args.out)
    _store(result, dataset, config, args)
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    summary = result.summary
    lstm, naive = summary["models"][Column.LSTM], summary["models"][Column.NAIVE]
    skill = summary["skill_vs_naive"]
    parts = [
        f"{dataset.name}: {result.folds} folds of {backtest.horizon} steps",
        f"LSTM RMSE {_mean_sd(lstm and lstm['rmse'])}",
        f"naive RMSE {_mean_sd(naive and naive['rmse'])}",
        f"skill vs naive {_mean_sd(skill)}",
    ]
    for model in (Column.ETS, Column.THETA):
        block = summary["models"].get(model)
        if block is not None:
            parts.append(f"{model} RMSE {_mean_sd(block['rmse'])}")
    strongest = summary.get("strongest_baseline")
    if strongest:
        parts.append(f"strongest baseline {strongest} (skill {_mean_sd(summary['skill_vs_strongest_baseline'])})")
    for level, block in summary["coverage"].items():
        if block["empirical"] is not None:
            parts.append(f"{level}% bands covered {block['empirical']:.0%} of {block['points']} points")
        else:
            parts.append(f"no {level_name(float(level))}% bands (too few calibration errors)")
    print(", ".join(parts) + f". Results in {args.out}", file=sys.stderr)
    return 0


def _store(result, dataset, config, args: argparse.Namespace) -> None:
    """The backtest in the run store (kind "backtest"), as the app keeps it; a `note:` line says where."""
    from lstm_core.data.fingerprint import fingerprint
    from lstm_core.store.evaluations import backtest_entry

    entry = backtest_entry(result, name=dataset.name, source=config.data.source, fingerprint=fingerprint(dataset))
    save_cli_entry(entry, args)


def time_text(value: object) -> str:
    """A time as a user reads it: 1956-03-01 (no midnight), 1956-03-01 09:30, or a step number."""
    text = str(value)
    return text.removesuffix(" 00:00:00")


def _mean_sd(block: dict | None) -> str:
    if not block or block["mean"] is None:
        return "n/a"
    return f"{block['mean']:.4g} ± {block['sd']:.2g}"
