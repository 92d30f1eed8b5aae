"""What the Deterministic switch costs: `lstm_core.nn.train.train` on the seed model with
`deterministic=False` (reference) and `deterministic=True`, in the same run.

Seed model: LSTM(50), window 10, Dense(1), Adam(1e-3), MSE, batch 32, about 4,000 training windows of a
noisy sine. Each measurement is a fresh subprocess (TensorFlow's op determinism is process-wide), rounds
interleaved (off, on, off, on, ...). Speed is steady-state windows per second over epochs 2..N; the
final validation loss of two deterministic workers must be identical (same seed, same machine).

    python bench/determinism_speed.py [--rounds 3] [--epochs 8] [--backend tensorflow] [--threads N] [--quick]

`--threads N` sets TF_NUM_INTRAOP_THREADS for the workers (by default the workers keep TensorFlow's own
choice; the app and the command line choose 1 on two cores or fewer). The result also says whether the
runs without the switch were identical too.
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path
from typing import Any

from bench.common import emit, fmt, length_for_windows, noisy_sine, run_worker, spread, write_result

SCRIPT = Path(__file__).resolve()


def worker(epochs: int, train_windows: int, deterministic: bool) -> dict[str, Any]:
    from lstm_core.config.settings import ExperimentConfig, WindowConfig
    from lstm_core.data.windows import prepare
    from lstm_core.nn.train import train

    windows = prepare(noisy_sine(length_for_windows(train_windows)), WindowConfig())
    config = ExperimentConfig().replace(epochs=epochs, device="cpu", deterministic=deterministic)
    result = train(windows, config)
    return {
        "samples_per_second": result.samples_per_second,
        "train_seconds": result.train_seconds,
        "first_epoch_seconds": result.first_epoch_seconds,
        "final_val_loss": float(result.history["val_loss"].iloc[-1]),
        "backend": result.backend,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--train-windows", type=int, default=4000)
    parser.add_argument("--backend", default="tensorflow", choices=("tensorflow", "jax"))
    parser.add_argument("--threads", type=int, default=None, help="TF_NUM_INTRAOP_THREADS for the workers")
    parser.add_argument("--quick", action="store_true", help="tiny and in-process: proves the script runs")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--worker", choices=("off", "on"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        emit(worker(args.epochs, args.train_windows, args.worker == "on"))
        return
    if args.quick:
        args.rounds, args.epochs, args.train_windows = 1, 2, 200
    results: dict[str, list[dict[str, Any]]] = {"off": [], "on": []}
    env = {"KERAS_BACKEND": args.backend}
    if args.threads:
        env["TF_NUM_INTRAOP_THREADS"] = str(args.threads)
    for _ in range(args.rounds):
        for mode in ("off", "on"):
            inline = (lambda m=mode: worker(args.epochs, args.train_windows, m == "on")) if args.quick else None
            worker_args = ["--worker", mode, "--epochs", str(args.epochs), "--train-windows", str(args.train_windows)]
            results[mode].append(run_worker(SCRIPT, worker_args, env={"KERAS_BACKEND": args.backend}, inline=inline))
    speed = {mode: spread([r["samples_per_second"] for r in rows]) for mode, rows in results.items()}
    ratio = speed["on"]["median"] / speed["off"]["median"]
    losses = [r["final_val_loss"] for r in results["on"]]
    plain_losses = [r["final_val_loss"] for r in results["off"]]
    print(f"deterministic off (reference): {fmt(speed['off'], ' windows/s')}")
    print(f"deterministic on: {fmt(speed['on'], ' windows/s')}")
    print(f"ratio on / off: {ratio:.3f} ({args.backend}; cost {100 * (1 - ratio):.1f}% of the speed)")
    print(f"deterministic final val_loss identical across workers: {len(set(losses)) == 1} ({losses})")
    print(f"without it, identical: {len(set(plain_losses)) == 1} ({plain_losses})")
    payload = {
        "backend": args.backend,
        "epochs": args.epochs,
        "train_windows": args.train_windows,
        "speed": speed,
        "ratio_on_over_off": ratio,
        "first_epoch_seconds": {
            m: statistics.median(r["first_epoch_seconds"] for r in rows) for m, rows in results.items()
        },
        "deterministic_val_losses": losses,
        "deterministic_identical": len(set(losses)) == 1,
        "plain_val_losses": plain_losses,
        "plain_identical": len(set(plain_losses)) == 1,
        "intra_op_threads": args.threads or "default (1 on two cores or fewer)",
        "rows": results,
    }
    name = "determinism_speed" + ("_quick" if args.quick else "" if args.backend == "tensorflow" else "_jax")
    name += f"_threads{args.threads}" if args.threads and not args.quick else ""
    path = write_result(name, payload, out_dir=args.out)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
