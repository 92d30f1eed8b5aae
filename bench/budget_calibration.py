"""Measurements behind `lstm_core.jobs.budget`: training time per sample and memory per training, per backend.

Each point trains through `lstm_core.experiment.run.run_experiment` in a fresh process (a harness worker) on a
noisy sine, for 3 epochs, and reports the steady seconds per training sample (median of epochs 2-3),
the first epoch's extra seconds (tracing, compilation), and the peak increase of resident memory over
the level after importing Keras (VmRSS sampled every 10 ms). The parent fits the time model

    seconds per sample = STEP * window * layers / batch_size + WORK * window * sum_k 4 u_k (u_k + in_k + 1)

per backend by weighted least squares (relative error) on these points plus the quiet-machine scaling
points in bench/results/scaling.csv (batch 32), and prints each point's estimate/measured ratio.

    python bench/budget_calibration.py [--backends tensorflow,jax] [--out bench/results]
    python bench/budget_calibration.py --quick      # smoke test: one tiny point, in-process
"""

from __future__ import annotations

import argparse
import csv
import threading
import time

import numpy as np

from bench.common import RESULTS, length_for_windows, noisy_sine, rss_mb
from bench.harness import Bench, Contender

# (windows, units, layers, window, batch_size)
POINTS = [
    (4000, 50, 1, 10, 32),
    (4000, 50, 1, 10, 8),
    (4000, 50, 1, 10, 128),
    (4000, 50, 2, 10, 32),
    (4000, 128, 1, 30, 64),
    (20000, 50, 1, 10, 32),
]
QUICK_POINTS = [(200, 4, 1, 5, 32)]


def work_per_sample(units: int, layers: int, window: int, features: int = 1) -> float:
    inputs, total = features, 0.0
    for _ in range(layers):
        total += 4 * units * (units + inputs + 1)
        inputs = units
    return window * total


def worker(args: argparse.Namespace) -> dict:
    import pandas as pd

    from lstm_core.config.settings import ExperimentConfig
    from lstm_core.data.dataset import Dataset
    from lstm_core.experiment.run import run_experiment
    from lstm_core.nn.keras_model import backend_name
    from lstm_core.nn.train import list_devices

    list_devices()  # Keras and its backend are loaded now
    length = length_for_windows(args.windows, window=args.window)
    frame = pd.DataFrame({"value": noisy_sine(length)}, index=pd.RangeIndex(length, name="step"))
    dataset = Dataset(frame=frame, target="value", name="sine", source="bench", freq=None)
    config = ExperimentConfig().replace(
        units=args.units, layers=args.layers, window=args.window, batch_size=args.batch_size, epochs=args.epochs, seed=0
    )
    base = rss_mb()
    peak = [base]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], rss_mb())
            time.sleep(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    run = run_experiment(dataset, config)
    total = time.perf_counter() - started
    done.set()
    sampler.join()
    seconds = run.history["seconds"].to_numpy()
    n_train = args.windows  # the run keeps only its test windows; the bench chose the training count
    per_sample = float(np.median(seconds[1:])) / n_train
    return {
        "backend": backend_name(),
        "windows": n_train,
        "units": args.units,
        "layers": args.layers,
        "window": args.window,
        "batch_size": args.batch_size,
        "seconds_per_sample": per_sample,
        "first_epoch_extra_seconds": float(seconds[0] - per_sample * n_train),
        "whole_run_seconds": total,
        "memory_increase_mb": peak[0] - base,
        "rss_after_import_mb": base,
    }


def scaling_points() -> list[dict]:
    path = RESULTS / "scaling.csv"
    if not path.exists():
        return []
    points = []
    with path.open() as file:
        for row in csv.DictReader(file):
            points.append(
                {
                    "backend": row["backend"],
                    "units": int(row["units"]),
                    "layers": 1,
                    "window": int(row["window"]),
                    "batch_size": 32,
                    "seconds_per_sample": 1.0 / float(row["samples_per_second"]),
                    "source": "scaling.csv",
                }
            )
    return points


def fit(points: list[dict]) -> tuple[float, float]:
    """(STEP, WORK) minimising the squared relative error of the per-sample time."""
    x = np.array(
        [
            [p["window"] * p["layers"] / p["batch_size"], work_per_sample(p["units"], p["layers"], p["window"])]
            for p in points
        ]
    )  # (P, 2)
    y = np.array([p["seconds_per_sample"] for p in points])  # (P,)
    coefficients, *_ = np.linalg.lstsq(x / y[:, None], np.ones(len(y)), rcond=None)
    return float(max(coefficients[0], 0.0)), float(max(coefficients[1], 0.0))


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--epochs", type=int, default=3, help="epochs a point; steady state is epochs 2..N")
    parser.add_argument("--backends", default="tensorflow,jax")


BENCH = Bench("budget_calibration", __doc__, options=options, quick={"epochs": 2, "backends": "tensorflow"})


def describe(point: dict) -> str:
    return (
        f"{point['seconds_per_sample'] * 1e6:8.1f} us/sample, first epoch +{point['first_epoch_extra_seconds']:.1f} s, "
        f"memory +{point['memory_increase_mb']:.0f} MiB (after import {point['rss_after_import_mb']:.0f} MiB)"
    )


def main(argv: list[str] | None = None) -> dict:
    run = BENCH.start(argv)
    args = run.args
    contenders = [
        Contender(f"{backend} windows {windows} LSTM({units})x{layers} window {window} batch {batch}", worker,
                  env={"KERAS_BACKEND": backend},
                  options={"windows": windows, "units": units, "layers": layers, "window": window, "batch_size": batch})
        for backend in args.backends.split(",")
        for windows, units, layers, window, batch in (QUICK_POINTS if args.quick else POINTS)
    ]  # fmt: skip
    measured = [point for [point] in run.rounds(contenders, rounds=1, describe=describe).values()]
    constants = {}
    for backend in args.backends.split(","):
        points = [p for p in measured + scaling_points() if p["backend"] == backend]
        step, work = fit(points)
        constants[backend] = {"step_seconds": step, "work_seconds": work}
        print(f"{backend}: STEP = {step:.3e} s, WORK = {work:.3e} s")
        for p in points:
            estimate = step * p["window"] * p["layers"] / p["batch_size"] + work * work_per_sample(
                p["units"], p["layers"], p["window"]
            )
            print(
                f"   LSTM({p['units']})x{p['layers']} window {p['window']} batch {p['batch_size']} "
                f"[{p.get('source', 'measured')}]: ratio estimate/measured {estimate / p['seconds_per_sample']:.2f}"
            )
    payload = {"points": measured, "constants": constants}
    run.write(payload)
    return payload


if __name__ == "__main__":
    main()
