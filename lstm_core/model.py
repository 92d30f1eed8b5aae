"""Build the Keras model from the configuration, in plain backend-neutral Keras 3.

    Input (window, F) -> LSTM(units) x layers [-> Dropout(dropout) after each] -> Dense(outputs)

`outputs` is 1 (one step ahead; longer forecasts feed predictions back) or the horizon H of a
direct multi-step model (one output per horizon step).

compiled with Adam(learning_rate) on mean squared error, as in Keras's own time-series
example. Layers are named `lstm_1`, `lstm_2`, ... so the Gates page can pick one.

A seed ensemble (`members` > 1) is one functional model with N independent members on the same
input and a (B, N) output, trained on the sum of the members' squared errors: vectorised
(ensemble_model.py: all N recurrences in one loop), or with
recurrent dropout N separate stacks whose layers are named `m{m}_lstm_1`, ..., `m{m}_forecast`.
Each member is initialised from its own seed; with the target repeated N times, each member's
gradient comes from its own head only: the members learn independently, in one compiled step.
The defaults keep the fast fused GPU kernel usable (tanh/sigmoid, use_bias,
recurrent_dropout=0, unroll=False); `recurrent_dropout` > 0 gives it up.
Keras is imported inside the functions, so importing this module is cheap.
"""

from __future__ import annotations

import os
from typing import Any

from lstm_core.config import ModelConfig
from lstm_core.errors import LabError

__all__ = [
    "GPU_WORTHWHILE_WORK",
    "JIT_MIN_SAMPLES",
    "UNROLL_MIN_SAMPLES",
    "backend_name",
    "build_model",
    "compile_options",
    "gpu_advice",
    "load_model",
    "member_seed",
]


def backend_name() -> str:
    """The Keras backend that is (or will be) used, without importing Keras."""
    import sys

    if "keras" in sys.modules:
        return sys.modules["keras"].backend.backend()
    return os.environ.get("KERAS_BACKEND", "tensorflow")


# Unrolling the recurrence on JAX speeds each step up by roughly a quarter but adds 10-15 s of
# XLA compilation to the first epoch (measured: window 10, LSTM(50), 2-core CPU). It pays for
# itself only past about a million training samples (windows x epochs).
UNROLL_MIN_SAMPLES = 1_000_000

# XLA on the TensorFlow backend roughly doubles steady-state speed for a small LSTM on CPU but adds
# a few seconds of compilation to the first epoch; below this many training samples (windows x
# epochs) the plain graph finishes sooner (a 100-epoch run on airline-passengers is ~10,000).
JIT_MIN_SAMPLES = 50_000


def compile_options(
    *, backend: str, device: str, window: int, batches_per_epoch: int, samples_to_train: int | None = None
) -> dict[str, Any]:
    """Settings that make a small LSTM fast on each backend (measured in bench/train_speed.py).

    A tiny LSTM is bound by per-step overhead, not arithmetic. Running several batches per
    call (`steps_per_execution`) and compiling the step with XLA removes most of it.
    On a GPU with TensorFlow, XLA would replace the fused cuDNN kernel, so it stays off there.
    `samples_to_train` (training windows x epochs) decides whether XLA on TensorFlow and
    unrolling on JAX repay their compile time; None means unknown: XLA on, no unrolling.
    """
    steps_per_execution = max(1, min(32, batches_per_epoch))
    options: dict[str, Any] = {"steps_per_execution": steps_per_execution, "unroll": False}
    if backend == "tensorflow":
        long_enough = samples_to_train is None or samples_to_train >= JIT_MIN_SAMPLES
        options["jit_compile"] = long_enough and not device.startswith("gpu")
    elif backend == "jax":
        options["jit_compile"] = True
        long_training = samples_to_train is not None and samples_to_train >= UNROLL_MIN_SAMPLES
        options["unroll"] = window <= 32 and long_training and not device.startswith("gpu")
    else:
        options["jit_compile"] = "auto"
    return options


# Below this much work per batch step (units x batch size x window), a GPU is no faster than the CPU:
# measured in DESIGN.md, the seed model (50 x 32 x 10) runs at about the same speed on an H100
# as on 2 CPU cores, while LSTM(256), window 60, batch 256 is several times faster there.
GPU_WORTHWHILE_WORK = 256 * 64 * 30


def gpu_advice(config: ModelConfig, *, batch_size: int, window: int) -> str | None:
    """A sentence for a user about to train a model too small for a GPU to speed up, else None."""
    work = config.units * batch_size * window
    if work >= GPU_WORTHWHILE_WORK:
        return None
    return (
        f"This model is small (LSTM({config.units}), batch {batch_size}, window {window}): each training step "
        "is bound by overhead, not arithmetic, so a GPU will be no faster than the CPU. A GPU helps from "
        "about LSTM(256) with batch 256 and longer windows."
    )


