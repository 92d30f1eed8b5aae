"""Gates over training: what recording the probe window's gates every epoch adds to the seed model's training.

Seed model: LSTM(50), window 10, Dense(1), Adam(1e-3), MSE, batch 32, about 4,000 training windows
of a noisy sine, 100 epochs planned (so every epoch is recorded: the stride is 1 up to 200 epochs),
stopped after `--epochs`. Two contenders, each in a fresh process, alternating (A B, B A, ...):

    without   lstm_core.nn.train.train(windows, config)                       (no recorder)
    with      lstm_core.nn.train.train(windows, config, recorder=GateRecorder())

    alternate a recorder limited to 50 snapshots of 100 planned epochs records every 2nd epoch, so
              epochs with and without recording alternate inside one process, under the same load

Reported: steady epoch time (median of epochs 2..N) of each and their ratio; in "alternate", the
median recorded epoch against the median unrecorded one (the same-process A B A B comparison); and,
measured inside the "with" process, the time spent in GateRecorder.record per epoch against the epoch
time (the direct measure of the same overhead), plus the weight read that a run without a validation
part adds. Target: recording adds at most 5%, judged on the direct measure: on a shared machine the
end-to-end ratios move by more than 5% from run to run.

    python bench/gates_recording.py
    python bench/gates_recording.py --quick
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from bench.common import fmt, length_for_windows, noisy_sine, spread
from bench.harness import Bench, Contender, column, ratio

TARGET_OVERHEAD = 0.05


def worker(args: argparse.Namespace) -> dict[str, Any]:
    import keras

    from lstm_core.config.settings import ExperimentConfig, ModelConfig, TrainConfig, WindowConfig
    from lstm_core.data.windows import prepare
    from lstm_core.nn.keras_model import network_weights
    from lstm_core.nn.probe import GateRecorder
    from lstm_core.nn.train import train

    windows = prepare(
        noisy_sine(length_for_windows(args.train_windows, window=args.window)), WindowConfig(window=args.window)
    )
    config = ExperimentConfig(
        windows=WindowConfig(window=args.window),
        model=ModelConfig(units=args.units),
        train=TrainConfig(epochs=max(args.epochs, 100), batch_size=32, seed=0, device="cpu"),
    )
    record_seconds: list[float] = []
    recorder = None
    if args.contender in ("with", "alternate"):
        recorder = GateRecorder(max_snapshots=50 if args.contender == "alternate" else 200)
        original = recorder.record

        def timed(epoch: int, weights: Any) -> None:
            started = time.perf_counter()
            original(epoch, weights)
            record_seconds.append(time.perf_counter() - started)

        recorder.record = timed  # type: ignore[method-assign]
    done: list[Any] = []
    result = train(
        windows, config, on_epoch=done.append, should_stop=lambda: len(done) >= args.epochs, recorder=recorder
    )
    seconds = [float(s) for s in result.history["seconds"].iloc[: args.epochs]]
    # A run without a validation part reads the weights only for the recorder: time that read too.
    from_model_seconds = []
    for _ in range(10):
        started = time.perf_counter()
        network_weights(result.model)
        from_model_seconds.append(time.perf_counter() - started)
    return {
        "contender": args.contender,
        "backend": keras.backend.backend(),
        "epoch_seconds": seconds,
        "steady_epoch_seconds": statistics.median(seconds[1:]) if len(seconds) > 1 else seconds[0],
        "record_seconds": record_seconds,
        "from_model_seconds": from_model_seconds,
        "snapshots": len(result.gate_history) if result.gate_history is not None else 0,
        "n_train": len(windows.x_train),
    }


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--train-windows", type=int, default=4000)
    parser.add_argument("--window", type=int, default=10)
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument("--epochs", type=int, default=20)


QUICK = {"train_windows": 200, "epochs": 3, "rounds": 1, "units": 8}
BENCH = Bench("gates_recording", __doc__, options=options, rounds=3, quick=QUICK)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    run = BENCH.start(argv)
    args = run.args
    tf = {"KERAS_BACKEND": "tensorflow"}
    contenders = [
        Contender(name, worker, env=tf, options={"contender": name}) for name in ("without", "with", "alternate")
    ]
    results = run.rounds(contenders)
    steady = {name: spread(column(runs, "steady_epoch_seconds")) for name, runs in results.items()}
    end_to_end = ratio(
        column(results["with"], "steady_epoch_seconds"), column(results["without"], "steady_epoch_seconds")
    )
    # Epoch e (1-based) is recorded in "alternate" when e is odd; epoch 1 (compilation) is left out.
    recorded = [s for r in results["alternate"] for e, s in enumerate(r["epoch_seconds"], 1) if e > 1 and e % 2]
    unrecorded = [s for r in results["alternate"] for e, s in enumerate(r["epoch_seconds"], 1) if e > 1 and not e % 2]
    alternate = {"recorded": spread(recorded), "unrecorded": spread(unrecorded)}
    alternate_ratio = ratio(recorded, unrecorded).value
    record = spread([s for r in results["with"] for s in r["record_seconds"][1:]])  # the first includes first-touch
    direct = record["median"] / steady["with"]["median"]
    read = spread([s for r in results["with"] for s in r.get("from_model_seconds", [])[1:]])
    worst = (record["median"] + (read["median"] or 0.0)) / steady["with"]["median"]
    # The end-to-end ratios move by more than 5% between runs on a shared machine (see the spreads);
    # the target is judged on the direct measure: record (+ the weight read a run without validation adds).
    met = worst <= TARGET_OVERHEAD
    print(
        f"seed model LSTM({args.units}), window {args.window}, {results['with'][0]['n_train']} windows, "
        f"{args.epochs} epochs, {args.rounds} processes each:"
    )
    print(f"  steady epoch without recording: {fmt(steady['without'], ' s', 4)}")
    print(f"  steady epoch with recording:    {fmt(steady['with'], ' s', 4)}")
    print(f"  {end_to_end.line('ratio with/without', digits=3, unit='')} (separate processes)")
    print(f"  alternate, recorded epochs:     {fmt(alternate['recorded'], ' s', 4)}")
    print(f"  alternate, unrecorded epochs:   {fmt(alternate['unrecorded'], ' s', 4)}")
    print(f"  ratio recorded/unrecorded {alternate_ratio:.3f} (same process, epochs interleaved)")
    print(f"  GateRecorder.record per epoch:  {fmt(record, ' s', 5)} = {direct:.2%} of an epoch")
    print(f"  weight read (runs without validation only): {fmt(read, ' s', 5)}; both: {worst:.2%} of an epoch")
    print(f"  target: recording adds at most {TARGET_OVERHEAD:.0%} (direct measure): {'met' if met else 'MISSED'}")
    summary = {
        "steady": steady,
        "ratio": end_to_end.value,
        "alternate": alternate,
        "alternate_ratio": alternate_ratio,
        "record": record,
        "direct_overhead": direct,
        "weight_read": read,
        "direct_overhead_without_validation": worst,
        "met": met,
    }
    run.write({"target_overhead": TARGET_OVERHEAD, "summary": summary, "runs": results})
    return {"ratio": end_to_end.value, "alternate_ratio": alternate_ratio, "direct_overhead": direct, "met": met}


if __name__ == "__main__":
    main()
