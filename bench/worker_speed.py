"""Issue 19's targets in one run: trainings in worker processes against the same work in-process, and the app's memory.

The real run, every target with its reference in the same run (about 20-25 minutes on a quiet 2-core machine):

    python bench/worker_speed.py

    python bench/worker_speed.py --part speed,two      # some parts only (first_epoch, speed, two, sweep, memory)
    python bench/worker_speed.py --quick               # smoke test: tiny, every part but memory (its numbers mean
                                                       # nothing); add `--part memory` to smoke that one too

Parts, each against its reference measured in the same run:

    first_epoch  library level: from `job.start()` to the first epoch's report reaching the server's job, for the
                 default training (LSTM(50), window 10, batch 32, airline-passengers), a ProcessTrainingJob on a
                 warm worker (its backend imported, the pool's tree settled) against a TrainingJob in this process
                 with its backend imported (the reference). --first-epoch-trainings trainings each, alternated; each
                 is stopped after its first epoch. The first training on each side includes its first tracing;
                 both it and the median of the later ones are reported. Target: at most 1.5 s on a warm worker.
                 (bench/app_memory.py measures the same from the click in the browser.)
    speed        the seed model (LSTM(50), window 10, batch 32, about 4,000 windows of a noisy sine, --epochs 20
                 epochs): `TrainingJob` (a thread, the reference) against `ProcessTrainingJob` on a warm worker, each
                 in a fresh process, rounds interleaved. Steady samples per second as lstm_core reports them (the
                 median epoch after the first). Target: the worker at least 0.95x in-process. In the worker ETS and
                 Theta are fitted in a thread beside the network (in-process: after it), so their first seconds
                 share the process with the first epochs; 20 epochs keep the median clear of most of that, and the
                 whole job's wall time is reported too.
    two          two visitors at once: one ProcessTrainingJob alone against two at once, in one pool of two warm
                 workers (both traced by a warm-up pair first), alternated --rounds times. Throughput = training
                 windows trained (epochs x windows, every job) / wall time from start to the last result.
                 Target: two at once at least 1.6x one.
    sweep        `python -m lstm_core sweep --workers 1` against `--workers 2`: 12 trials of the seed model
                 (bench/sweep_speed.py's workers part). Target: at least 1.6x the trial throughput.
    memory       bench/app_memory.py on TensorFlow and on JAX (KERAS_BACKEND=jax): the server alone <= 350 MiB
                 throughout; one default training's tree peak <= 900 MiB; --repeat default trainings, the tree after
                 the last within 30 MiB of after the first; the tree back to the server alone once the pool is
                 idle; click to first epoch in the browser. The issue's 20 trainings of the default model (100
                 epochs each, about 7-12 s on this machine) are measured as they are, not shortened.

Time (quiet 2-core machine, estimated from runs on the loaded one): first_epoch 1 min, speed 3 min, two 2 min,
sweep 2 min, memory 7 min on TensorFlow and 8 on JAX: about 22 minutes. Results: bench/results/worker_speed.json
(and app_memory_workers_tensorflow.json, app_memory_workers_jax.json); a table of every target, met or missed, at
the end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import ROOT, length_for_windows, noisy_sine, spread
from bench.harness import Bench, Contender, column, ratio

# The memory part runs first: it reads proportional set sizes, and once this process has imported TensorFlow (the
# first_epoch part's in-process reference does) the server's workers share its library pages and read about 280 MiB
# smaller than they are alone in a container (session 8 found its first reading so understated).
PARTS = ("memory", "first_epoch", "speed", "two", "sweep")
TARGETS = {"first_epoch": 1.5, "speed": 0.95, "two": 1.6, "sweep": 1.6}


# --- shared -------------------------------------------------------------------------------------------------
def _job_options() -> dict[str, Any]:
    return {"heartbeat_timeout": 3600.0, "memory_budget_mb": None, "time_limit": None}


def _sine_dataset(train_windows: int) -> Any:
    import pandas as pd

    from lstm_core.data.dataset import Dataset

    values = noisy_sine(length_for_windows(train_windows))
    frame = pd.DataFrame({"value": values.astype(float)}, index=pd.RangeIndex(len(values), name="step"))
    return Dataset(frame=frame, target="value", name="noisy-sine", source="bench")


def _seed_config(args: argparse.Namespace) -> Any:
    from lstm_core.config.settings import ExperimentConfig, ModelConfig, TrainConfig, WindowConfig

    return ExperimentConfig(
        windows=WindowConfig(window=10),
        model=ModelConfig(units=args.units),
        train=TrainConfig(epochs=args.epochs, batch_size=32, seed=0, device="cpu"),
    )


def _warm_pool(size: int) -> Any:
    """A pool of `size` workers whose backend is imported (started now; waited for until the tree settles)."""
    from bench.proctree import wait_quiet
    from lstm_core.jobs import pool

    workers = pool.WorkerPool(size=size, idle_seconds=3600, trace_default=True)  # as the app's pool
    workers.warm()
    backend = os.environ.get("KERAS_BACKEND", "tensorflow")
    if not wait_quiet(os.getpid(), backend=backend, workers=1, timeout=180)["settled"]:
        raise RuntimeError("the warm worker did not settle within 180 s")
    return workers


def _wait(jobs: list[Any], timeout: float = 1800.0) -> None:
    for job in jobs:
        if not job.wait(timeout) or job.state not in ("done", "stopped"):
            raise RuntimeError(f"a training ended {job.state}: {job.error}")


# --- first_epoch --------------------------------------------------------------------------------------------
# Before each start: the in-process reference's TensorFlow threads spin for a while after its training, and on 2 cores
# that would slow the worker's start measured right after it (seen: 0.36-0.54 s alone, 2.1 s right after one).
SETTLE_SECONDS = 2.0


def _to_first_epoch(job: Any) -> tuple[float, float]:
    """Start `job`; the seconds until its first epoch's report is here, and that epoch's own seconds (tracing
    included) as the training measured them (the rest is setup and transport). Then stop it and wait."""
    time.sleep(SETTLE_SECONDS)
    started = time.perf_counter()
    job.start()
    while not job.epochs:
        if job.finished:
            raise RuntimeError(f"the training ended before its first epoch: {job.state} {job.error}")
        time.sleep(0.005)
    seconds = time.perf_counter() - started
    job.request_stop()
    _wait([job])
    return seconds, job.epochs[0].seconds


def first_epoch(args: argparse.Namespace) -> dict[str, Any]:
    from lstm_core.runtime import configure_threads

    configure_threads()
    import keras  # noqa: F401  (the reference's backend imported before its clock starts, as the warm worker's)

    from lstm_core.config.settings import DataConfig, ExperimentConfig
    from lstm_core.data.sources import load_sample
    from lstm_core.jobs.base import TrainingJob
    from lstm_core.jobs.process import ProcessTrainingJob

    dataset = load_sample("airline-passengers")
    config = ExperimentConfig(data=DataConfig(source="sample:airline-passengers", column=dataset.target))
    if args.quick:
        config = config.replace(units=4)
    workers = _warm_pool(1)
    here: list[float] = []
    there: list[float] = []
    epochs: dict[str, list[float]] = {"in_process": [], "worker": []}
    try:
        for _ in range(args.first_epoch_trainings):
            seconds, epoch = _to_first_epoch(TrainingJob(dataset, config, **_job_options()))
            here.append(seconds)
            epochs["in_process"].append(epoch)
            seconds, epoch = _to_first_epoch(ProcessTrainingJob(dataset, config, worker_pool=workers, **_job_options()))
            there.append(seconds)
            epochs["worker"].append(epoch)
            print(f"  first epoch: in-process {here[-1]:.3f} s (the epoch itself {epochs['in_process'][-1]:.3f} s), "
                  f"warm worker {there[-1]:.3f} s ({epoch:.3f} s)", flush=True)  # fmt: skip
    finally:
        workers.shutdown()
    later_here, later_there = here[1:] or here, there[1:] or there
    return {
        "in_process_seconds": here,
        "worker_seconds": there,
        "first_epoch_own_seconds": epochs,
        "first_training": {"in_process": here[0], "worker": there[0]},
        "later_median": {"in_process": statistics.median(later_here), "worker": statistics.median(later_there)},
        "ratio_later": ratio(later_there, later_here).value,
    }


# --- speed ---------------------------------------------------------------------------------------------------
def speed_worker(args: argparse.Namespace) -> dict[str, Any]:
    """One training of the seed model, in this process (`args.where == "in-process"`) or in a warm worker."""
    from lstm_core.runtime import configure_threads

    configure_threads()
    from lstm_core.jobs.base import TrainingJob
    from lstm_core.jobs.process import ProcessTrainingJob

    dataset, config = _sine_dataset(args.train_windows), _seed_config(args)
    workers = None
    if args.where == "worker":
        workers = _warm_pool(1)
        job = ProcessTrainingJob(dataset, config, worker_pool=workers, **_job_options())
    else:
        import keras  # noqa: F401  (imported before the clock starts, as in the warm worker)

        job = TrainingJob(dataset, config, **_job_options())
    try:
        started = time.perf_counter()
        job.start()
        _wait([job])
        wall = time.perf_counter() - started
    finally:
        if workers is not None:
            workers.shutdown()
    train = job.run.train
    return {
        "where": args.where,
        "epochs": train.epochs_run,
        "samples_per_second": train.samples_per_second,
        "train_seconds": train.train_seconds,
        "first_epoch_seconds": train.first_epoch_seconds,
        "wall_seconds": wall,
    }


def speed(run: Any) -> dict[str, Any]:
    contenders = [Contender(where, speed_worker, options={"where": where}) for where in ("in-process", "worker")]
    runs = run.rounds(
        contenders,
        describe=lambda r: f"{r['samples_per_second']:,.0f} samples/s, training {r['train_seconds']:.2f} s",
    )
    samples = ratio(column(runs["worker"], "samples_per_second"), column(runs["in-process"], "samples_per_second"),
                    target=TARGETS["speed"])  # fmt: skip
    print(samples.line("speed, worker / in-process (samples/s)"))
    return {
        "runs": runs,
        "samples_per_second": {where: spread(column(results, "samples_per_second")) for where, results in runs.items()},
        "ratio": samples.value,
        "paired": samples.paired,
        "met": samples.met,
    }


# --- two -----------------------------------------------------------------------------------------------------
def _together(dataset: Any, config: Any, workers: Any, count: int) -> dict[str, Any]:
    from lstm_core.data.windows import prepare
    from lstm_core.jobs.process import ProcessTrainingJob

    n_train = len(prepare(dataset.values, config.windows).x_train)

    from bench.proctree import cpu_seconds, descendants

    jobs = [ProcessTrainingJob(dataset, config, worker_pool=workers, **_job_options()) for _ in range(count)]
    pids = descendants(os.getpid())
    cpu_before, machine_before = sum(cpu_seconds(pid) for pid in pids), _machine_ticks()
    started = time.perf_counter()
    for job in jobs:
        job.start()
    _wait(jobs)
    wall = time.perf_counter() - started
    cpu = sum(cpu_seconds(pid) for pid in pids) - cpu_before
    busy, total = (after - before for before, after in zip(machine_before, _machine_ticks(), strict=True))
    windows = sum(job.run.train.epochs_run * n_train for job in jobs)
    # Why a pair gives less than 2x: the cores the workers kept busy, and the share of the machine left idle
    return {"jobs": count, "wall_seconds": wall, "windows_per_second": windows / wall,
            "worker_cores": cpu / wall, "idle_share": 1 - busy / total if total else None,
            "train_seconds": [job.run.train.train_seconds for job in jobs]}  # fmt: skip


def _machine_ticks() -> tuple[int, int]:
    """(busy, all) clock ticks of every core since boot (/proc/stat; idle and I/O wait are not busy)."""
    with open("/proc/stat") as stat:
        ticks = [int(value) for value in stat.readline().split()[1:]]
    return sum(ticks) - ticks[3] - ticks[4], sum(ticks)


def two(run: Any) -> dict[str, Any]:
    from lstm_core.runtime import configure_threads

    configure_threads()
    args = run.args
    dataset, config = _sine_dataset(args.train_windows), _seed_config(args)
    workers = _warm_pool(2)
    try:
        _together(dataset, config, workers, 2)  # the second worker started, both traced once
        contenders = [
            Contender(f"{count}", lambda _a, count=count: _together(dataset, config, workers, count), fresh=False)
            for count in (1, 2)
        ]
        runs = run.rounds(contenders, describe=lambda r: f"{r['windows_per_second']:,.0f} windows/s, "
                                                         f"{r['wall_seconds']:.1f} s, workers busy "
                                                         f"{r['worker_cores']:.2f} cores, machine idle "
                                                         f"{r['idle_share']:.0%}")  # fmt: skip
    finally:
        workers.shutdown()
    throughput = ratio(column(runs["2"], "windows_per_second"), column(runs["1"], "windows_per_second"),
                       target=TARGETS["two"])  # fmt: skip
    print(throughput.line("two at once / one (windows/s)"))
    return {"runs": runs, "ratio": throughput.value, "paired": throughput.paired, "met": throughput.met,
            "cores": os.cpu_count()}  # fmt: skip


# --- sweep and memory ----------------------------------------------------------------------------------------
def sweep(args: argparse.Namespace) -> dict[str, Any]:
    from bench.sweep_speed import workers

    with tempfile.TemporaryDirectory(prefix="worker-speed-sweep-") as folder:
        return workers(args, Path(folder))


def memory(args: argparse.Namespace) -> dict[str, Any]:
    """bench/app_memory.py for each backend, each in a fresh process: this one may have trained with TensorFlow
    (first_epoch's reference), and Playwright driven from such a process has hung (bench/app_overhead.py)."""
    import json
    import subprocess

    from bench.app_memory import RESULT
    from bench.common import RESULTS

    out: dict[str, Any] = {}
    for backend in args.backends.split(","):
        name = f"{RESULT}_{backend}"
        flags = ["--backend", backend, "--repeat", str(args.repeat), "--epochs", str(args.memory_epochs)]
        folder = Path(args.out or RESULTS).resolve()
        flags += ["--name", name, "--out", str(folder)] + (["--quick"] if args.quick else [])
        print(f"memory on {backend}: python -m bench.app_memory {' '.join(flags)}", flush=True)
        subprocess.run([sys.executable, "-m", "bench.app_memory", *flags], cwd=str(ROOT), check=True)
        written = folder / f"{name}{'_quick' if args.quick else ''}.json"
        out[backend] = json.loads(written.read_text())["targets"]
    return out


# --- the run -------------------------------------------------------------------------------------------------
def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--part", default=None, help=f"comma-separated, of {', '.join(PARTS)} (default: all; --quick: all but memory)"
    )
    parser.add_argument("--where", default="worker", help=argparse.SUPPRESS)  # set per contender
    parser.add_argument("--units", type=int, default=50, help="units of the seed model")
    parser.add_argument("--train-windows", type=int, default=4000, help="training windows (speed, two)")
    parser.add_argument("--epochs", type=int, default=20, help="epochs a training (speed, two)")
    parser.add_argument("--first-epoch-trainings", type=int, default=6, help="trainings on each side (first_epoch)")
    # the sweep part's flags are bench/sweep_speed.py's (its `workers` reads them)
    parser.add_argument("--windows", type=int, default=300, help="training windows of the sweep's series")
    parser.add_argument("--worker-trials", type=int, default=12, help="trials of each sweep")
    parser.add_argument("--worker-epochs", type=int, default=10, help="epochs a sweep trial")
    parser.add_argument("--worker-units", type=int, default=50, help="units of a sweep trial's LSTM")
    parser.add_argument("--backends", default="tensorflow,jax", help="backends of the memory part")
    parser.add_argument("--repeat", type=int, default=20, help="default trainings by one visitor (memory)")
    parser.add_argument("--memory-epochs", type=int, default=100, help="epochs a training in the memory part")