def member_seed(seed: int, member: int) -> int:
    """The seed of ensemble member `member` (0-based): seed, seed + 1, ..."""
    return seed + member


def build_model(
    config: ModelConfig,
    *,
    window: int,
    n_features: int,
    learning_rate: float = 0.001,
    unroll: bool = False,
    jit_compile: bool | str = "auto",
    steps_per_execution: int = 1,
    members: int = 1,
    seed: int = 0,
    outputs: int = 1,
) -> Any:
    """A compiled Keras model: a `Sequential` for one member, a functional seed ensemble for more.

    Call with the seed already set (see train.py). Ensemble member m's layers are initialised
    from `member_seed(seed, m)` explicitly, so members differ however the global seed is set.
    """
    import keras
    from keras import layers

    if members > 1 and outputs > 1:
        raise LabError(
            "A seed ensemble forecasts several steps recursively; use the recursive strategy, or one seed "
            "with the direct strategy."
        )
    inputs = keras.Input(shape=(window, n_features), name="window")
    if members == 1:
        model = keras.Sequential([inputs, *_stack(layers, config, unroll, prefix="", outputs=outputs)], name="lstm_lab")
    elif config.recurrent_dropout == 0:
        from lstm_core.ensemble_model import build_ensemble_outputs

        seeds = [member_seed(seed, member) for member in range(members)]
        predictions = build_ensemble_outputs(inputs, config, members=members, seeds=seeds, unroll=unroll)  # (B, N)
        model = keras.Model(inputs, predictions, name="lstm_lab_ensemble")
    else:  # recurrent dropout needs Keras's own cell: N separate stacks side by side (slower, same result shape)
        heads = []
        for member in range(members):
            hidden = inputs
            for layer in _stack(layers, config, unroll, prefix=f"m{member + 1}_", seed=member_seed(seed, member)):
                hidden = layer(hidden)
            heads.append(hidden)  # (B, 1)
        predictions = layers.Concatenate(name="members")(heads)  # (B, N)
        model = keras.Model(inputs, predictions, name="lstm_lab_ensemble")
    if members > 1:
        from lstm_core.ensemble_model import summed_loss

        loss: Any = summed_loss()  # the members' squared errors summed: each member's gradient is its own
    else:
        loss = "mse"
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
        loss=loss,
        jit_compile=jit_compile,
        steps_per_execution=steps_per_execution,
    )
    return model


def _stack(
    layers: Any, config: ModelConfig, unroll: bool, *, prefix: str, seed: int | None = None, outputs: int = 1
) -> list[Any]:
    """The LSTM layers [, Dropout], then Dense(outputs); with `seed`, every initialiser and dropout seeded from it."""
    import keras

    def seeded(offset: int, **initialisers: Any) -> dict[str, Any]:
        # Without a seed, Keras's defaults exactly as before (the single model draws from the global seed).
        if seed is None:
            return {}
        value = (seed * 1_000 + offset) % 2**31
        return {name: kind(seed=value + j) for j, (name, kind) in enumerate(initialisers.items())}

    initializers = keras.initializers
    stack: list[Any] = []
    for k in range(config.layers):
        seeds = seeded(
            10 * k, kernel_initializer=initializers.GlorotUniform, recurrent_initializer=initializers.Orthogonal
        )
        if seed is not None:
            seeds["seed"] = (seed * 1_000 + 10 * k + 5) % 2**31  # recurrent dropout's masks
        stack.append(
            layers.LSTM(
                config.units,
                return_sequences=k < config.layers - 1,
                recurrent_dropout=config.recurrent_dropout,
                unroll=unroll,
                name=f"{prefix}lstm_{k + 1}",
                **seeds,
            )
        )
        if config.dropout > 0:
            extra = {} if seed is None else {"seed": (seed * 1_000 + 10 * k + 7) % 2**31}
            stack.append(layers.Dropout(config.dropout, name=f"{prefix}dropout_{k + 1}", **extra))
    stack.append(
        layers.Dense(outputs, name=f"{prefix}forecast", **seeded(999, kernel_initializer=initializers.GlorotUniform))
    )
    return stack


def load_model(path: str) -> Any:
    """Load a `.keras` file written by LSTM Lab (safe mode: no arbitrary code)."""
    import keras

    from lstm_core.ensemble_model import layer_classes, summed_loss

    layer_classes()  # registers the seed-ensemble layers and loss, so their models load too
    summed_loss()

    return keras.saving.load_model(path, safe_mode=True, compile=False)
