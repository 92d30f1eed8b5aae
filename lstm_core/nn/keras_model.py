"""Build the Keras model from the configuration, in plain backend-neutral Keras 3.

    Input (window, F) [-> GaussianNoise(input_noise)] -> LSTM(units) x layers [-> Dropout(dropout) after each]
    -> Dense(outputs)

The cell is `config.cell`: Keras's `LSTM`, `GRU` (reset_after=True, its default and cuDNN's form) or
`SimpleRNN`, all on their fast paths (default activations, no recurrent dropout). `config.l2` > 0 adds an L2
penalty on every kernel, recurrent kernel and the head's kernel; `input_noise` > 0 adds Gaussian noise to the
inputs in training only (Keras's GaussianNoise is the identity at inference).

`outputs` is 1 (one step ahead; longer forecasts feed predictions back) or the horizon H of a
direct multi-step model (one output per horizon step).

`series_embedding=(S, D)` puts a trained series-id embedding first (nn.series_embedding: the window's last column
is the series id, replaced by its learned D-vector at every step), for a global model over S series.

compiled with Adam(learning_rate) on mean squared error, as in Keras's own time-series
example. Layers are named `lstm_1`, `lstm_2`, ... (`gru_1`, `rnn_1`, ... for the other cells) so the
Gates page can pick one.

A seed ensemble (`members` > 1) is one functional model with N independent members on the same
input and a (B, N) output, trained on the sum of the members' squared errors: vectorised
(ensemble_model.py: all N recurrences in one loop), or with
recurrent dropout, or for a GRU or plain RNN (the vectorised layers are LSTM-only), N separate stacks whose
layers are named `m{m}_lstm_1`, ..., `m{m}_forecast`.
Each member is initialised from its own seed; with the target repeated N times, each member's
gradient comes from its own head only: the members learn independently, in one compiled step.
The defaults keep the fast fused GPU kernel usable (tanh/sigmoid, use_bias,
recurrent_dropout=0, unroll=False); `recurrent_dropout` > 0 gives it up.
Keras is imported inside the functions, so importing this module is cheap.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from lstm_core.config.settings import ModelConfig
from lstm_core.nn.ensemble_layers import (
    build_ensemble_outputs,
    is_ensemble,
    layer_classes,
    stacked_members,
    summed_loss,
)
from lstm_core.nn.series_embedding import EMBEDDING_LAYER, embedding_class
from lstm_core.nn.weights import DenseWeights, NetworkWeights, recurrent_weights

__all__ = [
    "GPU_WORTHWHILE_WORK",
    "JIT_MIN_SAMPLES",
    "UNROLL_MIN_SAMPLES",
    "backend_name",
    "build_model",
    "compile_options",
    "gpu_advice",
    "layer_name",
    "load_model",
    "member_seed",
    "members_weights",
    "network_weights",
    "rebuild_model",
    "release_model",
    "vectorised_ensemble",
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

# A seed ensemble's step does N times the arithmetic, so unrolling it on TensorFlow/XLA pays sooner:
# 5 x LSTM(50), window 10: steady epochs about a quarter faster for ~2.5 s more compilation
# (bench/ensemble_speed.py), repaid after about ten epochs of 4,000 windows.
ENSEMBLE_UNROLL_MIN_SAMPLES = 40_000

# XLA on the TensorFlow backend roughly doubles steady-state speed for a small LSTM on CPU but adds
# a few seconds of compilation to the first epoch; below this many training samples (windows x
# epochs) the plain graph finishes sooner (a 100-epoch run on airline-passengers is ~10,000).
JIT_MIN_SAMPLES = 50_000


def compile_options(
    *,
    backend: str,
    device: str,
    window: int,
    batches_per_epoch: int,
    samples_to_train: int | None = None,
    members: int = 1,
) -> dict[str, Any]:
    """Settings that make a small LSTM fast on each backend (measured in bench/train_speed.py).

    A tiny LSTM is bound by per-step overhead, not arithmetic. Running several batches per
    call (`steps_per_execution`) and compiling the step with XLA removes most of it.
    On a GPU with TensorFlow, XLA would replace the fused cuDNN kernel, so it stays off there.
    `samples_to_train` (training windows x epochs) decides whether XLA on TensorFlow and
    unrolling on JAX repay their compile time; None means unknown: XLA on, no unrolling. A seed
    ensemble (`members` > 1) is unrolled on TensorFlow's CPU too, once it trains long enough.
    """
    steps_per_execution = max(1, min(32, batches_per_epoch))
    options: dict[str, Any] = {"steps_per_execution": steps_per_execution, "unroll": False}
    if backend == "tensorflow":
        long_enough = samples_to_train is None or samples_to_train >= JIT_MIN_SAMPLES
        options["jit_compile"] = long_enough and not device.startswith("gpu")
        ensemble_long = samples_to_train is not None and samples_to_train >= ENSEMBLE_UNROLL_MIN_SAMPLES
        options["unroll"] = members > 1 and window <= 32 and ensemble_long and options["jit_compile"]
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
        f"This model is small ({config.cell.upper()}({config.units}), batch {batch_size}, window {window}): each "
        "training step is bound by overhead, not arithmetic, so a GPU will be no faster than the CPU. A GPU helps from "
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
    input_noise: float = 0.0,
    series_embedding: tuple[int, int] | None = None,
) -> Any:
    """A compiled Keras model: a `Sequential` for one member, a functional seed ensemble for more.

    Call with the seed already set (see train.py). Ensemble member m's layers are initialised
    from `member_seed(seed, m)` explicitly, so members differ however the global seed is set.
    """
    import keras
    from keras import layers

    inputs = keras.Input(shape=(window, n_features), name="window")
    noise = [layers.GaussianNoise(input_noise, seed=seed, name="input_noise")] if input_noise > 0 else []
    if series_embedding is not None:  # the id column becomes the series' learned vector, before any noise
        count, dimension = series_embedding
        noise.insert(0, embedding_class()(count, dimension, seed=seed, name=EMBEDDING_LAYER))
    if members == 1:
        stack = _stack(layers, config, unroll, prefix="", outputs=outputs)
        model = keras.Sequential([inputs, *noise, *stack], name="lstm_lab")
    elif vectorised_ensemble(config):
        seeds = [member_seed(seed, member) for member in range(members)]
        noisy = _through(noise, inputs)  # one embedding and one draw shared by the members
        predictions = build_ensemble_outputs(  # (B, N), or (B, N, H) for a direct model
            noisy, config, members=members, seeds=seeds, unroll=unroll, outputs=outputs
        )
        model = keras.Model(inputs, predictions, name="lstm_lab_ensemble")
    else:  # recurrent dropout or another cell needs Keras's own: N separate stacks side by side (slower, same shape)
        heads = []
        noisy = _through(noise, inputs)
        for member in range(members):
            hidden = noisy
            stack = _stack(
                layers, config, unroll, prefix=f"m{member + 1}_", seed=member_seed(seed, member), outputs=outputs
            )
            for layer in stack:
                hidden = layer(hidden)
            heads.append(hidden)  # (B, H)
        predictions = layers.Concatenate(name="members")(heads)  # (B, N·H), member-major
        if outputs > 1:
            predictions = layers.Reshape((members, outputs), name="members_steps")(predictions)  # (B, N, H)
        model = keras.Model(inputs, predictions, name="lstm_lab_ensemble")
    # Averaged over the sample weights, so the zero-weighted padding of the last batch (train.full_batches)
    # changes nothing: each batch's loss is the mean over its real windows.
    if members > 1:
        # the members' squared errors summed: each member's gradient is its own
        loss: Any = summed_loss()()
    else:
        loss = keras.losses.MeanSquaredError(reduction="mean_with_sample_weight")
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
        loss=loss,
        jit_compile=jit_compile,
        steps_per_execution=steps_per_execution,
    )
    return model


def _through(layers: list[Any], inputs: Any) -> Any:
    """`inputs` through each of `layers` in turn (the embedding, the noise), shared by an ensemble's members."""
    for layer in layers:
        inputs = layer(inputs)
    return inputs


