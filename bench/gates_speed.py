"""Gates for 500 windows (window 60, LSTM(64)): `gates.network_gates` against a per-window loop.

The reference runs the very same NumPy step maths (z = x·W + h·U + b, then i, f, g, o, c, h)
one window at a time, in a Python loop over windows and steps, as one writes it first.
Ours (`lstm_core.gates.network_gates`) vectorises over the batch of windows, so the Python
loop runs over the 60 steps only. Weights come from a Keras LSTM(64) built by
`lstm_core.model.build_model`; windows are test windows of a bundled sample. Both must give
the same h (float32 tolerance). Reference and ours alternate (A B A B); medians and spread.
Targets: ours >= 10x the reference, and under 0.3 s absolute.

    python bench/gates_speed.py
    python bench/gates_speed.py --quick
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import emit, fmt, run_worker, spread, write_result  # noqa: E402

SCRIPT = Path(__file__).resolve()
TARGET_SPEEDUP = 10.0
TARGET_SECONDS = 0.3


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

    from lstm_core.config import ModelConfig, WindowConfig
    from lstm_core.data import load
    from lstm_core.gates import NetworkWeights, network_gates
    from lstm_core.model import build_model
    from lstm_core.windows import prepare

    windows = prepare(load(args.data).values, WindowConfig(window=args.window))
    x = windows.x_test[: args.windows]  # (B, window, 1)
    if len(x) < args.windows:
        raise SystemExit(f"only {len(x)} test windows in {args.data}; need {args.windows}")
    keras.utils.set_random_seed(0)
    model = build_model(ModelConfig(units=args.units), window=args.window, n_features=windows.n_features)
    started = time.perf_counter()
    weights = NetworkWeights.from_model(model)
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
    keras_h = keras.ops.convert_to_numpy(
        keras.layers.RNN(model.get_layer("lstm_1").cell, return_sequences=True)(x)
    ) if args.check_keras else None
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


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--data", default="sample:daily-min-temperatures")
    parser.add_argument("--windows", type=int, default=500)
    parser.add_argument("--window", type=int, default=60)
    parser.add_argument("--units", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--check-keras", type=int, default=1, help="also compare h with Keras's own output")
    parser.add_argument("--quick", action="store_true", help="smoke test: in-process, 20 windows")
    parser.add_argument("--out", type=Path, default=None)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse(argv)
    if args.worker:
        emit(worker(args))
        return {}
    if args.quick:
        args.windows, args.repeats, args.units = 20, 1, 8
    worker_args = [
        "--worker", "--data", args.data, "--windows", str(args.windows), "--window", str(args.window),
        "--units", str(args.units), "--repeats", str(args.repeats), "--check-keras", str(args.check_keras),
    ]  # fmt: skip
    inline = (lambda: worker(parse(worker_args))) if args.quick else None
    result = run_worker(SCRIPT, worker_args, env={"KERAS_BACKEND": "tensorflow"}, inline=inline)
    stats = {name: spread(values) for name, values in result["seconds"].items()}
    ratio = stats["reference"]["median"] / stats["ours"]["median"]
    paired = spread([r / o for r, o in zip(result["seconds"]["reference"], result["seconds"]["ours"])])
    met = ratio >= TARGET_SPEEDUP and stats["ours"]["max"] < TARGET_SECONDS
    print(f"gates of {result['windows']} windows, window {result['window']}, LSTM({result['units']}):")
    print(f"  reference per-window loop: {fmt(stats['reference'], ' s', 3)}")
    print(f"  ours network_gates:        {fmt(stats['ours'], ' s', 4)}")
    print(
        f"  ratio {ratio:.1f}x (paired {paired['min']:.1f}-{paired['max']:.1f}x); target >= {TARGET_SPEEDUP:.0f}x "
        f"and < {TARGET_SECONDS} s: {'met' if met else 'MISSED'}; max |diff| vs reference "
        f"{result['max_abs_diff_h_vs_reference']:.1e}"
        + (f", h vs Keras {result['max_abs_diff_h_vs_keras']:.1e}" if "max_abs_diff_h_vs_keras" in result else "")
    )
    path = write_result(
        "gates_speed_quick" if args.quick else "gates_speed",
        {
            "settings": {k: v for k, v in vars(args).items() if k not in ("worker", "out")},
            "targets": {"speedup": TARGET_SPEEDUP, "seconds": TARGET_SECONDS},
            "stats": stats,
            "speedup": ratio,
            "paired_speedup": paired,
            "target_met": met,
            "result": result,
        },
        out_dir=args.out,
    )
    print(f"wrote {path}")
    return {"speedup": ratio, "stats": stats, "target_met": met}


if __name__ == "__main__":
    main()
