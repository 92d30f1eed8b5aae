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
from typing import Any

from bench.common import fmt, length_for_windows, noisy_sine, spread, torch_fit
from bench.harness import Bench, Contender, column, ratio

TARGET = 0.9
MODELS = {
    "large": {"units": 256, "window": 60, "batch": 256, "train_windows": 100_000},
    "seed": {"units": 50, "window": 10, "batch": 32, "train_windows": 4_000},
}
QUICK = {"large": {"units": 8, "window": 6, "batch": 16, "train_windows": 200}}


def model_of(args: argparse.Namespace) -> dict[str, int]:
    """The sizes of the model a worker trains (`args.model`, one of MODELS, or QUICK's in quick mode)."""
    return (QUICK if args.quick else MODELS)[args.model]


def load_windows(model: dict[str, int]) -> Any:
    from lstm_core.config.settings import WindowConfig
    from lstm_core.data.windows import prepare

    values = noisy_sine(length_for_windows(model["train_windows"], window=model["window"]))
    return prepare(values, WindowConfig(window=model["window"]))


def worker_ours(args: argparse.Namespace) -> dict[str, Any]:
    import keras
    import numpy as np

    from lstm_core.config.settings import ExperimentConfig, ModelConfig, TrainConfig, WindowConfig
    from lstm_core.nn.gates import network_gates
    from lstm_core.nn.keras_model import network_weights
    from lstm_core.nn.train import train

    model = model_of(args)
    windows = load_windows(model)
    config = ExperimentConfig(
        windows=WindowConfig(window=model["window"]),
        model=ModelConfig(units=model["units"]),
        train=TrainConfig(epochs=args.epochs, batch_size=model["batch"], seed=0, device=args.device),
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


def worker_torch(args: argparse.Namespace) -> dict[str, Any]:
    import numpy as np
    import torch

    device = "cuda" if torch.cuda.is_available() else "cpu"
    torch.backends.cudnn.benchmark = True
    model = model_of(args)
    windows = load_windows(model)
    seconds, val_losses = torch_fit(
        windows, units=model["units"], batch_size=model["batch"], epochs=args.epochs, device=device
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


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--epochs", type=int, default=4, help="epochs per run; steady state is epochs 2..N")
    parser.add_argument("--device", default="gpu", help="lstm_core device: gpu, cpu or auto")


BENCH = Bench("gpu_speed", __doc__, options=options, rounds=2, quick={"epochs": 2, "rounds": 1, "device": "cpu"})


def main(argv: list[str] | None = None) -> dict[str, Any]:
    run = BENCH.start(argv)
    args = run.args
    # JAX takes memory as it needs it (unless told otherwise), so that the contenders never share the card
    env = {"XLA_PYTHON_CLIENT_PREALLOCATE": os.environ.get("XLA_PYTHON_CLIENT_PREALLOCATE", "false")}
    workers = {"ours": worker_ours, "torch": worker_torch}
    if args.quick and importlib.util.find_spec("torch") is None:
        del workers["torch"]  # the smoke test where PyTorch is not installed (CI): ours only
    summary: dict[str, Any] = {}
    runs: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for name, model in (QUICK if args.quick else MODELS).items():
        contenders = [Contender(c, worker, env=env, options={"model": name}) for c, worker in workers.items()]
        runs[name] = run.rounds(contenders)
        speeds = {contender: column(results, "samples_per_second") for contender, results in runs[name].items()}
        ours, torch_speed = spread(speeds["ours"]), spread(speeds.get("torch", []))
        target = TARGET if name == "large" else None
        versus = ratio(speeds["ours"], speeds["torch"], target=target) if "torch" in speeds else None
        gates = max(column(runs[name]["ours"], "gates_max_abs_diff"))
        summary[name] = {
            "ours": ours,
            "torch": torch_speed,
            "ratio": versus.value if versus else float("nan"),
            "gates_max_abs_diff": gates,
        }
        first = runs[name]["ours"][0]
        torch_first = runs[name]["torch"][0] if runs[name].get("torch") else {"device": "-", "card": "not installed"}
        print(
            f"{name}: LSTM({model['units']}), window {model['window']}, batch {model['batch']}, "
            f"{model['train_windows']:,} windows; ours on {first['device']} ({first['backend']}), "
            f"torch on {torch_first['device']} ({torch_first['card']})"
        )
        print(f"  ours:  {fmt(ours, ' samples/s')}")
        print(f"  torch: {fmt(torch_speed, ' samples/s')}")
        print(f"  {versus.line() if versus else 'ratio n/a'}; gates vs the layer's output: max |diff| {gates:.1e}")
    run.write({"summary": summary, "runs": runs})
    return summary


if __name__ == "__main__":
    main()