def vectorised_ensemble(config: ModelConfig) -> bool:
    """Whether a seed ensemble of `config` is one vectorised model (ensemble_layers.py: LSTM, no recurrent
    dropout, no L2 penalty) rather than N separate stacks."""
    return config.cell == "lstm" and config.recurrent_dropout == 0 and config.l2 == 0


def layer_name(cell: str, number: int, prefix: str = "") -> str:
    """The Keras name of recurrent layer `number` (from 1): `lstm_1`, `gru_2`, `m3_rnn_1`, ..."""
    return f"{prefix}{cell}_{number}"


def _stack(
    layers: Any, config: ModelConfig, unroll: bool, *, prefix: str, seed: int | None = None, outputs: int = 1
) -> list[Any]:
    """The recurrent layers [, Dropout], then Dense(outputs); with `seed`, every initialiser and dropout seeded
    from it."""
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
        kind = {"lstm": layers.LSTM, "gru": layers.GRU, "rnn": layers.SimpleRNN}[config.cell]
        if config.l2 > 0:
            seeds["kernel_regularizer"] = keras.regularizers.L2(config.l2)
            seeds["recurrent_regularizer"] = keras.regularizers.L2(config.l2)
        stack.append(
            kind(
                config.units,
                return_sequences=k < config.layers - 1,
                recurrent_dropout=config.recurrent_dropout,
                unroll=unroll,
                name=layer_name(config.cell, k + 1, prefix),
                **seeds,
            )
        )
        if config.dropout > 0:
            extra = {} if seed is None else {"seed": (seed * 1_000 + 10 * k + 7) % 2**31}
            stack.append(layers.Dropout(config.dropout, name=f"{prefix}dropout_{k + 1}", **extra))
    head = seeded(999, kernel_initializer=initializers.GlorotUniform)
    if config.l2 > 0:
        head["kernel_regularizer"] = keras.regularizers.L2(config.l2)
    stack.append(layers.Dense(outputs, name=f"{prefix}forecast", **head))
    return stack


