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
from typing import Any

from bench.common import fmt, length_for_windows, noisy_sine, spread
from bench.harness import Bench, Contender, ratio

TARGET = 1.2


def _dataset(length: int) -> Any:
    import pandas as pd

    from lstm_core.data.dataset import Dataset

    frame = pd.DataFrame({"value": noisy_sine(length).astype("float64")}, index=pd.RangeIndex(length, name="step"))
    return Dataset(frame=frame, target="value", name="noisy-sine", source="bench")


def worker(args: argparse.Namespace) -> dict[str, Any]:
    import keras

    from lstm_core.config.backtest import BacktestConfig
    from lstm_core.config.settings import ExperimentConfig
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


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--windows", type=int, default=4000, help="training windows of the run")
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--folds", type=int, default=20)
    parser.add_argument("--horizon", type=int, default=12)
    parser.add_argument("--repeats", type=int, default=2, help="interleaved run/backtest pairs")
    parser.add_argument("--retrain-every", type=int, default=1, help="K for the retraining backtest (0: skip it)")
    parser.add_argument("--backends", default="tensorflow")


QUICK = {"windows": 200, "units": 4, "epochs": 1, "folds": 4, "horizon": 3, "repeats": 1, "retrain_every": 2,
         "backends": "tensorflow"}  # fmt: skip
# --inline measures in this process: the worker's progress lines are visible.
BENCH = Bench("backtest_speed", __doc__, options=options, quick=QUICK, timeout=7200)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    run = BENCH.start(argv)
    args = run.args
    contenders = [Contender(backend, worker, env={"KERAS_BACKEND": backend}) for backend in args.backends.split(",")]
    results: dict[str, Any] = {}
    for [result] in run.rounds(contenders).values():  # one process per backend; run and backtest alternate inside
        stats = {name: spread(values) for name, values in result["seconds"].items()}
        cost = ratio(result["seconds"]["backtest_never"], result["seconds"]["run"], target=TARGET, at_most=True)
        result.update(stats=stats, ratio=cost.value, paired_ratio=cost.paired, target_met=cost.met)
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
        print(f"  {cost.line()}")
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
    run.write({"target_ratio": TARGET, "results": results})
    return results


if __name__ == "__main__":
    main()
