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
from pathlib import Path
from typing import Any

from bench.common import emit, fmt, length_for_windows, noisy_sine, run_worker, spread, write_result

SCRIPT = Path(__file__).resolve()
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


def measure(name: str, backend: str, seeds: int, args: argparse.Namespace) -> dict[str, Any]:
    worker_args = [
        "--worker",
        "--seeds", str(seeds),
        "--train-windows", str(args.train_windows),
        "--window", str(args.window),
        "--units", str(args.units),
        "--epochs", str(args.epochs),
    ]  # fmt: skip
    inline = (lambda: worker(parse(worker_args))) if args.quick else None
    return run_worker(SCRIPT, worker_args, env={"KERAS_BACKEND": backend}, inline=inline)


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--seeds", type=int, default=5, help="ensemble size")
    parser.add_argument("--train-windows", type=int, default=4000)
    parser.add_argument("--window", type=int, default=10)
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument("--epochs", type=int, default=10, help="epochs per training")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (fresh processes each)")
    parser.add_argument("--no-jax", action="store_true")
    parser.add_argument("--quick", action="store_true", help="smoke test: tiny model, 1 round, in-process")
    parser.add_argument("--out", type=Path, default=None, help="results folder (default bench/results)")
    parser.add_argument("--name", default="ensemble_speed", help="result file name")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse(argv)
    if args.worker:
        emit(worker(args))
        return {}
    if args.quick:
        args.train_windows, args.units, args.window, args.epochs, args.rounds, args.seeds = 200, 4, 5, 2, 1, 2
        args.no_jax, args.name = True, "ensemble_speed_quick"
    items = [("one-tf", "tensorflow", 1), ("ens-tf", "tensorflow", args.seeds)]
    if not args.no_jax:
        items += [("one-jax", "jax", 1), ("ens-jax", "jax", args.seeds)]
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name, _, _ in items}
    started = time.perf_counter()
    for round_index in range(args.rounds):
        shift = round_index % len(items)
        for name, backend, seeds in items[shift:] + items[:shift]:
            result = measure(name, backend, seeds, args)
            runs[name].append(result)
            print(
                f"  round {round_index + 1}/{args.rounds} {name:<8} wall {result['wall_seconds']:.2f} s  "
                f"first epoch {result['first_epoch_seconds']:.2f} s  "
                f"steady epoch {result['steady_epoch_seconds']:.3f} s",
                flush=True,
            )
    summary: dict[str, Any] = {}
    for name, _, _ in items:
        summary[name] = {
            "wall_seconds": spread([r["wall_seconds"] for r in runs[name]]),
            "steady_epoch_seconds": spread([r["steady_epoch_seconds"] for r in runs[name]]),
            "first_epoch_seconds": spread([r["first_epoch_seconds"] for r in runs[name]]),
        }
    for ensemble, single in (("ens-tf", "one-tf"), ("ens-jax", "one-jax")):
        if ensemble not in summary:
            continue
        entry = summary[ensemble]
        for key in ("wall_seconds", "steady_epoch_seconds"):
            entry[f"{key}_ratio"] = entry[key]["median"] / summary[single][key]["median"]
        entry["paired_wall_ratio"] = spread(
            [e["wall_seconds"] / s["wall_seconds"] for e, s in zip(runs[ensemble], runs[single], strict=True)]
        )
        entry["target_wall_ratio"] = TARGET_RATIO
        entry["met"] = entry["wall_seconds_ratio"] <= TARGET_RATIO
    print(
        f"\nseed model LSTM({args.units}), window {args.window}, batch 32, {runs['one-tf'][0]['n_train']} training "
        f"windows, {args.epochs} epochs, {args.seeds} seeds, {args.rounds} rounds"
    )
    for name, entry in summary.items():
        line = f"{name:<8} wall {fmt(entry['wall_seconds'], ' s', 2)}"
        if "wall_seconds_ratio" in entry:
            line += (
                f"  ratio {entry['wall_seconds_ratio']:.2f}x (steady epoch {entry['steady_epoch_seconds_ratio']:.2f}x)"
                f"  target <= {TARGET_RATIO}x: {'met' if entry['met'] else 'MISSED'}"
            )
        print(line)
    path = write_result(
        args.name,
        {
            "settings": {k: v for k, v in vars(args).items() if k not in ("worker", "out")},
            "target_wall_ratio": TARGET_RATIO,
            "summary": summary,
            "runs": runs,
            "wall_seconds": round(time.perf_counter() - started, 1),
        },
        out_dir=args.out,
    )
    print(f"wrote {path}")
    return summary


if __name__ == "__main__":
    main()
