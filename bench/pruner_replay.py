"""Pruners compared by replaying one recorded sweep: what each would have saved, and what it would have lost.

A sweep without pruning records, for every trial, its validation RMSE after each epoch (Optuna's
intermediate values), its final value, its seconds and the seconds at each epoch's end (user attribute
`epoch_ends`). Training is seeded, so a trial's curve is the same whether or not a pruner watches it:
replaying the curves through a pruner gives exactly which trials it would stop, and when. A stopped
trial's time is its recorded time less the epochs it would not have run. Every trial pays the same
overhead between trials as in the recorded sweep.

The replay runs in the recorded order and in `--orders` random orders of the same trials (a random
sampler could have proposed them in any order), so a pruner is judged on more than one lucky sequence.
For each pruner: the speed-up over no pruning (target >= 1.5x) and the best RMSE it keeps against the
best of all trials (target: within 5%).

    python bench/pruner_replay.py --windows 4000          # record a 20-trial sweep, then replay it
    python bench/pruner_replay.py --db sweep.db --study s  # replay a recorded study (no pruning)
    python bench/pruner_replay.py --quick                  # smoke test
"""

from __future__ import annotations

import argparse
import math
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.harness import Bench

SPEED_TARGET, RMSE_TOLERANCE = 1.5, 1.05


@dataclass(frozen=True)
class Recorded:
    """One complete trial of a sweep without pruning."""

    number: int
    curve: tuple[float, ...]  # validation RMSE after epochs 1..E
    value: float  # the trial's objective
    seconds: float  # the whole trial
    ends: tuple[float, ...]  # seconds from its start to each epoch's end

    def seconds_if_stopped_at(self, epoch: int) -> float:
        return self.seconds - (self.ends[-1] - self.ends[epoch - 1])


def recorded_trials(study: Any) -> list[Recorded]:
    """The complete trials of a study run without pruning, each with its whole curve and epoch timings."""
    out = []
    for trial in study.trials:
        ends = trial.user_attrs.get("epoch_ends")
        if trial.state.name != "COMPLETE" or not ends:
            continue
        steps = sorted(trial.intermediate_values)
        curve = tuple(trial.intermediate_values[step] for step in steps)
        if len(curve) != len(ends):
            continue
        out.append(Recorded(trial.number, curve, trial.value, trial.user_attrs["seconds"], tuple(ends)))
    return out


def candidates(epochs: int, batches: int | None = None) -> dict[str, Any]:
    """Pruner name -> factory. The first two are what `lstm_core.sweep.study` ships ("halving" is the default), for
    `batches` batches an epoch at the fixed batch size."""
    import optuna

    from lstm_core.sweep.study import _pruner

    p = optuna.pruners
    return {
        "halving (default): min a tenth, eta 2": lambda: _pruner("halving", epochs, batches),
        "median: 4 startup, warmup a tenth": lambda: _pruner("median", epochs, batches),
        "halving, min a tenth only, eta 2": lambda: _pruner("halving", epochs),
        "median, 2 startup, warmup 2": lambda: p.MedianPruner(n_startup_trials=2, n_warmup_steps=2),
        "median, 4 startup, warmup 1": lambda: p.MedianPruner(n_startup_trials=4, n_warmup_steps=1),
        "percentile 25, 4 startup, warmup 2": lambda: p.PercentilePruner(25, n_startup_trials=4, n_warmup_steps=2),
        "successive halving, min 1, eta 3": lambda: p.SuccessiveHalvingPruner(min_resource=1, reduction_factor=3),
        "successive halving, min 2, eta 3": lambda: p.SuccessiveHalvingPruner(min_resource=2, reduction_factor=3),
        "hyperband, min 1, eta 3": lambda: p.HyperbandPruner(min_resource=1, max_resource=epochs, reduction_factor=3),
        "hyperband, min 2, eta 3": lambda: p.HyperbandPruner(min_resource=2, max_resource=epochs, reduction_factor=3),
    }


def replay(trials: list[Recorded], make_pruner: Any, overhead: float) -> dict[str, Any]:
    """Run `trials` in this order through a fresh pruner; seconds and best value of that sweep."""
    import optuna
    from optuna.trial import TrialState

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(study_name="replay", direction="minimize", pruner=make_pruner())
    seconds, best, stopped = 0.0, math.inf, 0
    for recorded in trials:
        trial = study.ask()
        stop_at = None
        for epoch, value in enumerate(recorded.curve, start=1):
            trial.report(value, epoch)
            # as lstm_core.sweep.study: never at the last epoch
            if epoch < len(recorded.curve) and trial.should_prune():
                stop_at = epoch
                break
        if stop_at is None:
            study.tell(trial, recorded.value)
            seconds += recorded.seconds + overhead
            best = min(best, recorded.value)
        else:
            study.tell(trial, state=TrialState.PRUNED)
            seconds += recorded.seconds_if_stopped_at(stop_at) + overhead
            stopped += 1
    return {"seconds": seconds, "best": best, "pruned": stopped}


