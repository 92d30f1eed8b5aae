"""`python -m lstm_core runs rerun ID --out DIR`: a stored run, backtest or benchmark run again from its stored config.

The stored `config` is the LSTM's `ExperimentConfig` (written to a temporary config.json and passed as `--config`),
plus, for a backtest, its `BacktestConfig` and, for a benchmark, its own `BenchmarkConfig` settings (collection,
models, horizon, sample size and seed, windows per series, the global LSTM's base, ...), given as the command's
options. The command is the same one that
made it (`run`, `backtest`, `benchmark`), with the same checks, files in --out and store entry (in the workspace
given, else the usual one). A sweep trial of one series is re-run as a `run` of its settings; a trial of a
collection sweep (one global model scored on the series' validation parts) is refused in one sentence: no command
runs such a trial alone, and a `run` of its settings would train on one series.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from collections.abc import Callable
from typing import Any

from lstm_core.cli.backtest import add_backtest_arguments, backtest_command
from lstm_core.cli.benchmark import add_benchmark_arguments, benchmark_command
from lstm_core.cli.run import add_run_arguments, run_command
from lstm_core.cli.runs import find_run
from lstm_core.config.backtest import BacktestConfig
from lstm_core.config.benchmark import BenchmarkConfig
from lstm_core.config.options import settings_arguments
from lstm_core.errors import LabError

__all__ = ["rerun_arguments", "rerun_command"]


def rerun_arguments(kind: str, config: dict[str, Any]) -> list[str]:
    """The options, besides `--config` and `--out`, that run a stored entry of `kind` with `config` again: its own
    settings (`BacktestConfig`, `BenchmarkConfig`, each declared once), stored under `config[kind]`."""
    own = {"backtest": BacktestConfig, "benchmark": BenchmarkConfig}.get(kind)
    return [] if own is None else settings_arguments(own, config.get(kind, {}))


def _commands() -> dict[str, tuple[Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]]:
    return {
        "run": (add_run_arguments, run_command),
        "sweep_trial": (add_run_arguments, run_command),
        "backtest": (add_backtest_arguments, backtest_command),
        "benchmark": (add_benchmark_arguments, benchmark_command),
    }


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise LabError(f"The stored settings cannot be run again ({message}).")


def rerun_command(args: argparse.Namespace) -> int:
    from lstm_core.sweep.results import of_collection

    stored = find_run(args)
    if stored.kind == "sweep_trial" and of_collection(stored.metrics):
        raise LabError(
            f"Run {stored.id[:12]} is a trial of the collection sweep {stored.study!r}, which `runs rerun` cannot run "
            "again alone (a trial is one global model scored on every series' validation part); rerun the sweep's "
            "benchmark entry instead, which trains its best settings again."
        )
    add_arguments, command = _commands()[stored.kind]
    config = {key: value for key, value in stored.config.items() if key not in ("backtest", "benchmark")}
    handle, path = tempfile.mkstemp(suffix=".json", prefix="lstm-lab-rerun-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump({"version": 1, "data_fingerprint": stored.fingerprint or None, **config}, file)
        argv = ["--config", path, "--out", args.out, *rerun_arguments(stored.kind, stored.config)]
        argv += [f"--{name}={getattr(args, name)}" for name in ("workspace", "db") if getattr(args, name, None)]
        parser = _Parser(prog=f"python -m lstm_core {stored.kind}")
        add_arguments(parser)
        return command(parser.parse_args(argv))
    finally:
        os.remove(path)
