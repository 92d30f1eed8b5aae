"""GPU training: `lstm_core` on the JAX backend against a plain PyTorch cuDNN loop, same data, same run.

Two models, each trained by both contenders on the same windows of a noisy sine:

    large   LSTM(256), window 60, batch 256, about 100,000 training windows
    seed    LSTM(50), window 10, batch 32, about 4,000 training windows

    ours    lstm_core.nn.train.train with KERAS_BACKEND=jax on the GPU (device "gpu"; compile_options
            picks XLA and steps_per_execution), validation loss included as in the app
    torch   nn.LSTM (cuDNN) + Linear, Adam, MSE, shuffled batches, on CUDA, validation each epoch

Each contender runs in a fresh subprocess (JAX and PyTorch never share the card; JAX does not
preallocate). Speed is steady-state training windows per second (median of the epochs after the
first); the first epoch (compilation, cuDNN autotuning) is reported apart. Target: ours >= 0.9x
torch on the large model. Then the gates recomputed in NumPy from the GPU-trained weights must
match the layer's own `return_sequences=True` output (float32 tolerance).

On a machine without TensorFlow (the lent GPU machines), carry the wheels keras, namex, optree,
threadpoolctl (see docs/PERFORMANCE.md, "GPU"), then:

    KERAS_BACKEND=jax python bench/gpu_speed.py --out $OUT
    python bench/gpu_speed.py --quick      # smoke test on CPU: tiny sizes, in-process
"""

from __future__ import annotations

import argparse
import importlib.util
import os
from pathlib import Path
from typing import Any

from bench.common import emit, fmt, length_for_windows, noisy_sine, run_worker, spread, torch_fit, write_result

SCRIPT = Path(__file__).resolve()
TARGET = 0.9
MODELS = {
    "large": {"units": 256, "window": 60, "batch": 256, "train_windows": 100_000},
    "seed": {"units": 50, "window": 10, "batch": 32, "train_windows": 4_000},
}
QUICK = {"large": {"units": 8, "window": 6, "batch": 16, "train_windows": 200}}


def load_windows(model: dict[str, int]) -> Any:
    from lstm_core.config.settings import WindowConfig
    from lstm_core.data.windows import prepare

    values = noisy_sine(length_for_windows(model["train_windows"], window=model["window"]))
    return prepare(values, WindowConfig(window=model["window"]))


def worker_ours(model: dict[str, int], epochs: int, device: str) -> dict[str, Any]:
    import keras
    import numpy as np

    from lstm_core.config.settings import ExperimentConfig, ModelConfig, TrainConfig, WindowConfig
    from lstm_core.nn.gates import network_gates
    from lstm_core.nn.keras_model import network_weights
    from lstm_core.nn.train import train

    windows = load_windows(model)
    config = ExperimentConfig(
        windows=WindowConfig(window=model["window"]),
        model=ModelConfig(units=model["units"]),
        train=TrainConfig(epochs=epochs, batch_size=model["batch"], seed=0, device=device),
    )
    result = train(windows, config)
    # The gates from the trained weights against the layer's own output for every step.
    x = windows.x_test[:64]  # (B, window, 1)
    ours_h = network_gates(x, network_weights(result.model))[0]["h"]  # (B, window, U)
    twin = keras.layers.LSTM(model["units"], return_sequences=True)
    twin.build(x.shape)
    twin.set_weights(result.model.get_layer("lstm_1").get_weights())
    keras_h = keras.ops.convert_to_numpy(twin(x))  # (B, window, U)
    seconds = [float(s) for s in result.history["seconds"]]
    return {
        "contender": "ours",
        "backend": keras.backend.backend(),
        "device": result.device,
        "devices": [str(d) for d in keras.distribution.list_devices()],
        "samples_per_second": result.samples_per_second,
        "first_epoch_seconds": seconds[0],
        "epoch_seconds": seconds,
        "final_val_loss": float(result.history["val_loss"].iloc[-1]),
        "gates_max_abs_diff": float(np.abs(ours_h - keras_h).max()),
    }


