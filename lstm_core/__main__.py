"""The command line: `python -m lstm_core samples` and `python -m lstm_core run ...`.

Bad input ends with exit status 2 and one line on stderr, `error: <what is wrong and what
to do>`, never a traceback. Progress goes to stderr, one line per epoch.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import warnings
from collections.abc import Sequence

from lstm_core.config import (
    DataConfig,
    ExperimentConfig,
    ForecastConfig,
    ModelConfig,
    TrainConfig,
    WindowConfig,
)
from lstm_core.errors import LabError

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
        raise LabError(f"{message}. See `python -m lstm_core {self.prog.split()[-1]} --help`.")


def _parser() -> argparse.ArgumentParser:
    defaults = ExperimentConfig()
    parser = _Parser(prog="lstm_core", description="LSTM Lab from the command line.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    commands.add_parser("samples", help="list the bundled sample series")
    run = commands.add_parser("run", help="train an LSTM and write its results to --out")
    run.add_argument("--data", required=True, help="a CSV path, sample:NAME or yahoo:TICKER")
    run.add_argument("--out", required=True, help="folder for the results")
    run.add_argument("--column", help="target column (default: detected)")
    run.add_argument("--date-column", help="date column (default: detected)")
    run.add_argument("--features", default="", help="extra input columns, comma-separated")
    run.add_argument("--period", default=defaults.data.period, help="Yahoo period, e.g. 1y, 5y, max")
    run.add_argument("--interval", default=defaults.data.interval, help="Yahoo interval, e.g. 1d, 1wk")
    run.add_argument("--window", type=int, default=defaults.windows.window)
    run.add_argument("--val-fraction", type=float, default=defaults.windows.val_fraction)
    run.add_argument("--test-fraction", type=float, default=defaults.windows.test_fraction)
    run.add_argument("--scaler", default=defaults.windows.scaler, choices=["minmax", "standard", "none"])
    run.add_argument(
        "--difference",
        action="store_true",
        help="learn the change from one step to the next instead of the level (helps on trending series); "
        "forecasts and metrics stay in the series' units",
    )
    run.add_argument("--units", type=int, default=defaults.model.units)
    run.add_argument("--layers", type=int, default=defaults.model.layers)
    run.add_argument("--dropout", type=float, default=defaults.model.dropout)
    run.add_argument(
        "--recurrent-dropout",
        type=float,
        default=0.0,
        help="> 0 disables the fast GPU kernel (much slower there)",
    )
    run.add_argument("--epochs", type=int, default=defaults.train.epochs)
    run.add_argument("--batch-size", type=int, default=defaults.train.batch_size)
    run.add_argument("--learning-rate", type=float, default=defaults.train.learning_rate)
    run.add_argument("--patience", type=int, default=None, help="early-stopping patience in epochs")
    run.add_argument("--seed", type=int, default=defaults.train.seed)
    run.add_argument("--device", default="auto", choices=["auto", "cpu", "gpu"])
    run.add_argument("--forecast-steps", type=int, default=defaults.forecast.forecast_steps)
    run.add_argument("--season-length", type=int, default=None, help="default: from the date frequency")
    return parser


def _config(args: argparse.Namespace) -> ExperimentConfig:
    return ExperimentConfig(
        data=DataConfig(
            source=args.data,
            column=args.column,
            date_column=args.date_column,
            features=tuple(f.strip() for f in args.features.split(",") if f.strip()),
            period=args.period,
            interval=args.interval,
        ),
        windows=WindowConfig(
            window=args.window,
            val_fraction=args.val_fraction,
            test_fraction=args.test_fraction,
            scaler=args.scaler,
            difference=args.difference,
        ),
        model=ModelConfig(
            units=args.units,
            layers=args.layers,
            dropout=args.dropout,
            recurrent_dropout=args.recurrent_dropout,
        ),
        train=TrainConfig(
            epochs=args.epochs,
            batch_size=args.batch_size,
            learning_rate=args.learning_rate,
            patience=args.patience,
            seed=args.seed,
            device=args.device,
        ),
        forecast=ForecastConfig(forecast_steps=args.forecast_steps, season_length=args.season_length),
    )


def _samples() -> int:
    from lstm_core.data import list_samples

    for sample in list_samples():
        print(f"{sample.name:<24} {sample.description}")
    return 0


def _run(args: argparse.Namespace) -> int:
    from lstm_core.data import load
    from lstm_core.experiment import run_experiment
    from lstm_core.export import write_run

    config = _config(args)
    data = config.data
    dataset = load(
        data.source,
        column=data.column,
        date_column=data.date_column,
        features=data.features,
        period=data.period,
        interval=data.interval,
    )
    for note in dataset.notes:
        print(f"note: {note}", file=sys.stderr)

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
    write_run(run, args.out)
    scores = run.metrics
    verdict = "beats" if scores["beats_naive"] else "does not beat"
    print(
        f"{dataset.name}: LSTM RMSE {_number((scores['lstm'] or {}).get('rmse'))}, "
        f"naive RMSE {_number((scores['naive'] or {}).get('rmse'))}, "
        f"skill vs naive {_number(scores['skill_vs_naive'])} (the LSTM {verdict} the naive forecast), "
        f"skill vs seasonal naive {_number(scores['skill_vs_seasonal_naive'])}. "
        f"Results in {args.out}",
        file=sys.stderr,
    )
    return 0


def _number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4g}"


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args, extra = _parser().parse_known_args(argv)
        if extra:  # named here, where the command is known (argparse would name the top-level program)
            raise LabError(
                f"unrecognized arguments: {' '.join(extra)}. See `python -m lstm_core {args.command} --help`."
            )
        if args.command == "samples":
            return _samples()
        return _run(args)
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
    _quiet_native_logs()
    sys.exit(main())