def rebuild_model(config: Any, weights: Any, *, window: int, n_features: int) -> Any:
    """A compiled model of `config` (an ExperimentConfig) carrying `weights`: one `gates.NetworkWeights`,
    or a sequence of them, one per member of a seed ensemble.

    How a finished run, which keeps only NumPy weights, becomes a Keras model again for a
    `.keras` file: the same layers, names and weights, so it predicts as the trained model
    did (an ensemble: every member, output (B, N) or (B, N, H)); Adam starts afresh (its state is not kept).
    """
    members = [weights] if not isinstance(weights, (list, tuple)) else list(weights)
    first = members[0]
    outputs = first.head.kernel.shape[-1] if first.head.kernel.ndim == 2 else 1  # H for a direct model
    model = build_model(
        config.model,
        window=window,
        n_features=n_features,
        learning_rate=config.train.learning_rate,
        outputs=outputs,
        members=len(members),
        seed=config.train.seed,
        input_noise=config.train.input_noise,
    )
    if len(members) > 1 and vectorised_ensemble(config.model):  # the vectorised ensemble's stacked weights
        for k in range(len(first.lstm)):
            layer = model.get_layer(f"ensemble_lstm_{k + 1}")
            layer.kernel.assign(np.stack([m.lstm[k].kernel for m in members]))
            layer.recurrence.cell.recurrent_kernel.assign(np.stack([m.lstm[k].recurrent_kernel for m in members]))
            layer.bias.assign(np.stack([m.lstm[k].bias for m in members]))
        head = model.get_layer("ensemble_forecast")
        head.kernel.assign(np.stack([m.head.kernel.reshape(-1, outputs) for m in members]))
        head.bias.assign(np.stack([np.reshape(m.head.bias, (outputs,)) for m in members]))
        return model
    for number, member in enumerate(members):
        prefix = f"m{number + 1}_" if len(members) > 1 else ""  # separate stacks (recurrent dropout, other cells)
        for k, layer in enumerate(member.lstm):
            name = layer_name(layer.cell, k + 1, prefix)
            model.get_layer(name).set_weights([layer.kernel, layer.recurrent_kernel, layer.bias])
        model.get_layer(f"{prefix}forecast").set_weights([member.head.kernel, member.head.bias])
    return model


