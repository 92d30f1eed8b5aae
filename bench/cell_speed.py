"""Training speed of the three cells: a GRU and a plain RNN against the LSTM of the same size, same run.

Seed model with each cell: <cell>(50), window 10, Dense(1), Adam(1e-3), MSE, batch 32, about 4,000 training
windows of a noisy sine, TensorFlow on the CPU. Contenders, each in a fresh subprocess, rounds interleaved:

    lstm   lstm_core.nn.train.train with cell="lstm" (the reference)
    gru    the same with cell="gru" (Keras's GRU, reset_after=True)
    rnn    the same with cell="rnn" (SimpleRNN)

Samples per second are the training windows over the median steady epoch (the epochs after the first, which
includes tracing and compilation). Target (issue 21): the GRU at least 0.9x the LSTM's samples per second.

    python bench/cell_speed.py                  # full run, writes bench/results/cell_speed.json
    python bench/cell_speed.py --rounds 2 --epochs 5
    python bench/cell_speed.py --quick          # smoke test: tiny, in-process
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from bench.common import fmt, length_for_windows, noisy_sine, spread
from bench.harness import Bench, Contender, column, ratio

TARGET_RATIO = 0.9  # GRU samples per second / LSTM samples per second, at least
CELLS = ("lstm", "gru", "rnn")


def worker(args: argparse.Namespace) -> dict[str, Any]:
    """Train the seed model with `args.cell` through lstm_core.nn.train.train and time its epochs."""
    from lstm_core.runtime import configure_threads

    configure_threads()  # as the app and the command line do, before TensorFlow starts
    from lstm_core.config.settings import ExperimentConfig, ModelConfig, TrainConfig, WindowConfig
    from lstm_core.data.windows import prepare
    from lstm_core.nn.train import train

    windows = prepare(noisy_sine(length_for_windows(args.train_windows)), WindowConfig(window=args.window))
    config = ExperimentConfig(
        windows=WindowConfig(window=args.window),
        model=ModelConfig(units=args.units, cell=args.cell),
        # A user's run is 100 epochs: compile options are chosen for that; stop after args.epochs (as Stop does).
        train=TrainConfig(epochs=max(args.epochs, 100), batch_size=32, seed=0, device="cpu"),
    )
    done: list[Any] = []
    started = time.perf_counter()
    result = train(windows, config, on_epoch=done.append, should_stop=lambda: len(done) >= args.epochs)
    wall = time.perf_counter() - started
    seconds = [float(s) for s in result.history["seconds"].iloc[: args.epochs]]
    steady = statistics.median(seconds[1:]) if len(seconds) > 1 else seconds[0]
    return {
        "cell": args.cell,
        "n_train": len(windows.x_train),
        "epochs": len(seconds),
        "wall_seconds": wall,
        "first_epoch_seconds": seconds[0],
        "steady_epoch_seconds": steady,
        "samples_per_second": len(windows.x_train) / steady,
    }


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cell", choices=CELLS, default="lstm", help=argparse.SUPPRESS)  # set per contender
    parser.add_argument("--train-windows", type=int, default=4000)
    parser.add_argument("--window", type=int, default=10)
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument("--epochs", type=int, default=10, help="epochs per training")


QUICK = {"train_windows": 200, "units": 4, "window": 5, "epochs": 2, "rounds": 1}
BENCH = Bench("cell_speed", __doc__, options=options, rounds=3, quick=QUICK)


def describe(result: dict[str, Any]) -> str:
    return (
        f"wall {result['wall_seconds']:.2f} s  first epoch {result['first_epoch_seconds']:.2f} s  "
        f"steady epoch {result['steady_epoch_seconds']:.3f} s  {result['samples_per_second']:,.0f} samples/s"
    )


def main(argv: list[str] | None = None) -> dict[str, Any]:
    run = BENCH.start(argv)
    args = run.args
    runs = run.rounds([Contender(cell, worker, options={"cell": cell}) for cell in CELLS], describe=describe)
    summary: dict[str, Any] = {
        cell: {key: spread(column(results, key)) for key in ("samples_per_second", "steady_epoch_seconds")}
        for cell, results in runs.items()
    }
    print(
        f"\nseed model, <cell>({args.units}), window {args.window}, batch 32, {runs['lstm'][0]['n_train']} training "
        f"windows, {args.epochs} epochs, {args.rounds} rounds"
    )
    for cell, entry in summary.items():
        line = f"{cell:<5} {fmt(entry['samples_per_second'], ' samples/s', 0)}"
        if cell != "lstm":
            target = TARGET_RATIO if cell == "gru" else None
            speed = ratio(
                column(runs[cell], "samples_per_second"), column(runs["lstm"], "samples_per_second"), target=target
            )
            entry["samples_per_second_ratio"] = speed.value
            entry["paired_ratio"] = speed.paired
            if target is not None:
                entry["target_ratio"], entry["met"] = target, speed.met
            line += f"  {speed.line()} of the LSTM's"
        print(line)
    run.write({"target_ratio": TARGET_RATIO, "summary": summary, "runs": runs})
    return summary


if __name__ == "__main__":
    main()
