"""Gates for 500 windows (window 60, LSTM(64)): `gates.network_gates` against a per-window loop.

The reference runs the very same NumPy step maths (z = x·W + h·U + b, then i, f, g, o, c, h)
one window at a time, in a Python loop over windows and steps, as one writes it first.
Ours (`lstm_core.nn.gates.network_gates`) vectorises over the batch of windows, so the Python
loop runs over the 60 steps only. Weights come from a Keras LSTM(64) built by
`lstm_core.nn.keras_model.build_model`; windows are test windows of a bundled sample. Both must give
the same h (float32 tolerance). Reference and ours alternate (A B A B) inside each process;
processes alternate between NumPy's default BLAS threads and OPENBLAS_NUM_THREADS=1.
Targets: ours >= 10x the reference, and under 0.3 s absolute (median).

    python bench/gates_speed.py
    python bench/gates_speed.py --quick
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from bench.common import fmt, spread
from bench.harness import Bench, Contender, ratio

TARGET_SPEEDUP = 10.0
TARGET_SECONDS = 0.3
BLAS_ENV = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def reference_gates(x: Any, layer: Any) -> dict[str, Any]:
    """The same step maths as gates.lstm_gates, one window at a time: x (B, T, F) -> gates (B, T, U)."""
    import numpy as np

    batch, steps, _ = x.shape
    units = layer.units
    out = {name: np.empty((batch, steps, units), np.float32) for name in ("i", "f", "g", "o", "c", "h")}
    for b in range(batch):
        h = np.zeros(units, np.float32)  # (U,)
        c = np.zeros(units, np.float32)  # (U,)
        for t in range(steps):
            z = x[b, t] @ layer.kernel + h @ layer.recurrent_kernel + layer.bias  # (4U,)
            i = 1.0 / (1.0 + np.exp(-z[:units]))
            f = 1.0 / (1.0 + np.exp(-z[units : 2 * units]))
            g = np.tanh(z[2 * units : 3 * units])
            o = 1.0 / (1.0 + np.exp(-z[3 * units :]))
            c = f * c + i * g
            h = o * np.tanh(c)
            for name, value in (("i", i), ("f", f), ("g", g), ("o", o), ("c", c), ("h", h)):
                out[name][b, t] = value
    return out


def worker(args: argparse.Namespace) -> dict[str, Any]:
    import keras
    import numpy as np

    from lstm_core.config.settings import ModelConfig, WindowConfig
    from lstm_core.data.sources import load
    from lstm_core.data.windows import prepare
    from lstm_core.nn.gates import network_gates
    from lstm_core.nn.keras_model import build_model, network_weights

    windows = prepare(load(args.data).values, WindowConfig(window=args.window))
    x = windows.x_test[: args.windows]  # (B, window, 1)
    if len(x) < args.windows:
        raise SystemExit(f"only {len(x)} test windows in {args.data}; need {args.windows}")
    keras.utils.set_random_seed(0)
    model = build_model(ModelConfig(units=args.units), window=args.window, n_features=windows.n_features)
    started = time.perf_counter()
    weights = network_weights(model)
    from_model_seconds = time.perf_counter() - started

    times: dict[str, list[float]] = {"reference": [], "ours": []}
    network_gates(x, weights)  # warm-up (first-touch allocations)
    outputs: dict[str, Any] = {}
    for _ in range(args.repeats):
        started = time.perf_counter()
        outputs["reference"] = reference_gates(x, weights.lstm[0])
        times["reference"].append(time.perf_counter() - started)
        started = time.perf_counter()
        outputs["ours"] = network_gates(x, weights)[0]
        times["ours"].append(time.perf_counter() - started)
    keras_h = None
    if args.check_keras:  # Keras's own h for every step, from the same weights
        sequence = keras.layers.LSTM(args.units, return_sequences=True)
        sequence.build(x.shape)
        sequence.set_weights(model.get_layer("lstm_1").get_weights())
        keras_h = keras.ops.convert_to_numpy(sequence(x))  # (B, window, U)
    result = {
        "backend": keras.backend.backend(),
        "windows": len(x),
        "window": args.window,
        "units": args.units,
        "seconds": times,
        "from_model_seconds": from_model_seconds,
        "max_abs_diff_h_vs_reference": float(
            max(np.abs(outputs["ours"][k] - outputs["reference"][k]).max() for k in outputs["ours"])
        ),
    }
    if keras_h is not None:
        result["max_abs_diff_h_vs_keras"] = float(np.abs(outputs["ours"]["h"] - keras_h).max())
    return result


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", default="sample:daily-min-temperatures")
    parser.add_argument("--windows", type=int, default=500)
    parser.add_argument("--window", type=int, default=60)
    parser.add_argument("--units", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=5, help="timed repeats per process")
    parser.add_argument("--check-keras", type=int, default=1, help="also compare h with Keras's own output")


BENCH = Bench(
    "gates_speed", __doc__, options=options, rounds=3, quick={"windows": 20, "repeats": 1, "units": 8, "rounds": 1}
)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    run = BENCH.start(argv)
    args = run.args
    # As lstm_core runs today (BLAS picks its own thread count), and with one BLAS thread:
    # NumPy's OpenBLAS splits each (B, U)·(U, 4U) product over both cores, and when another
    # process holds one core every product waits for it (see docs/PERFORMANCE.md).
    settings = {"default": {}} if args.quick else {"default": {}, "blas1": dict.fromkeys(BLAS_ENV, "1")}
    contenders = [Contender(name, worker, env={"KERAS_BACKEND": "tensorflow", **env}) for name, env in settings.items()]
    results = run.rounds(contenders)
    summary: dict[str, Any] = {}
    first = results["default"][0]
    print(
        f"gates of {first['windows']} windows, window {first['window']}, LSTM({first['units']}), "
        f"{args.rounds} processes x {args.repeats} repeats per setting:"
    )
    for name, runs in results.items():
        reference = [t for r in runs for t in r["seconds"]["reference"]]
        ours = [t for r in runs for t in r["seconds"]["ours"]]
        stats = {"reference": spread(reference), "ours": spread(ours)}
        speedup = ratio(reference, ours, target=TARGET_SPEEDUP)
        met = bool(speedup.met) and stats["ours"]["median"] < TARGET_SECONDS
        label = "BLAS threads: default" if name == "default" else "BLAS threads: 1 (OPENBLAS_NUM_THREADS=1)"
        print(f" {label}")
        print(f"  reference per-window loop: {fmt(stats['reference'], ' s', 3)}")
        print(f"  ours network_gates:        {fmt(stats['ours'], ' s', 4)}")
        print(f"  {speedup.line(digits=1)}; and median < {TARGET_SECONDS} s: {'met' if met else 'MISSED'}")
        summary[name] = {"stats": stats, "speedup": speedup.value, "paired_speedup": speedup.paired, "target_met": met}
    diffs = [r["max_abs_diff_h_vs_reference"] for runs in results.values() for r in runs]
    keras_diffs = [r.get("max_abs_diff_h_vs_keras", 0.0) for runs in results.values() for r in runs]
    print(f"  max |diff| of all gates vs reference {max(diffs):.1e}; h vs Keras's own output {max(keras_diffs):.1e}")
    run.write(
        {
            "targets": {"speedup": TARGET_SPEEDUP, "seconds": TARGET_SECONDS},
            "summary": summary,
            "runs": results,
        }
    )
    return summary


if __name__ == "__main__":
    main()