def release_model(model: Any) -> int:
    """Free what a finished model's training traced, for a process that trains again and again; returns
    the number of graphs freed. The model cannot be trained further afterwards.

    On TensorFlow each training traces its train step into graphs whose Python objects form cycles
    through TensorFlow's C++ types, which Python's garbage collector cannot see through: without
    this, every training kept about 12 MiB (measured: 30 graphs per training of the default model).
    Dismantling the graphs the train function holds breaks those cycles. Other backends need nothing. A model on
    nn.model_shelf's shelf is left as it is: the next training of its shape reuses its graphs.
    """
    if backend_name() != "tensorflow" or getattr(model, "_lstm_lab_shelved", False):  # nn.model_shelf keeps it
        return 0
    try:
        from tensorflow.python.framework.func_graph import dismantle_func_graph
    except ImportError:  # a TensorFlow whose internals moved: keep the leak rather than fail
        return 0
    freed = 0
    # predict_function too: validation runs through it on a GPU or for large models (nn.validation.validation_on_model)
    for name in ("train_function", "predict_function", "test_function"):
        function = getattr(model, name, None)
        if function is None:
            continue
        graphs = _traced_graphs(function, seen=set())
        for graph in graphs:
            dismantle_func_graph(graph)
        setattr(model, name, None)
        freed += len(graphs)
    return freed


def _traced_graphs(function: Any, *, seen: set[int]) -> list[Any]:
    """The graphs of every `tf.function` reachable through `function`'s closures (Keras's train step)."""
    graphs = []
    for cell in getattr(function, "__closure__", None) or ():
        try:
            value = cell.cell_contents
        except ValueError:  # an empty cell
            continue
        if id(value) in seen:
            continue
        seen.add(id(value))
        list_functions = getattr(value, "_list_all_concrete_functions", None)
        if callable(list_functions):
            graphs.extend(concrete.graph for concrete in list_functions())
        if callable(value):
            graphs.extend(_traced_graphs(value, seen=seen))
    return graphs


def load_model(path: str) -> Any:
    """Load a `.keras` file written by LSTM Lab (safe mode: no arbitrary code)."""
    import keras

    layer_classes()  # registers the seed-ensemble layers and loss, so their models load too
    summed_loss()
    embedding_class()

    return keras.saving.load_model(path, safe_mode=True, compile=False)


def network_weights(model: Any) -> NetworkWeights:
    """Read the weights of a Keras model made of LSTM, GRU or SimpleRNN layers, Dropout and one final Dense layer."""
    return _weights_of_layers(model.layers)


def members_weights(model: Any) -> list[NetworkWeights]:
    """Each member's weights: one for a single model, N for a seed ensemble (`build_model`).

    A vectorised ensemble stacks its members' weights (ensemble_layers.py); one made of separate stacks
    names member k's layers `m{k}_...` (k from 1).
    """
    if is_ensemble(model):
        return stacked_members(model)
    groups: dict[int, list[Any]] = {}
    for layer in model.layers:
        prefix, _, rest = layer.name.partition("_")
        if prefix[:1] == "m" and prefix[1:].isdigit() and rest:
            groups.setdefault(int(prefix[1:]), []).append(layer)
    if not groups:
        return [network_weights(model)]
    return [_weights_of_layers(groups[member]) for member in sorted(groups)]


_CELL_OF_LAYER = {"LSTM": "lstm", "GRU": "gru", "SimpleRNN": "rnn"}


def _weights_of_layers(layers: Any) -> NetworkWeights:
    lstm, head = [], None
    for layer in layers:
        kind = type(layer).__name__
        if kind in _CELL_OF_LAYER:
            if kind == "GRU" and not layer.reset_after:
                raise ValueError(f"GRU layer {layer.name!r} must have reset_after=True (Keras's default).")
            lstm.append(recurrent_weights(_CELL_OF_LAYER[kind], *layer.get_weights()))
        elif kind == "Dense":
            kernel, bias = (np.asarray(w, dtype=np.float32) for w in layer.get_weights())
            head = DenseWeights(kernel, bias)
        elif kind not in ("Dropout", "InputLayer", "GaussianNoise", "SeriesEmbedding"):
            raise ValueError(f"Unsupported layer {layer.name!r} of type {kind} in an LSTM Lab model.")
    if not lstm or head is None:
        raise ValueError("The model must have at least one recurrent (LSTM, GRU or SimpleRNN) layer and a Dense head.")
    if len({layer.cell for layer in lstm}) > 1:
        raise ValueError("The model's recurrent layers must all be of one cell.")
    return NetworkWeights(lstm=tuple(lstm), head=head)
