"""How training speed and memory scale: series length, units and window, one factor at a time.

Starting from the seed model (LSTM(50), window 10, batch 32, a noisy sine of 5,729 points,
i.e. about 4,000 training windows), one factor changes at a time:

    length   1,000 / 10,000 / 100,000 points
    units    16 / 64 / 256
    window   10 / 60 / 120

Each point trains with `lstm_core.nn.train.train` for 2 epochs in a fresh subprocess; speed is
training windows per second in epoch 2 (epoch 1 includes compilation, reported separately),
memory is the process's peak resident memory (ru_maxrss, imports included). One run per
point per backend (this is a shape, not a target; spread is in train_speed.py). Writes
bench/results/scaling.json, scaling.csv and scaling.png (matplotlib, if installed).

    python bench/scaling.py                       # TensorFlow and JAX backends
    python bench/scaling.py --backends tensorflow
    python bench/scaling.py --quick               # smoke test: in-process, tiny
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path
from typing import Any

from bench.common import RESULTS, length_for_windows, noisy_sine, peak_rss_mb
from bench.harness import Bench, Contender

SEED = {"length": length_for_windows(4000), "units": 50, "window": 10}
FACTORS = {"length": [1_000, 10_000, 100_000], "units": [16, 64, 256], "window": [10, 60, 120]}


def worker(args: argparse.Namespace) -> dict[str, Any]:
    import keras

    from lstm_core.config.settings import ExperimentConfig, ModelConfig, TrainConfig, WindowConfig
    from lstm_core.data.windows import prepare
    from lstm_core.nn.train import train

    windows = prepare(noisy_sine(args.length), WindowConfig(window=args.window))
    config = ExperimentConfig(
        windows=WindowConfig(window=args.window),
        model=ModelConfig(units=args.units),
        train=TrainConfig(epochs=args.epochs, batch_size=32, seed=0, device="cpu"),
    )
    result = train(windows, config)
    seconds = [float(s) for s in result.history["seconds"]]
    return {
        "backend": keras.backend.backend(),
        "length": args.length,
        "units": args.units,
        "window": args.window,
        "n_train": len(windows.x_train),
        "epoch_seconds": seconds,
        "first_epoch_seconds": seconds[0],
        "samples_per_second": result.samples_per_second,
        "peak_rss_mb": peak_rss_mb(),
    }


def plan(quick: bool) -> list[tuple[str, dict[str, int]]]:
    """(factor, settings) for every point: the seed first, then each factor's values."""
    if quick:
        return [("seed", {"length": 300, "units": 4, "window": 5})]
    points: list[tuple[str, dict[str, int]]] = [("seed", dict(SEED))]
    for factor, values in FACTORS.items():
        for value in values:
            settings = {**SEED, factor: value}
            if settings != SEED:
                points.append((factor, settings))
    return points


def plot(rows: list[dict[str, Any]], path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    backends = sorted({r["backend"] for r in rows})
    figure, axes = plt.subplots(2, 3, figsize=(13, 7), constrained_layout=True)
    for column, factor in enumerate(FACTORS):
        for backend in backends:
            points = sorted(
                (
                    r
                    for r in rows
                    if r["backend"] == backend
                    and (r["factor"] in (factor, "seed"))
                    and all(r[k] == SEED[k] for k in SEED if k != factor)
                ),
                key=lambda r: r[factor],
            )
            xs = [r[factor] for r in points]
            axes[0, column].plot(xs, [r["samples_per_second"] for r in points], "o-", label=backend)
            axes[1, column].plot(xs, [r["peak_rss_mb"] for r in points], "o-", label=backend)
        for row, label in enumerate(("training windows / s (epoch 2)", "peak resident memory (MiB)")):
            axes[row, column].set_xscale("log" if factor != "window" else "linear")
            axes[row, column].set_xlabel(factor)
            axes[row, column].set_ylabel(label)
            axes[row, column].grid(True, alpha=0.3)
        axes[0, column].set_yscale("log")
    axes[0, 0].legend()
    figure.suptitle("lstm_core.nn.train, one factor at a time from LSTM(50), window 10, 5,729 points, batch 32 (CPU)")
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return True


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--backends", default="tensorflow,jax")


BENCH = Bench("scaling", __doc__, options=options, quick={"backends": "tensorflow"})
COLUMNS = ["backend", "factor", "length", "units", "window", "n_train", "samples_per_second", "speed_ratio_to_seed",
           "first_epoch_seconds", "peak_rss_mb"]  # fmt: skip


def describe(row: dict[str, Any]) -> str:
    return (
        f"length {row['length']:>7,} units {row['units']:>3} window {row['window']:>3}: "
        f"{row['samples_per_second']:>9,.0f} samples/s (epoch 2), first epoch {row['first_epoch_seconds']:.1f} s, "
        f"peak {row['peak_rss_mb']:.0f} MiB"
    )


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    run = BENCH.start(argv)
    args = run.args
    out_dir = args.out or RESULTS
    out_dir.mkdir(parents=True, exist_ok=True)
    factors, contenders = [], []  # one process per point and backend; the backends alternate point by point
    for index, (factor, settings) in enumerate(plan(args.quick)):
        for backend in args.backends.split(","):
            factors.append(factor)
            contenders.append(Contender(f"{backend} {factor} {index}", worker, {"KERAS_BACKEND": backend}, settings))
    runs = run.rounds(contenders, rounds=1, describe=describe)
    rows = [{"factor": factor, **result} for factor, [result] in zip(factors, runs.values(), strict=True)]
    for row in rows:
        seed = next(r for r in rows if r["factor"] == "seed" and r["backend"] == row["backend"])
        row["speed_ratio_to_seed"] = row["samples_per_second"] / seed["samples_per_second"]
    print("\nratio to the seed point (samples/s):")
    for row in rows:
        print(
            f"  {row['backend']:<10} {row['factor']:<6} l={row['length']} u={row['units']} w={row['window']}: "
            f"ratio {row['speed_ratio_to_seed']:.2f}"
        )
    with open(out_dir / f"{args.name}.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: round(v, 3) if isinstance(v, float) else v for k, v in row.items()})
    plotted = False if args.quick else plot(rows, out_dir / f"{args.name}.png")
    run.write({"seed": SEED, "rows": rows, "plot": f"{args.name}.png" if plotted else None})
    print(f"wrote {out_dir / args.name}.csv" + (", .png" if plotted else ""))
    return rows


if __name__ == "__main__":
    main()
