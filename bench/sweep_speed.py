"""Sweep speed: pruning against no pruning, and two local workers against one, each in the same run.

1. Pruning. A 20-trial sweep of the seed model (LSTM(50), window 10, batch 32, Adam 0.001, 20 epochs a
   trial) over the default space (units, layers, window, learning rate, dropout, batch size, differences)
   on a noisy sine with about 300 training windows (--windows), run twice in this process: without pruning (the
   reference) and with the default pruner (successive halving). Both use Optuna's RandomSampler with seed 0,
   so both runs propose the same 20 trials and differ only in which end early. The reference's recorded
   curves are also replayed through every candidate pruner in 51 orders (bench/pruner_replay.py).
   Reported: wall time of each sweep, the speed-up (target >= 1.5x) and the best validation RMSE of each
   (target: within 5%).
2. Workers. A small sweep of the seed model (12 trials of LSTM(50), window 10, batch 32, 10 epochs, the learning
   rate searched from 1e-3 to 1e-2, no pruning) by `python -m lstm_core sweep --workers 1`, then by `--workers 2`
   (the command starts a second local process that joins its study, one SQLite file). Throughput = complete
   trials / (last trial's end - first trial's start), read from the study, so process start-up (importing
   TensorFlow) is not counted; the command's whole wall time is reported beside it. Target: `--workers 2` >= 1.6x
   the trial throughput of `--workers 1`. (Until issue 19 this part ran two separate commands, units 16-32.)

    python bench/sweep_speed.py                   # both parts; results in bench/results/sweep_speed.json
    python bench/sweep_speed.py --part workers
    python bench/sweep_speed.py --quick           # smoke test: tiny, a few seconds of training
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import ROOT, length_for_windows, noisy_sine
from bench.harness import Bench

PRUNING_TARGET, RMSE_TOLERANCE, WORKERS_TARGET = 1.5, 1.05, 1.6


def _dataset(windows: int) -> Any:
    import pandas as pd

    from lstm_core.data.dataset import Dataset

    values = noisy_sine(length_for_windows(windows))
    frame = pd.DataFrame({"value": values.astype(float)}, index=pd.RangeIndex(len(values), name="step"))
    return Dataset(frame=frame, target="value", name="noisy-sine", source="bench")


def space(quick: bool) -> Any:
    """The default space; with --quick one layer of a few units, so that the smoke test's trials are short."""
    from lstm_core.sweep.space import SweepSpace

    return SweepSpace(units=(4, 8), layers=None, window=(4, 8)) if quick else SweepSpace()


