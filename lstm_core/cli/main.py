"""The command line's entry: the parser over the commands of `lstm_core.cli`, and one error line for bad input.

Bad input ends with exit status 2 and one line on stderr, `error: <what is wrong and what
to do>`, never a traceback. Progress goes to stderr, one line per epoch.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import warnings
from collections.abc import Callable, Sequence

from lstm_core.cli.backtest import add_backtest_arguments, backtest_command
from lstm_core.cli.run import add_run_arguments, list_samples_command, run_command
from lstm_core.cli.runs import add_runs_arguments, run_runs
from lstm_core.errors import LabError


def quiet_native_logs() -> None:
    """Keep C++ log lines (TensorFlow, XLA, absl) off the user's stderr; Python's own output stays.

    TensorFlow 2.21 logs through absl before `absl::InitializeLog()`, which ignores
    TF_CPP_MIN_LOG_LEVEL, and XLA logs when it compiles. Those lines go straight to file
    descriptor 2, so descriptor 2 is pointed at /dev/null and `sys.stderr` at a copy of the
    real one: our `error:`/`note:`/progress lines and any Python traceback (a bug) still show.
    Set LSTM_LAB_VERBOSE=1 to see everything.
    """
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    logging.getLogger("absl").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module=r"(keras|tensorflow|jax|absl)(\.|$)")
    if os.environ.get("LSTM_LAB_VERBOSE"):
        return
    try:
        sys.stderr.flush()
        real = os.dup(2)
        sys.stderr = os.fdopen(real, "w", buffering=1, encoding="utf-8", errors="backslashreplace")
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no real descriptor 2 (embedded, captured): leave it
        pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise LabError(f"{message}. See `{self.prog} --help`.")


def _add_sweep_arguments(parser: argparse.ArgumentParser) -> None:
    from lstm_core.cli.sweep import add_sweep_arguments

    add_sweep_arguments(parser)


def _sweep_command(args: argparse.Namespace) -> int:
    from lstm_core.cli.sweep import run_sweep_command

    return run_sweep_command(args)


def _add_compare_arguments(parser: argparse.ArgumentParser) -> None:
    from lstm_core.cli.compare import add_compare_arguments

    add_compare_arguments(parser)


def _compare_command(args: argparse.Namespace) -> int:
    from lstm_core.cli.compare import compare_command

    return compare_command(args)


def _runs_command(args: argparse.Namespace) -> int:
    if args.action == "rerun":  # runs the commands above, so it lives in its own module
        from lstm_core.cli.rerun import rerun_command

        return rerun_command(args)
    return run_runs(args)


def _add_benchmark_arguments(parser: argparse.ArgumentParser) -> None:
    from lstm_core.cli.benchmark import add_benchmark_arguments

    add_benchmark_arguments(parser)


def _benchmark_command(args: argparse.Namespace) -> int:
    from lstm_core.cli.benchmark import benchmark_command

    return benchmark_command(args)


# name -> (help, add its arguments, run it). A new command is one line here and a module in lstm_core/cli/.
COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]] = {
    "samples": ("list the bundled sample series", lambda parser: None, list_samples_command),
    "run": ("train an LSTM and write its results to --out", add_run_arguments, run_command),
    "sweep": (
        "search settings with Optuna (one study, any number of workers); best trial re-run into --out",
        _add_sweep_arguments,
        _sweep_command,
    ),
    "runs": (
        "list, show, export, import or rerun the runs, backtests and benchmarks of the run store",
        add_runs_arguments,
        _runs_command,
    ),
    "backtest": (
        "walk-forward backtest of an LSTM against the baselines, with intervals; results to --out",
        add_backtest_arguments,
        backtest_command,
    ),
    "compare-cells": (
        "the same experiment with an LSTM, a GRU and a plain RNN side by side (scores, gradient reach); results "
        "to --out",
        _add_compare_arguments,
        _compare_command,
    ),
    "benchmark": (
        "every model on every series of a collection (Tourism, M3, M1 or a CSV), scored as the competitions "
        "score; results to --out",
        _add_benchmark_arguments,
        _benchmark_command,
    ),
}


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m lstm_core", description="LSTM Lab from the command line.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, (help_text, add_arguments, _) in COMMANDS.items():
        add_arguments(commands.add_parser(name, help=help_text, description=help_text))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args, extra = _parser().parse_known_args(argv)
        if extra:  # named here, where the command is known (argparse would name the top-level program)
            raise LabError(
                f"unrecognized arguments: {' '.join(extra)}. See `python -m lstm_core {args.command} --help`."
            )
        return COMMANDS[args.command][2](args)
    except LabError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(
            f"error: {exc.strerror or exc}: {exc.filename or ''}. Check the path and permissions.",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        print("error: interrupted.", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: still one line; LSTM_LAB_VERBOSE=1 shows the traceback
        if os.environ.get("LSTM_LAB_VERBOSE") == "1":
            raise
        print(
            f"error: internal error ({type(exc).__name__}: {exc}); please report it with the command you ran "
            "(LSTM_LAB_VERBOSE=1 shows the details).",
            file=sys.stderr,
        )
        return 1