QUICK = {
    "units": 4,
    "train_windows": 200,
    "epochs": 2,
    "first_epoch_trainings": 2,
    "rounds": 1,
    "windows": 200,
    "worker_trials": 2,
    "worker_epochs": 1,
    "worker_units": 4,
    "backends": "tensorflow",
    "repeat": 2,
    "memory_epochs": 1,
}
BENCH = Bench("worker_speed", __doc__, options=options, rounds=3, quick=QUICK)


def _table(payload: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(target, ours, reference, verdict) for every target measured."""
    rows = []
    if "first_epoch" in payload:
        first = payload["first_epoch"]
        for label, key in (("first training", "first_training"), ("later trainings (median)", "later_median")):
            seconds = first[key]["worker"]
            reference = f"in-process {first[key]['in_process']:.2f} s"
            target = f"job start to first epoch, warm worker, {label} <= 1.5 s"
            rows.append((target, f"{seconds:.2f} s", reference, _verdict(seconds <= TARGETS["first_epoch"])))
    if "speed" in payload:
        entry = payload["speed"]
        rows.append(("speed in a worker >= 0.95x in-process (samples/s)", f"{entry['ratio']:.3f}x",
                     f"in-process {entry['samples_per_second']['in-process']['median']:,.0f}/s",
                     _verdict(entry["met"])))  # fmt: skip
    if "two" in payload:
        entry = payload["two"]
        rows.append(("two at once >= 1.6x one (windows/s)", f"{entry['ratio']:.2f}x", "one job alone",
                     _verdict(entry["met"])))  # fmt: skip
    if "sweep" in payload:
        entry = payload["sweep"]
        rows.append(("sweep --workers 2 >= 1.6x --workers 1 (trials/min)", f"{entry['ratio']:.2f}x",
                     f"--workers 1 {entry['1_worker']['trials_per_minute']}/min", _verdict(entry["met"])))  # fmt: skip
    for backend, targets in payload.get("memory", {}).items():
        for name, row in targets.items():
            value = "-" if row["value"] is None else f"{row['value']:,.2f}"
            reference = "-" if row["reference"] is None else f"{row['reference']:,.1f}"
            rows.append((f"{backend}: {name} (target {row['target']:g})", value, reference, _verdict(row["met"])))
    return rows


def _verdict(met: bool | None) -> str:
    return "met" if met else "MISSED"


def main(argv: list[str] | None = None) -> dict[str, Any]:
    run = BENCH.start(argv)
    args = run.args
    # --quick's smoke leaves out memory unless asked for: bench/app_memory.py --quick is its own smoke (minutes)
    default = [part for part in PARTS if part != "memory"] if args.quick else list(PARTS)
    parts = [part.strip() for part in args.part.split(",") if part.strip()] if args.part else default
    parts = sorted(parts, key=lambda part: PARTS.index(part) if part in PARTS else len(PARTS))  # memory first
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        choices = ", ".join(PARTS)
        print(f"error: unknown part(s) {', '.join(unknown)} in --part; choose from {choices}.", file=sys.stderr)
        raise SystemExit(2)
    payload: dict[str, Any] = {"parts": parts, "load_before": os.getloadavg()}
    for part in parts:
        started = time.perf_counter()
        print(f"\n== {part}", flush=True)
        if part == "first_epoch":
            payload[part] = first_epoch(args)
        elif part == "speed":
            payload[part] = speed(run)
        elif part == "two":
            payload[part] = two(run)
        elif part == "sweep":
            payload[part] = sweep(args)
        else:
            payload[part] = memory(args)
        payload.setdefault("part_seconds", {})[part] = round(time.perf_counter() - started, 1)
    payload["load_after"] = os.getloadavg()
    rows = _table(payload)
    width = max(len(row[0]) for row in rows) if rows else 0
    print(f"\nissue 19 targets (load average before {payload['load_before'][0]:.1f}, after "
          f"{payload['load_after'][0]:.1f}; a ratio is ours / the reference of the same run)")  # fmt: skip
    for target, ours, reference, verdict in rows:
        print(f"{target:<{width}}  {ours:>12}  {reference:<26} {verdict}")
    payload["table"] = rows
    run.write(payload)
    return payload


if __name__ == "__main__":
    main()
