"""A 20-fold walk-forward backtest (retrain never) against one `run` of the same configuration.

The reference is `run_experiment` (prepare, train, test predictions, future forecast, bands): what a
user waits for after pressing Train. Ours is `run_backtest` with retrain "never": one training on the
data before the first origin, then all 20 folds' 12-step forecasts through the NumPy kernel in one
batched pass. Both use the seed model (LSTM(50), window 10, batch 32) on a noisy sine with about 4,000
training windows; the backtest's first origin is at 80% (its training part is the run's train +
validation). Run and backtest alternate (A B A B) in one fresh process per backend, after a warm-up
training, so neither pays the Keras import. Then one backtest retraining every K folds (default every
fold) says what retraining costs. Target: backtest <= 1.2x the run.

    python bench/backtest_speed.py                 # TensorFlow
    python bench/backtest_speed.py --quick         # smoke test: in-process, tiny
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import emit, fmt, length_for_windows, noisy_sine, run_worker, spread, write_result

SCRIPT = Path(__file__).resolve()
TARGET = 1.2


def _dataset(length: int) -> Any:
    import pandas as pd

    from lstm_core.data.dataset import Dataset

    frame = pd.DataFrame({"value": noisy_sine(length).astype("float64")}, index=pd.RangeIndex(length, name="step"))
    return Dataset(frame=frame, target="value", name="noisy-sine", source="bench")


def worker(args: argparse.Namespace) -> dict[str, Any]:
    import keras

    from lstm_core.config.settings import BacktestConfig, ExperimentConfig
    from lstm_core.evaluate.backtest import run_backtest
    from lstm_core.experiment.run import run_experiment

    length = length_for_windows(args.windows)
    dataset = _dataset(length)
    config = ExperimentConfig().replace(epochs=args.epochs, units=args.units, seed=0, device="cpu", season_length=30)
    start = 0.8
    first = round(length * start)
    stride = max(1, (length - first - args.horizon) // (args.folds - 1))
    never = BacktestConfig(start=str(start), horizon=args.horizon, stride=stride)
    run_experiment(_dataset(200), config.replace(epochs=1))  # warm-up: Keras import, first trace

    times: dict[str, list[float]] = {"run": [], "backtest_never": []}
    epochs: dict[str, list[float]] = {"run": [], "backtest_never": []}  # of which in training epochs
    folds = None
    for _ in range(args.repeats):
        started = time.perf_counter()
        run = run_experiment(dataset, config)
        times["run"].append(time.perf_counter() - started)
        epochs["run"].append(run.train.train_seconds)
        started = time.perf_counter()
        result = run_backtest(dataset, config, never)
        times["backtest_never"].append(time.perf_counter() - started)
        epochs["backtest_never"].append(result.summary["train_seconds"])
        folds = result.folds
        print(
            f"run {times['run'][-1]:.1f} s, backtest {times['backtest_never'][-1]:.1f} s", file=sys.stderr, flush=True
        )
    retrain = None
    if args.retrain_every:
        started = time.perf_counter()
        retrained = run_backtest(dataset, config, BacktestConfig(**{**vars(never), "retrain": str(args.retrain_every)}))
        retrain = {
            "every": args.retrain_every,
            "seconds": time.perf_counter() - started,
            "trainings": retrained.summary["trainings"],
            "train_seconds": retrained.summary["train_seconds"],
        }
    return {
        "backend": keras.backend.backend(),
        "length": length,
        "folds": folds,
        "stride": stride,
        "seconds": times,
        "epoch_seconds": epochs,
        "retrain": retrain,
    }


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--windows", type=int, default=4000, help="training windows of the run")
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--folds", type=int, default=20)
    parser.add_argument("--horizon", type=int, default=12)
    parser.add_argument("--repeats", type=int, default=2, help="interleaved run/backtest pairs")
    parser.add_argument("--retrain-every", type=int, default=1, help="K for the retraining backtest (0: skip it)")
    parser.add_argument("--backends", default="tensorflow")
    parser.add_argument("--name", default="backtest_speed", help="result file name")
    parser.add_argument("--quick", action="store_true", help="smoke test: in-process, tiny")
    parser.add_argument("--inline", action="store_true", help="measure in this process (progress lines visible)")
    parser.add_argument("--out", type=Path, default=None)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse(argv)
    if args.worker:
        emit(worker(args))
        return {}
    if args.quick:
        args.windows, args.units, args.epochs, args.folds, args.horizon, args.repeats = 200, 4, 1, 4, 3, 1
        args.retrain_every = 2
    worker_args = [
        "--worker", "--windows", str(args.windows), "--units", str(args.units), "--epochs", str(args.epochs),
        "--folds", str(args.folds), "--horizon", str(args.horizon), "--repeats", str(args.repeats),
        "--retrain-every", str(args.retrain_every),
    ]  # fmt: skip
    results: dict[str, Any] = {}
    for backend in ["(in-process)"] if args.quick else args.backends.split(","):
        inline = (lambda: worker(parse(worker_args))) if args.quick or args.inline else None
        result = run_worker(SCRIPT, worker_args, env={"KERAS_BACKEND": backend}, inline=inline, timeout=7200)
        stats = {name: spread(values) for name, values in result["seconds"].items()}
        ratio = stats["backtest_never"]["median"] / stats["run"]["median"]
        paired = [b / r for b, r in zip(result["seconds"]["backtest_never"], result["seconds"]["run"], strict=True)]
        result.update(stats=stats, ratio=ratio, paired_ratio=spread(paired), target_met=ratio <= TARGET)
        retrain = result["retrain"]
        if retrain:
            retrain["ratio_vs_run"] = retrain["seconds"] / stats["run"]["median"]
        results[result["backend"]] = result
        print(
            f"{result['folds']}-fold backtest, horizon {args.horizon}, LSTM({args.units}), window 10, batch 32, "
            f"{args.epochs} epochs, {result['length']:,} points, backend {result['backend']}:"
        )
        print(f"  reference: one run               {fmt(stats['run'], ' s', 2)}")
        print(f"  ours: backtest, retrain never    {fmt(stats['backtest_never'], ' s', 2)}")
        print(
            f"  ratio {ratio:.2f}x (paired {min(paired):.2f}-{max(paired):.2f}x); target <= {TARGET}x: "
            f"{'met' if ratio <= TARGET else 'MISSED'}"
        )
        outside = {
            name: spread([t - e for t, e in zip(result["seconds"][name], result["epoch_seconds"][name], strict=True)])
            for name in ("run", "backtest_never")
        }
        result["outside_epochs"] = outside
        print(
            f"  outside the training epochs (build, predictions, folds, bands): run {fmt(outside['run'], ' s', 2)}, "
            f"backtest {fmt(outside['backtest_never'], ' s', 2)}"
        )
        if retrain:
            print(
                f"  retrain every {retrain['every']} fold(s): {retrain['seconds']:.1f} s, {retrain['trainings']} "
                f"trainings, {retrain['ratio_vs_run']:.1f}x one run"
            )
    path = write_result(
        "backtest_speed_quick" if args.quick else args.name,
        {
            "settings": {k: v for k, v in vars(args).items() if k not in ("worker", "out")},
            "target_ratio": TARGET,
            "results": results,
        },
        out_dir=args.out,
    )
    print(f"wrote {path}")
    return results


if __name__ == "__main__":
    main()
