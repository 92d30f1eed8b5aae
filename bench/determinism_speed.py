"""What the Deterministic switch costs: `lstm_core.nn.train.train` on the seed model with
`deterministic=False` (reference) and `deterministic=True`, in the same run.

Seed model: LSTM(50), window 10, Dense(1), Adam(1e-3), MSE, batch 32, about 4,000 training windows of a
noisy sine. Each measurement is a fresh subprocess (TensorFlow's op determinism is process-wide), rounds
interleaved (off, on, then on, off, ...). Speed is steady-state windows per second over epochs 2..N; the
final validation loss of two deterministic workers must be identical (same seed, same machine).

    python bench/determinism_speed.py [--rounds 3] [--epochs 8] [--backend tensorflow] [--threads N] [--quick]

`--threads N` sets TF_NUM_INTRAOP_THREADS for the workers (by default the workers keep TensorFlow's own
choice; the app and the command line choose 1 on two cores or fewer). The result also says whether the
runs without the switch were identical too.
"""

from __future__ import annotations

import argparse
import statistics
from typing import Any

from bench.common import fmt, length_for_windows, noisy_sine, spread
from bench.harness import Bench, Contender, column, ratio


def worker(args: argparse.Namespace) -> dict[str, Any]:
    from lstm_core.config.settings import ExperimentConfig, WindowConfig
    from lstm_core.data.windows import prepare
    from lstm_core.nn.train import train

    windows = prepare(noisy_sine(length_for_windows(args.train_windows)), WindowConfig())
    config = ExperimentConfig().replace(epochs=args.epochs, device="cpu", deterministic=args.deterministic)
    result = train(windows, config)
    return {
        "samples_per_second": result.samples_per_second,
        "train_seconds": result.train_seconds,
        "first_epoch_seconds": result.first_epoch_seconds,
        "final_val_loss": float(result.history["val_loss"].iloc[-1]),
        "backend": result.backend,
    }


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--train-windows", type=int, default=4000)
    parser.add_argument("--backend", default="tensorflow", choices=("tensorflow", "jax"))
    parser.add_argument("--threads", type=int, default=None, help="TF_NUM_INTRAOP_THREADS for the workers")


BENCH = Bench(
    "determinism_speed", __doc__, options=options, rounds=3, quick={"rounds": 1, "epochs": 2, "train_windows": 200}
)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    run = BENCH.start(argv)
    args = run.args
    if args.name == BENCH.name:  # the default name says the backend and the thread count
        args.name += ("" if args.backend == "tensorflow" else "_jax") + (
            f"_threads{args.threads}" if args.threads else ""
        )
    env = {"KERAS_BACKEND": args.backend}
    if args.threads:
        env["TF_NUM_INTRAOP_THREADS"] = str(args.threads)
    contenders = [Contender(mode, worker, env=env, options={"deterministic": mode == "on"}) for mode in ("off", "on")]
    results = run.rounds(contenders)
    speed = {mode: spread(column(rows, "samples_per_second")) for mode, rows in results.items()}
    cost = ratio(column(results["on"], "samples_per_second"), column(results["off"], "samples_per_second"))
    losses = column(results["on"], "final_val_loss")
    plain_losses = column(results["off"], "final_val_loss")
    print(f"deterministic off (reference): {fmt(speed['off'], ' windows/s')}")
    print(f"deterministic on: {fmt(speed['on'], ' windows/s')}")
    print(
        f"{cost.line('ratio on / off', digits=3, unit='')} ({args.backend}; cost {100 * (1 - cost.value):.1f}% "
        "of the speed)"
    )
    print(f"deterministic final val_loss identical across workers: {len(set(losses)) == 1} ({losses})")
    print(f"without it, identical: {len(set(plain_losses)) == 1} ({plain_losses})")
    payload = {
        "backend": args.backend,
        "epochs": args.epochs,
        "train_windows": args.train_windows,
        "speed": speed,
        "ratio_on_over_off": cost.value,
        "paired_ratio_on_over_off": cost.paired,
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
    run.write(payload)
    return payload


if __name__ == "__main__":
    main()
