"""A 200-step recursive future forecast: `lstm_core.forecast.one_step.recursive` against `model.predict` per step.

The reference is what one writes first: feed the last window to `model.predict`, append the
prediction, repeat 200 times (one `predict` call per step). Ours runs the trained weights
through the NumPy kernel in gates.py (`forecast.recursive`). Both start from the same window
of the same model (seed model: LSTM(50), window 10, trained briefly on a bundled sample) and
must agree to float32 tolerance. A second reference, calling the model directly
(`model(x, training=False)`) per step, is reported for information.

Each backend runs in a fresh subprocess; inside it, reference and ours alternate (A B A B).
Target: ours >= 20x faster than `model.predict` per step.

    python bench/forecast_speed.py               # TensorFlow and JAX backends
    python bench/forecast_speed.py --quick       # smoke test: in-process, few repeats
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from bench.common import fmt, spread
from bench.harness import Bench, Contender, ratio

TARGET = 20.0


def worker(args: argparse.Namespace) -> dict[str, Any]:
    import keras
    import numpy as np

    from lstm_core.config.settings import ExperimentConfig, ModelConfig, TrainConfig, WindowConfig
    from lstm_core.data.sources import load
    from lstm_core.data.windows import prepare
    from lstm_core.forecast.one_step import recursive
    from lstm_core.nn.train import train

    windows = prepare(load(args.data).values, WindowConfig(window=args.window))
    config = ExperimentConfig(
        windows=WindowConfig(window=args.window),
        model=ModelConfig(units=args.units),
        train=TrainConfig(epochs=max(1, args.train_epochs), seed=0, device="cpu"),
    )
    if args.train_epochs > 0:
        model = train(windows, config).model
    else:  # the smoke test: untrained weights time the same
        from lstm_core.nn.keras_model import build_model, network_weights

        keras.utils.set_random_seed(0)
        model = build_model(config.model, window=args.window, n_features=windows.n_features)
    weights = network_weights(model)

    def reference_predict(steps: int = args.steps) -> np.ndarray:
        history = windows.scaled[-windows.window :, 0].astype(np.float32)  # (window,)
        out = np.empty(steps, np.float32)
        for step in range(steps):
            out[step] = model.predict(history[None, :, None], verbose=0)[0, 0]  # (1, window, 1) -> scalar
            history = np.roll(history, -1)
            history[-1] = out[step]
        return windows.scaler.inverse_target(out)

    def reference_call(steps: int = args.steps) -> np.ndarray:
        history = windows.scaled[-windows.window :, 0].astype(np.float32)  # (window,)
        out = np.empty(steps, np.float32)
        for step in range(steps):
            y = model(history[None, :, None], training=False)  # (1, 1)
            out[step] = float(keras.ops.convert_to_numpy(y)[0, 0])
            history = np.roll(history, -1)
            history[-1] = out[step]
        return windows.scaler.inverse_target(out)

    def ours(steps: int = args.steps) -> np.ndarray:
        return recursive(weights, windows, steps)

    contenders = {
        "predict_per_step": reference_predict,
        "call_per_step": reference_call,
        "ours": ours,
    }
    if keras.backend.backend() not in args.call_backends.split(","):
        del contenders["call_per_step"]  # eager model(x) on JAX: over 100 s per forecast here
    for function in contenders.values():  # warm up: the first calls trace and compile
        function(3)
    times: dict[str, list[float]] = {name: [] for name in contenders}
    outputs: dict[str, Any] = {}
    for _ in range(args.repeats):
        for name, function in contenders.items():  # interleaved: A B C A B C
            inner = args.inner if name == "ours" else 1  # ours is too fast to time one call alone
            started = time.perf_counter()
            for _ in range(inner):
                outputs[name] = function()
            times[name].append((time.perf_counter() - started) / inner)
    scale = float(np.abs(outputs["predict_per_step"]).max())
    return {
        "backend": keras.backend.backend(),
        "steps": args.steps,
        "seconds": times,
        "max_abs_diff_vs_predict": float(np.abs(outputs["ours"] - outputs["predict_per_step"]).max()),
        "max_abs_diff_vs_call": (
            float(np.abs(outputs["ours"] - outputs["call_per_step"]).max()) if "call_per_step" in outputs else None
        ),
        "value_scale": scale,
    }


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", default="sample:daily-min-temperatures")
    parser.add_argument("--window", type=int, default=10)
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument("--train-epochs", type=int, default=2, help="0: untrained weights")
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3, help="interleaved repetitions per backend")
    parser.add_argument("--inner", type=int, default=10, help="calls of ours per timed repetition")
    parser.add_argument("--backends", default="tensorflow,jax")
    parser.add_argument("--call-backends", default="tensorflow", help="backends on which model(x) per step is timed")


QUICK = {"steps": 5, "repeats": 1, "inner": 1, "units": 8, "train_epochs": 0, "backends": "tensorflow"}
BENCH = Bench("forecast_speed", __doc__, options=options, quick=QUICK)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    run = BENCH.start(argv)
    args = run.args
    contenders = [Contender(backend, worker, env={"KERAS_BACKEND": backend}) for backend in args.backends.split(",")]
    results: dict[str, Any] = {}
    for [result] in run.rounds(contenders).values():  # one process per backend; the repeats are inside it
        stats = {name: spread(values) for name, values in result["seconds"].items()}
        speedup = ratio(result["seconds"]["predict_per_step"], result["seconds"]["ours"], target=TARGET)
        result["stats"] = stats
        result["speedup_vs_predict"] = speedup.value
        result["paired_speedup_vs_predict"] = speedup.paired
        result["speedup_vs_call"] = (
            stats["call_per_step"]["median"] / stats["ours"]["median"] if "call_per_step" in stats else None
        )
        result["target_met"] = speedup.met
        results[result["backend"]] = result
        name = result["backend"]
        print(f"{args.steps}-step recursive forecast, LSTM({args.units}), window {args.window}, backend {name}:")
        print(f"  reference model.predict per step: {fmt(stats['predict_per_step'], ' s', 4)}")
        if "call_per_step" in stats:
            print(f"  reference model(x) per step:      {fmt(stats['call_per_step'], ' s', 4)}")
        print(f"  ours forecast.recursive:          {fmt(stats['ours'], ' s', 5)}")
        print(
            f"  {speedup.line('ratio vs predict', digits=1)}"
            + (f"; {result['speedup_vs_call']:.1f}x vs model(x)" if result["speedup_vs_call"] else "")
            + f"; max |diff| {result['max_abs_diff_vs_predict']:.2e} (values ~{result['value_scale']:.1f})"
        )
    run.write({"target_speedup": TARGET, "results": results})
    return results


if __name__ == "__main__":
    main()