def worker_torch(model: dict[str, int], epochs: int) -> dict[str, Any]:
    import numpy as np
    import torch

    device = "cuda" if torch.cuda.is_available() else "cpu"
    torch.backends.cudnn.benchmark = True
    windows = load_windows(model)
    seconds, val_losses = torch_fit(
        windows, units=model["units"], batch_size=model["batch"], epochs=epochs, device=device
    )
    steady = seconds[1:] or seconds
    return {
        "contender": "torch",
        "device": device,
        "card": torch.cuda.get_device_name(0) if device == "cuda" else None,
        "samples_per_second": float(np.median([len(windows.x_train) / s for s in steady])),
        "first_epoch_seconds": seconds[0],
        "epoch_seconds": seconds,
        "final_val_loss": val_losses[-1],
    }


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--worker", choices=["ours", "torch"], help=argparse.SUPPRESS)
    parser.add_argument("--model", choices=list(MODELS), default="large", help=argparse.SUPPRESS)
    parser.add_argument("--epochs", type=int, default=4, help="epochs per run; steady state is epochs 2..N")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds (fresh processes each)")
    parser.add_argument("--device", default="gpu", help="lstm_core device: gpu, cpu or auto")
    parser.add_argument("--quick", action="store_true", help="smoke test: tiny model on CPU, in-process")
    parser.add_argument("--out", type=Path, default=None)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse(argv)
    models = QUICK if args.quick else MODELS
    if args.worker:
        model = models[args.model]
        if args.worker == "ours":
            result = worker_ours(model, args.epochs, args.device)
        else:
            result = worker_torch(model, args.epochs)
        emit(result)
        return result
    if args.quick:
        args.epochs, args.rounds, args.device = 2, 1, "cpu"
    os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")  # JAX takes memory as it needs it
    contenders = ["ours", "torch"]
    if args.quick and importlib.util.find_spec("torch") is None:
        contenders = ["ours"]  # the smoke test where PyTorch is not installed (CI): ours only
    summary: dict[str, Any] = {}
    runs: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for name, model in models.items():
        runs[name] = {contender: [] for contender in contenders}
        for round_index in range(args.rounds):
            order = contenders if round_index % 2 == 0 else contenders[::-1]
            for contender in order:
                worker_args = ["--worker", contender, "--model", name, "--epochs", str(args.epochs)]
                worker_args += ["--device", args.device] + (["--quick"] if args.quick else [])
                inline = (lambda a=worker_args: main(a)) if args.quick else None
                runs[name][contender].append(run_worker(SCRIPT, worker_args, inline=inline))
        ours = spread([r["samples_per_second"] for r in runs[name]["ours"]])
        torch_speed = spread([r["samples_per_second"] for r in runs[name].get("torch", [])])
        ratio = ours["median"] / torch_speed["median"] if torch_speed["median"] else float("nan")
        gates = max(r["gates_max_abs_diff"] for r in runs[name]["ours"])
        summary[name] = {"ours": ours, "torch": torch_speed, "ratio": ratio, "gates_max_abs_diff": gates}
        first = runs[name]["ours"][0]
        torch_first = runs[name]["torch"][0] if runs[name].get("torch") else {"device": "-", "card": "not installed"}
        print(
            f"{name}: LSTM({model['units']}), window {model['window']}, batch {model['batch']}, "
            f"{model['train_windows']:,} windows; ours on {first['device']} ({first['backend']}), "
            f"torch on {torch_first['device']} ({torch_first['card']})"
        )
        print(f"  ours:  {fmt(ours, ' samples/s')}")
        print(f"  torch: {fmt(torch_speed, ' samples/s')}")
        verdict = f"; target >= {TARGET}x: {'met' if ratio >= TARGET else 'MISSED'}" if name == "large" else ""
        print(f"  ratio {ratio:.2f}x{verdict}; gates vs the layer's output: max |diff| {gates:.1e}")
    path = write_result(
        "gpu_speed_quick" if args.quick else "gpu_speed",
        {"settings": {"epochs": args.epochs, "rounds": args.rounds, "device": args.device}, "summary": summary,
         "runs": runs},
        out_dir=args.out,
    )  # fmt: skip
    print(f"wrote {path}")
    return summary


if __name__ == "__main__":
    main()