def pruning(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    from bench.pruner_replay import compare, recorded_trials
    from lstm_core.config.settings import ExperimentConfig
    from lstm_core.data.fingerprint import fingerprint
    from lstm_core.data.windows import prepare
    from lstm_core.nn.train import train
    from lstm_core.sweep.study import DEFAULT_PRUNER, SweepSetup, batches_per_epoch, open_study, optimize

    dataset = _dataset(args.windows)
    base = ExperimentConfig().replace(epochs=args.epochs, device="cpu", forecast_steps=0)
    train(prepare(dataset.values, base.windows), base.replace(epochs=1))  # import and warm TensorFlow first
    out: dict[str, Any] = {}
    for pruner in ("none", DEFAULT_PRUNER):  # the reference first
        setup = SweepSetup(base, space(args.quick), fingerprint(dataset), trials=args.trials, pruner=pruner)
        study, _ = open_study(f"sqlite:///{folder / f'pruning-{pruner}.db'}", f"pruning-{pruner}", setup)
        started = time.perf_counter()
        optimize(study, setup, dataset, sampler="random", sampler_seed=0)
        seconds = time.perf_counter() - started
        states = [t.state.name.lower() for t in study.trials]
        epochs = sum(t.user_attrs.get("epochs", 0) for t in study.trials)
        out[pruner] = {
            "seconds": round(seconds, 2),
            "best_val_rmse": study.best_value,
            "best_trial": study.best_trial.number,
            "pruned": states.count("pruned"),
            "complete": states.count("complete"),
            "epochs_trained": epochs,
        }
        print(f"pruner {pruner}: {seconds:.1f} s, best val RMSE {study.best_value:.5g}, {epochs} epochs, "
              f"{states.count('pruned')} pruned", flush=True)  # fmt: skip
        if pruner == "none":  # what each candidate pruner would have done with these trials (bench/pruner_replay.py)
            trials = recorded_trials(study)
            overhead = max((seconds - sum(t.seconds for t in trials)) / len(trials), 0.0)
            out["replay"] = compare(trials, overhead, orders=args.orders, epochs=args.epochs,
                                    batches=batches_per_epoch(dataset, base))  # fmt: skip
    out["pruner"] = DEFAULT_PRUNER
    out["speedup"] = round(out["none"]["seconds"] / out[DEFAULT_PRUNER]["seconds"], 3)
    out["rmse_ratio"] = round(out[DEFAULT_PRUNER]["best_val_rmse"] / out["none"]["best_val_rmse"], 4)
    out["met"] = out["speedup"] >= PRUNING_TARGET and out["rmse_ratio"] <= RMSE_TOLERANCE
    print(f"pruning speed-up {out['speedup']:.2f}x (target >= {PRUNING_TARGET}), best RMSE ratio "
          f"{out['rmse_ratio']:.3f} (target <= {RMSE_TOLERANCE})", flush=True)  # fmt: skip
    return out


def _throughput(storage: str, name: str) -> dict[str, Any]:
    import optuna

    study = optuna.load_study(study_name=name, storage=storage)
    done = [t for t in study.trials if t.state.name == "COMPLETE"]
    span = (max(t.datetime_complete for t in done) - min(t.datetime_start for t in done)).total_seconds()
    return {
        "trials": len(done),
        "span_seconds": round(span, 2),
        "trials_per_minute": round(60 * len(done) / span, 3),
        "workers": sorted({t.user_attrs.get("worker") for t in done}),
    }


def workers(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    csv = folder / "sine.csv"
    _dataset(args.windows).frame.to_csv(csv)
    space_file = folder / "space.json"
    space_file.write_text(json.dumps({"learning_rate": [0.001, 0.01]}))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LSTM_LAB_CACHE": str(folder)}
    out: dict[str, Any] = {"load_before": os.getloadavg()}
    for count in (1, 2):  # the reference first
        storage = f"sqlite:///{folder / f'workers-{count}.db'}"
        command = [
            sys.executable, "-m", "lstm_core", "sweep", "--data", str(csv), "--storage", storage,
            "--study", f"workers-{count}", "--trials", str(args.worker_trials), "--epochs", str(args.worker_epochs),
            "--space", str(space_file), "--pruner", "none", "--sampler", "random", "--device", "cpu",
            "--forecast-steps", "0", "--units", str(args.worker_units), "--window", "10", "--batch-size", "32",
            "--workers", str(count),
        ]  # fmt: skip
        started = time.perf_counter()
        proc = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              timeout=3600, check=False)  # fmt: skip
        if proc.returncode != 0:
            raise RuntimeError(f"`sweep --workers {count}` failed: {proc.stderr[-2000:]}")
        result = _throughput(storage, f"workers-{count}")
        result["wall_seconds"] = round(time.perf_counter() - started, 2)
        out[f"{count}_worker"] = result
        print(f"sweep --workers {count}: {result['trials']} trials in {result['span_seconds']} s "
              f"({result['trials_per_minute']} a minute; {len(result['workers'])} worker names; command "
              f"{result['wall_seconds']} s)", flush=True)  # fmt: skip
    out["load_after"] = os.getloadavg()
    out["ratio"] = round(out["2_worker"]["trials_per_minute"] / out["1_worker"]["trials_per_minute"], 3)
    out["met"] = out["ratio"] >= WORKERS_TARGET
    print(f"sweep --workers 2: {out['ratio']:.2f}x --workers 1 (target >= {WORKERS_TARGET}); load average before "
          f"{out['load_before'][0]:.1f}, after {out['load_after'][0]:.1f}", flush=True)  # fmt: skip
    return out


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--part", choices=("all", "pruning", "workers"), default="all")
    parser.add_argument("--windows", type=int, default=300, help="training windows of the series")
    parser.add_argument("--trials", type=int, default=20, help="trials of each pruning sweep")
    parser.add_argument("--epochs", type=int, default=20, help="epochs a trial in the pruning part")
    parser.add_argument("--orders", type=int, default=50, help="shuffled orders in which the replay runs the trials")
    parser.add_argument(
        "--worker-trials", type=int, default=12, help="trials of the workers part (each worker's first one also "
        "pays its process's first tracing, so few trials understate two workers)",
    )  # fmt: skip
    parser.add_argument("--worker-epochs", type=int, default=10, help="epochs a trial in the workers part")
    parser.add_argument("--worker-units", type=int, default=50, help="units of the workers part's LSTM (seed model)")


QUICK = {
    "trials": 4,
    "epochs": 2,
    "windows": 200,
    "orders": 2,
    "worker_trials": 2,
    "worker_epochs": 1,
    "worker_units": 4,
}
# Everything runs in this process or as `python -m lstm_core sweep` processes: those are what is measured.
BENCH = Bench("sweep_speed", __doc__, options=options, quick=QUICK)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    run = BENCH.start(argv)
    args = run.args
    payload: dict[str, Any] = {"quick": args.quick, "trials": args.trials, "epochs": args.epochs,
                               "train_windows": args.windows}  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="sweep-bench-") as tmp:
        if args.part in ("all", "pruning"):
            payload["pruning"] = pruning(args, Path(tmp))
        if args.part in ("all", "workers"):
            payload["workers"] = workers(args, Path(tmp))
    run.write(payload)
    return payload


if __name__ == "__main__":
    main()
