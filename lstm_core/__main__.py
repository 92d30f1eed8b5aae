"""The command line: `python -m lstm_core samples` and `python -m lstm_core run ...`.

Bad input ends with exit status 2 and one line on stderr, `error: <what is wrong and what
to do>`, never a traceback. Progress goes to stderr, one line per epoch.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

from lstm_core.config import ExperimentConfig
from lstm_core.errors import LabError
from lstm_core.options import RUN_PARTS, add_config_options, config_from_args, load_with_notes
from lstm_core.runs_cli import add_runs_arguments, add_store_options, run_runs, save_cli_run
from lstm_core.runtime import configure_threads

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # keep TensorFlow's start-up chatter off stderr


def _quiet_native_logs() -> None:
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


def _add_run_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", help="a config.json to run again (options given here override it)")
    parser.add_argument("--out", required=True, help="folder for the results")
    add_config_options(parser, RUN_PARTS)
    add_store_options(parser)


def _add_backtest_arguments(parser: argparse.ArgumentParser) -> None:
    from lstm_core.config import BacktestConfig

    parser.add_argument("--config", help="a config.json to backtest (options given here override it)")
    parser.add_argument("--out", required=True, help="folder for the results")
    add_config_options(parser, (*RUN_PARTS, BacktestConfig))


# name -> (help, add its arguments, run it). A new command is one line here and a function.
COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]] = {
    "samples": ("list the bundled sample series", lambda parser: None, lambda args: _samples()),
    "run": ("train an LSTM and write its results to --out", _add_run_arguments, lambda args: _run(args)),
    "sweep": (
        "search settings with Optuna (one study, any number of workers); best trial re-run into --out",
        lambda parser: _sweep_cli().add_sweep_arguments(parser),
        lambda args: _sweep_cli().run_sweep_command(args, experiment_config),
    ),
    "runs": ("list, show, export or import the runs of the run store", add_runs_arguments, run_runs),
    "backtest": (
        "walk-forward backtest of an LSTM against the baselines, with intervals; results to --out",
        _add_backtest_arguments,
        lambda args: _backtest(args),
    ),
}


def _sweep_cli():
    from lstm_core import sweep_cli

    return sweep_cli


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m lstm_core", description="LSTM Lab from the command line.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, (help_text, add_arguments, _) in COMMANDS.items():
        add_arguments(commands.add_parser(name, help=help_text, description=help_text))
    return parser


def experiment_config(args: argparse.Namespace, parts: tuple[str, ...] = RUN_PARTS) -> ExperimentConfig:
    """The config a command runs: `--config FILE` if given, else the defaults, with the options given on top."""
    base = ExperimentConfig()
    if getattr(args, "config", None):
        try:
            text = Path(args.config).read_text(encoding="utf-8")
        except OSError as exc:
            raise LabError(f"The config file {args.config} cannot be read ({exc.strerror}). Check the path.") from None
        base = ExperimentConfig.from_json(text)
        args.data_fingerprint = json.loads(text).get("data_fingerprint")
    config = config_from_args(args, base)
    if not getattr(args, "config", None) and not hasattr(args, "source"):
        raise LabError(
            "the following arguments are required: --data (or --config). See `python -m lstm_core run --help`."
        )
    if config.data.source.startswith("upload:"):
        raise LabError(
            f"This config was made from an uploaded file ({config.data.source.removeprefix('upload:')}); "
            "give that file again with --data FILE."
        )
    return config


def _samples() -> int:
    from lstm_core.data import list_samples

    for sample in list_samples():
        print(f"{sample.name:<24} {sample.description}")
    return 0


def _run(args: argparse.Namespace) -> int:
    import time

    from lstm_core.determinism import note as determinism_note
    from lstm_core.experiment import run_experiment
    from lstm_core.export import write_run
    from lstm_core.fingerprint import fingerprint_note

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
    if run.train.stop_reason == "nan":
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
    spread = scores.extra.get("seed_spread")
    seeds = ""
    if spread:
        rmse, skill = spread["lstm"]["rmse"], spread["skill_vs_naive"]
        seeds = (
            f" Across {scores.extra['seeds']} seeds (mean ± sd): LSTM RMSE {_number(rmse['mean'])} ± "
            f"{_number(rmse['sd'])}, skill vs naive {_number(skill['mean'])} ± {_number(skill['sd'])}; "
            "the figures above are the ensemble mean's."
        )
    print(
        f"{dataset.name}: LSTM RMSE {_number(scores.rmse('lstm'))}, naive RMSE {_number(scores.rmse('naive'))}, "
        f"skill vs naive {_number(scores.skill_vs_naive)} (the LSTM {verdict} the naive forecast), "
        f"skill vs seasonal naive {_number(scores.skill_vs_seasonal_naive)}.{seeds} "
        f"Results in {args.out}",
        file=sys.stderr,
    )
    return 0


def _backtest(args: argparse.Namespace) -> int:
    from lstm_core.backtest_cli import run_backtest_command

    return run_backtest_command(args, experiment_config(args))


def _number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4g}"


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


if __name__ == "__main__":
    configure_threads()
    _quiet_native_logs()
    sys.exit(main())