def compare(
    trials: list[Recorded], overhead: float, *, orders: int, epochs: int, batches: int | None = None
) -> dict[str, Any]:
    """Each candidate over the recorded order and `orders` shuffled ones: speed-ups and best-RMSE ratios."""
    import random

    reference_seconds = sum(t.seconds + overhead for t in trials)
    best = min(t.value for t in trials)
    rng = random.Random(0)
    sequences = [list(trials)] + [rng.sample(trials, len(trials)) for _ in range(orders)]
    out: dict[str, Any] = {}
    for name, make in candidates(epochs, batches).items():
        runs = [replay(sequence, make, overhead) for sequence in sequences]
        speedups = [reference_seconds / r["seconds"] for r in runs]
        ratios = [r["best"] / best for r in runs]
        met = [s >= SPEED_TARGET and q <= RMSE_TOLERANCE for s, q in zip(speedups, ratios, strict=True)]
        out[name] = {
            "recorded_order": {"speedup": round(speedups[0], 3), "rmse_ratio": round(ratios[0], 4),
                               "pruned": runs[0]["pruned"]},
            "speedup_median": round(statistics.median(speedups), 3),
            "speedup_min": round(min(speedups), 3),
            "rmse_ratio_median": round(statistics.median(ratios), 4),
            "rmse_ratio_max": round(max(ratios), 4),
            "orders_meeting_both": f"{sum(met)}/{len(met)}",
        }  # fmt: skip
    return out


def record(windows: int, trials: int, epochs: int, folder: Path, *, quick: bool = False) -> tuple[Any, float]:
    """A sweep without pruning (random sampler, seed 0) over the default space; the study and its wall time."""
    from bench.sweep_speed import _dataset, space
    from lstm_core.config.settings import ExperimentConfig
    from lstm_core.data.fingerprint import fingerprint
    from lstm_core.data.windows import prepare
    from lstm_core.nn.train import train
    from lstm_core.sweep.study import SweepSetup, open_study, optimize

    dataset = _dataset(windows)
    base = ExperimentConfig().replace(epochs=epochs, device="cpu", forecast_steps=0)
    train(prepare(dataset.values, base.windows), base.replace(epochs=1))  # import and warm the backend first
    setup = SweepSetup(base, space(quick), fingerprint(dataset), trials=trials, pruner="none")
    study, _ = open_study(f"sqlite:///{folder / 'none.db'}", "none", setup)
    started = time.perf_counter()
    optimize(study, setup, dataset, sampler="random", sampler_seed=0)
    return study, time.perf_counter() - started


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--windows", type=int, default=300, help="training windows of the sweep (default 300)")
    parser.add_argument("--trials", type=int, default=20, help="trials of the recorded sweep")
    parser.add_argument("--epochs", type=int, default=20, help="epochs a trial of the recorded sweep")
    parser.add_argument("--db", type=Path, help="replay this SQLite file's study instead of recording one")
    parser.add_argument("--study", default="none", help="the study's name in --db")
    parser.add_argument("--wall", type=float, help="the recorded sweep's wall seconds (default: sum of trials)")
    parser.add_argument("--orders", type=int, default=50, help="shuffled orders besides the recorded one")


# --quick: 3 tiny trials, 2 epochs. Everything here runs in this process: the replay is what is measured.
BENCH = Bench("pruner_replay", __doc__, options=options, quick={"windows": 200, "trials": 3, "epochs": 2, "orders": 2})


def main(argv: list[str] | None = None) -> dict[str, Any]:
    import optuna

    run = BENCH.start(argv)
    args = run.args
    with tempfile.TemporaryDirectory(prefix="pruner-replay-") as tmp:
        if args.db:
            study, wall = optuna.load_study(study_name=args.study, storage=f"sqlite:///{args.db}"), args.wall
        else:
            study, wall = record(args.windows, args.trials, args.epochs, Path(tmp), quick=args.quick)
        trials = recorded_trials(study)
    if not trials:
        raise SystemExit("error: the study has no complete trials with epoch timings (record one without pruning).")
    epochs = len(trials[0].curve)
    total = sum(t.seconds for t in trials)
    overhead = max((wall - total) / len(trials), 0.0) if wall else 0.0
    batches = math.ceil(args.windows / 32)  # at the fixed batch size, 32
    results = compare(trials, overhead, orders=args.orders, epochs=epochs, batches=batches)
    best = min(t.value for t in trials)
    print(f"{len(trials)} trials, {epochs} epochs; recorded {total:.1f} s of trials + {overhead:.2f} s between "
          f"trials; best RMSE {best:.5g}; {args.orders} shuffled orders and the recorded one")  # fmt: skip
    print(f"{'pruner':40} {'recorded order':>24} {'speed-up median (min)':>22} {'RMSE ratio max':>15} {'met':>7}")
    for name, r in results.items():
        rec = r["recorded_order"]
        print(f"{name:40} {rec['speedup']:>8.2f}x {rec['rmse_ratio']:.3f} {rec['pruned']:>2} pruned "
              f"{r['speedup_median']:>13.2f}x ({r['speedup_min']:.2f}x) {r['rmse_ratio_max']:>15.3f} "
              f"{r['orders_meeting_both']:>7}")  # fmt: skip
    payload = {"trials": len(trials), "epochs": epochs, "trial_seconds": round(total, 2),
               "overhead_per_trial": round(overhead, 3), "orders": args.orders, "pruners": results}  # fmt: skip
    run.write(payload)
    return payload


if __name__ == "__main__":
    main()
