"""Seed-ensemble training speed: N seeds as one compiled model against one seed, same run.

Seed model: LSTM(50), window 10, Dense(1), Adam(1e-3), MSE, batch 32, about 4,000 training
windows of a noisy sine. Contenders, each in a fresh subprocess, rounds interleaved:

    one-tf     lstm_core.nn.train.train, seeds=1, TensorFlow backend (the reference)
    ens-tf     the same with seeds=N (one functional model, N branches), TensorFlow
    one-jax    seeds=1 on JAX
    ens-jax    seeds=N on JAX

Wall time is the whole `train` call (build, compile, every epoch, the NumPy validation loss);
steady epoch time is the median epoch after the first. Target: ens-tf wall time at most 2.5x
one-tf's (the medians over rounds; paired per round too). JAX is reported against one-jax.

    python bench/ensemble_speed.py                  # full run, writes bench/results/ensemble_speed.json
    python bench/ensemble_speed.py --rounds 2 --epochs 5 --no-jax
    python bench/ensemble_speed.py --quick          # smoke test: tiny, in-process, TensorFlow only
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from bench.common import fmt, length_for_windows, noisy_sine, spread
from bench.harness import Bench, Contender, column, ratio

TARGET_RATIO = 2.5  # ens-tf wall time / one-tf wall time


def worker(args: argparse.Namespace) -> dict[str, Any]:
    """Train `args.seeds` seeds of the seed model through lstm_core.nn.train.train and time it."""
    from lstm_core.runtime import configure_threads

    configure_threads()  # as the app and the command line do, before TensorFlow starts
    import keras

    from lstm_core.config.settings import ExperimentConfig, ModelConfig, TrainConfig, WindowConfig
    from lstm_core.data.windows import prepare
    from lstm_core.nn.train import train

    windows = prepare(noisy_sine(length_for_windows(args.train_windows)), WindowConfig(window=args.window))
    config = ExperimentConfig(
        windows=WindowConfig(window=args.window),
        model=ModelConfig(units=args.units),
        # A user's run is 100 epochs: compile options are chosen for that; stop after args.epochs (as Stop does).
        train=TrainConfig(epochs=max(args.epochs, 100), batch_size=32, seed=0, seeds=args.seeds, device="cpu"),
    )
    done: list[Any] = []
    started = time.perf_counter()
    result = train(windows, config, on_epoch=done.append, should_stop=lambda: len(done) >= args.epochs)
    wall = time.perf_counter() - started
    seconds = [float(s) for s in result.history["seconds"].iloc[: args.epochs]]
    return {
        "backend": keras.backend.backend(),
        "seeds": args.seeds,
        "members": len(result.members),
        "n_train": len(windows.x_train),
        "epochs": len(seconds),
        "wall_seconds": wall,
        "first_epoch_seconds": seconds[0],
        "steady_epoch_seconds": statistics.median(seconds[1:]) if len(seconds) > 1 else seconds[0],
        "final_val_loss": float(result.history["val_loss"].iloc[len(seconds) - 1]),
    }


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seeds", type=int, default=5, help="ensemble size")
    parser.add_argument("--train-windows", type=int, default=4000)
    parser.add_argument("--window", type=int, default=10)
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument("--epochs", type=int, default=10, help="epochs per training")
    parser.add_argument("--no-jax", action="store_true")


QUICK = {"train_windows": 200, "units": 4, "window": 5, "epochs": 2, "rounds": 1, "seeds": 2, "no_jax": True}
BENCH = Bench("ensemble_speed", __doc__, options=options, rounds=3, quick=QUICK)


def describe(result: dict[str, Any]) -> str:
    return (
        f"wall {result['wall_seconds']:.2f} s  first epoch {result['first_epoch_seconds']:.2f} s  "
        f"steady epoch {result['steady_epoch_seconds']:.3f} s"
    )


def main(argv: list[str] | None = None) -> dict[str, Any]:
    run = BENCH.start(argv)
    args = run.args
    contenders = []
    for backend in ("tensorflow",) if args.no_jax else ("tensorflow", "jax"):
        short, env = {"tensorflow": "tf"}.get(backend, backend), {"KERAS_BACKEND": backend}
        contenders.append(Contender(f"one-{short}", worker, env=env, options={"seeds": 1}))
        contenders.append(Contender(f"ens-{short}", worker, env=env))
    runs = run.rounds(contenders, describe=describe)
    summary: dict[str, Any] = {
        name: {
            key: spread(column(results, key)) for key in ("wall_seconds", "steady_epoch_seconds", "first_epoch_seconds")
        }
        for name, results in runs.items()
    }
    print(
        f"\nseed model LSTM({args.units}), window {args.window}, batch 32, {runs['one-tf'][0]['n_train']} training "
        f"windows, {args.epochs} epochs, {args.seeds} seeds, {args.rounds} rounds"
    )
    for name, entry in summary.items():
        line = f"{name:<8} wall {fmt(entry['wall_seconds'], ' s', 2)}"
        if name.startswith("ens-"):
            single = "one-" + name.removeprefix("ens-")
            wall = ratio(column(runs[name], "wall_seconds"), column(runs[single], "wall_seconds"), target=TARGET_RATIO,
                         at_most=True)  # fmt: skip
            steady = ratio(column(runs[name], "steady_epoch_seconds"), column(runs[single], "steady_epoch_seconds"))
            entry["wall_seconds_ratio"] = wall.value
            entry["steady_epoch_seconds_ratio"] = steady.value
            entry["paired_wall_ratio"] = wall.paired
            entry["target_wall_ratio"] = TARGET_RATIO
            entry["met"] = wall.met
            line += f"  {wall.line()} (steady epoch {steady.value:.2f}x)"
        print(line)
    run.write({"target_wall_ratio": TARGET_RATIO, "summary": summary, "runs": runs})
    return summary


if __name__ == "__main__":
    main()
