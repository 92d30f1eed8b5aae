"""Peak resident memory of a process that imports lstm_core and trains the default model.

Each measurement is a fresh process (a harness worker): it imports lstm_core, loads a bundled sample
(daily-min-temperatures, 3,650 points), and trains the default model (LSTM(50), window 10,
batch 32) for a few epochs through `lstm_core.jobs.base.TrainingJob`, the way the app does
(training, test predictions, baselines, metrics and the future forecast). Peak memory is
the kernel's high-water mark (`ru_maxrss`, the same as VmHWM) and, as a check, the maximum of
VmRSS sampled every 10 ms by a thread. Resident memory is also read at milestones: after
`import lstm_core`, after importing Keras (and its backend), after training.

    single   one TrainingJob
    double   two TrainingJobs at once in the same process (LSTM_LAB_MAX_TRAININGS=2)

The increase for a second concurrent training is median(double) - median(single).
Both backends (TensorFlow, JAX), rounds interleaved. Target: one training under 1.2 GB.

    python bench/memory.py
    python bench/memory.py --quick      # smoke test: in-process, tiny (its numbers mean nothing)
"""

from __future__ import annotations

import argparse
import os
import threading
import time
from typing import Any

from bench.common import fmt, peak_rss_mb, rss_mb, spread
from bench.harness import Bench, Contender, column

TARGET_MB = 1200.0  # "1.2 GB", read as 1.2e9 bytes would be 1144 MiB; we report MiB and check both


class Sampler:
    """Samples VmRSS every `interval` seconds in a daemon thread; `.peak` is the maximum seen."""

    def __init__(self, interval: float = 0.01) -> None:
        self.interval, self.peak, self._stop = interval, rss_mb(), threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mb())
            time.sleep(self.interval)


def worker(args: argparse.Namespace) -> dict[str, Any]:
    os.environ["LSTM_LAB_MAX_TRAININGS"] = "2"
    milestones = {"start": rss_mb()}
    with Sampler() as sampler:
        import lstm_core
        from lstm_core.config.settings import ExperimentConfig, ForecastConfig, TrainConfig, WindowConfig
        from lstm_core.data.sources import load
        from lstm_core.jobs.base import TrainingJob

        milestones["import_lstm_core"] = rss_mb()
        import keras

        milestones["import_keras"] = rss_mb()
        dataset = load(args.data)
        config = ExperimentConfig(
            windows=WindowConfig(window=10),
            train=TrainConfig(epochs=args.epochs, device="cpu", seed=0),
            forecast=ForecastConfig(forecast_steps=12),
        )
        assert lstm_core.ExperimentConfig is ExperimentConfig
        started = time.perf_counter()
        jobs = [TrainingJob(dataset, config, heartbeat_timeout=3600.0) for _ in range(args.jobs)]
        for job in jobs:
            job.start()
        for job in jobs:
            job.wait()
        seconds = time.perf_counter() - started
        milestones["after_training"] = rss_mb()
    failures = [job.error for job in jobs if job.state != "done"]
    if failures:
        raise SystemExit(f"training failed: {failures}")
    return {
        "backend": keras.backend.backend(),
        "jobs": args.jobs,
        "epochs": args.epochs,
        "data": args.data,
        "points": len(dataset),
        "train_seconds": seconds,
        "peak_rss_mb": peak_rss_mb(),
        "sampled_peak_rss_mb": sampler.peak,
        "milestones_mb": milestones,
    }


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", default="sample:daily-min-temperatures")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--backends", default="tensorflow,jax")


QUICK = {"data": "sample:airline-passengers", "epochs": 1, "rounds": 1, "backends": "tensorflow"}
BENCH = Bench("memory", __doc__, options=options, rounds=2, quick=QUICK)


def describe(result: dict[str, Any]) -> str:
    return (
        f"peak {result['peak_rss_mb']:.0f} MiB (sampled {result['sampled_peak_rss_mb']:.0f}), after import keras "
        f"{result['milestones_mb']['import_keras']:.0f} MiB, train {result['train_seconds']:.1f} s"
    )


def main(argv: list[str] | None = None) -> dict[str, Any]:
    run = BENCH.start(argv)
    args = run.args
    if args.inline:
        print("in-process: these memory numbers are the test process's, not a measurement")
    contenders = [
        Contender(f"{backend} x{jobs}", worker, env={"KERAS_BACKEND": backend, "LSTM_LAB_MAX_TRAININGS": "2"},
                  options={"jobs": jobs})
        for backend in args.backends.split(",")
        for jobs in ((1,) if args.quick else (1, 2))
    ]  # fmt: skip
    runs = run.rounds(contenders, describe=describe)
    summary: dict[str, Any] = {}
    print(f"\npeak resident memory, default model, {args.data}, {args.epochs} epochs ({args.rounds} rounds):")
    for backend in args.backends.split(","):
        single = column(runs[f"{backend} x1"], "peak_rss_mb")
        entry: dict[str, Any] = {
            "one_training_peak_mb": spread(single),
            "import_lstm_core_mb": spread([r["milestones_mb"]["import_lstm_core"] for r in runs[f"{backend} x1"]]),
            "import_keras_mb": spread([r["milestones_mb"]["import_keras"] for r in runs[f"{backend} x1"]]),
        }
        entry["target_met"] = entry["one_training_peak_mb"]["max"] * 1024**2 < 1.2e9
        print(
            f"  {backend}: one training {fmt(entry['one_training_peak_mb'], ' MiB')}; "
            f"ratio to the 1.2 GB budget {entry['one_training_peak_mb']['median'] * 1024**2 / 1.2e9:.2f}; "
            f"target < 1.2 GB: {'met' if entry['target_met'] else 'MISSED'}"
        )
        print(
            f"     (after import lstm_core {entry['import_lstm_core_mb']['median']:.0f} MiB, "
            f"after import keras {entry['import_keras_mb']['median']:.0f} MiB)"
        )
        if f"{backend} x2" in runs:
            double = column(runs[f"{backend} x2"], "peak_rss_mb")
            entry["two_trainings_peak_mb"] = spread(double)
            entry["second_training_increase_mb"] = spread(double)["median"] - spread(single)["median"]
            print(
                f"     two concurrent trainings {fmt(entry['two_trainings_peak_mb'], ' MiB')}; "
                f"increase for the second: {entry['second_training_increase_mb']:.0f} MiB"
            )
        summary[backend] = entry
    run.write({"target": "one training under 1.2 GB (1.2e9 bytes = 1144 MiB)", "summary": summary, "runs": runs})
    return summary


if __name__ == "__main__":
    main()
