"""A seed ensemble as one vectorised Keras model: N LSTM stacks computed together, step by step.

`EnsembleLSTM` holds N members' weights stacked on a leading axis — `kernel` (N, F, 4U),
`recurrent_kernel` (N, U, 4U), `bias` (N, 4U), gates in Keras's order i, f, c, o — and runs
all N recurrences in one loop: per step N small products side by side in one compiled step instead of
N separate LSTM loops (which on TensorFlow/XLA cost about N times as much per step, and
compile N times as long). `EnsembleDense` is the N heads. The first layer reads the shared
input window; later layers read their own member's hidden states, so the members never mix:
member n's output depends only on member n's weights, and with the target repeated N times
and the summed squared error (`summed_loss`) its gradient is exactly its own, as if trained alone.

Each member's weights are initialised as Keras's LSTM initialises them (Glorot-uniform kernel,
orthogonal recurrent kernel, zero bias with the forget gate's at 1), from its own seed.
`member_weights(model)` reads them back as `gates.NetworkWeights`, one per member.
Keras is imported only when the classes are first needed (`layer_classes()`).
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

__all__ = ["build_ensemble_outputs", "is_ensemble", "layer_classes", "member_weights", "summed_loss"]


def _stacked(kind: str, seeds: list[int]) -> Any:
    """An initialiser for an (N, ...) weight: member n's slice drawn by `kind(seed=seeds[n])`."""
    import keras

    def initialise(shape: Any, dtype: Any = None) -> Any:
        maker = getattr(keras.initializers, kind)
        return keras.ops.stack([maker(seed=seed)(tuple(shape[1:]), dtype=dtype) for seed in seeds])

    return initialise


@functools.cache
def summed_loss() -> Any:
    """The ensemble's loss: the sum over members of each member's squared error, averaged over the batch.

    A sum, not a mean, so each member's gradient is exactly what it would be trained alone (a mean would
    scale it by 1/N, which Adam's epsilon makes not quite harmless). Keras reports N times the members'
    mean loss; train.py divides by N before reporting.
    """
    import keras

    @keras.saving.register_keras_serializable(package="lstm_lab")
    def members_summed_squared_error(y_true: Any, y_pred: Any) -> Any:
        return keras.ops.sum(keras.ops.square(y_pred - y_true), axis=-1)  # (B,)

    return members_summed_squared_error


@functools.cache
def layer_classes() -> tuple[type, type]:
    """(EnsembleLSTM, EnsembleDense), defined and registered for saving on first use."""
    import keras
    from keras import ops

    @keras.saving.register_keras_serializable(package="lstm_lab")
    class EnsembleRecurrence(keras.layers.Layer):
        """The step of N LSTM cells, given each step's input part z_x = x·W + b already: (B, N·4U)."""

        def __init__(self, members: int, units: int, seeds: list[int], **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.members, self.units, self.seeds = members, units, list(seeds)
            self.state_size = [members * units, members * units]
            self.output_size = members * units

        def build(self, input_shape: Any) -> None:
            shape = (self.members, self.units, 4 * self.units)
            initialiser = _stacked("Orthogonal", [seed + 1 for seed in self.seeds])
            self.recurrent_kernel = self.add_weight(shape=shape, initializer=initialiser, name="recurrent_kernel")

        def call(self, inputs: Any, states: Any, training: Any = None) -> Any:
            n, u = self.members, self.units
            # N plain (B, U)·(U, 4U) products, not one batched product: XLA on CPU runs a plain dot through
            # its fast matmul kernel, a batched dot (and the transposes it needs) far more slowly.
            hidden = ops.split(states[0], n, axis=1) if n > 1 else [states[0]]  # N x (B, U)
            recurrent = ops.concatenate([ops.matmul(h, self.recurrent_kernel[k]) for k, h in enumerate(hidden)], axis=1)
            c = ops.reshape(states[1], (-1, n, u))  # (B, N, U)
            z = ops.reshape(inputs + recurrent, (-1, n, 4 * u))  # (B, N, 4U)
            i = ops.sigmoid(z[..., :u])
            f = ops.sigmoid(z[..., u : 2 * u])
            g = ops.tanh(z[..., 2 * u : 3 * u])
            o = ops.sigmoid(z[..., 3 * u :])
            c = f * c + i * g  # (B, N, U)
            h = o * ops.tanh(c)
            h, c = ops.reshape(h, (-1, n * u)), ops.reshape(c, (-1, n * u))
            return h, [h, c]

        def get_config(self) -> dict[str, Any]:
            return {**super().get_config(), "members": self.members, "units": self.units, "seeds": self.seeds}

    @keras.saving.register_keras_serializable(package="lstm_lab")
    class EnsembleLSTM(keras.layers.Layer):
        """N LSTM layers in one: input (B, T, F) shared, or (B, T, N·F) per member; output (B, [T,] N·U)."""

        def __init__(
            self,
            members: int,
            units: int,
            seeds: list[int],
            shared_input: bool = True,
            return_sequences: bool = False,
            unroll: bool = False,
            **kwargs: Any,
        ) -> None:
            super().__init__(**kwargs)
            self.members, self.units, self.seeds = members, units, list(seeds)
            self.shared_input, self.return_sequences, self.unroll = shared_input, return_sequences, unroll
            self.recurrence = keras.layers.RNN(
                EnsembleRecurrence(members, units, seeds, name="cell"),
                return_sequences=return_sequences,
                unroll=unroll,
                name="rnn",
            )

        def build(self, input_shape: Any) -> None:
            n, u = self.members, self.units
            features = input_shape[-1] if self.shared_input else input_shape[-1] // n
            self.kernel = self.add_weight(
                shape=(n, features, 4 * u), initializer=_stacked("GlorotUniform", self.seeds), name="kernel"
            )

            def forget_bias_one(shape: Any, dtype: Any = None) -> Any:
                return ops.concatenate(
                    [ops.zeros((n, u), dtype), ops.ones((n, u), dtype), ops.zeros((n, 2 * u), dtype)], axis=1
                )

            self.bias = self.add_weight(shape=(n, 4 * u), initializer=forget_bias_one, name="bias")
            self.recurrence.build((input_shape[0], input_shape[1], n * 4 * u))

        def call(self, inputs: Any, training: Any = None) -> Any:
            n, u = self.members, self.units
            steps = ops.shape(inputs)[1]
            if self.shared_input:  # (B, T, F)·(F, N·4U): every member's input part at once
                kernel = ops.reshape(ops.transpose(self.kernel, (1, 0, 2)), (-1, n * 4 * u))  # (F, N·4U)
                projected = ops.matmul(inputs, kernel)  # (B, T, N·4U)
            else:  # member n reads its own slice of the previous layer's hidden states
                x = ops.reshape(inputs, (-1, steps, n, ops.shape(self.kernel)[1]))  # (B, T, N, F)
                projected = ops.reshape(ops.einsum("btnf,nfg->btng", x, self.kernel), (-1, steps, n * 4 * u))
            projected = projected + ops.reshape(self.bias, (n * 4 * u,))
            return self.recurrence(projected, training=training)

        def get_config(self) -> dict[str, Any]:
            return {
                **super().get_config(),
                "members": self.members,
                "units": self.units,
                "seeds": self.seeds,
                "shared_input": self.shared_input,
                "return_sequences": self.return_sequences,
                "unroll": self.unroll,
            }

    @keras.saving.register_keras_serializable(package="lstm_lab")
    class EnsembleDense(keras.layers.Layer):
        """N Dense(1) heads: member n's hidden state (B, U) -> its forecast; output (B, N)."""

        def __init__(self, members: int, units: int, seeds: list[int], **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.members, self.units, self.seeds = members, units, list(seeds)

        def build(self, input_shape: Any) -> None:
            initialiser = _stacked("GlorotUniform", [seed + 2 for seed in self.seeds])
            self.kernel = self.add_weight(shape=(self.members, self.units, 1), initializer=initialiser, name="kernel")
            self.bias = self.add_weight(shape=(self.members, 1), initializer="zeros", name="bias")

        def call(self, inputs: Any) -> Any:
            hidden = ops.reshape(inputs, (-1, self.members, self.units))  # (B, N, U)
            return ops.einsum("bnu,nu->bn", hidden, self.kernel[..., 0]) + self.bias[:, 0]  # (B, N)

        def get_config(self) -> dict[str, Any]:
            return {**super().get_config(), "members": self.members, "units": self.units, "seeds": self.seeds}

    return EnsembleLSTM, EnsembleDense


def build_ensemble_outputs(inputs: Any, config: Any, *, members: int, seeds: list[int], unroll: bool) -> Any:
    """The ensemble's layers applied to `inputs` (B, window, F): the (B, N) output tensor."""
    from keras import layers

    ensemble_lstm, ensemble_dense = layer_classes()
    hidden = inputs
    for k in range(config.layers):
        layer_seeds = [(seed * 1_000 + 10 * k) % 2**31 for seed in seeds]
        hidden = ensemble_lstm(
            members,
            config.units,
            layer_seeds,
            shared_input=k == 0,
            return_sequences=k < config.layers - 1,
            unroll=unroll,
            name=f"ensemble_lstm_{k + 1}",
        )(hidden)
        if config.dropout > 0:
            hidden = layers.Dropout(
                config.dropout, seed=(seeds[0] * 1_000 + 10 * k + 7) % 2**31, name=f"dropout_{k + 1}"
            )(hidden)
    head_seeds = [(seed * 1_000 + 999) % 2**31 for seed in seeds]
    return ensemble_dense(members, config.units, head_seeds, name="ensemble_forecast")(hidden)


def is_ensemble(model: Any) -> bool:
    """Whether `model` is a vectorised seed ensemble (has EnsembleLSTM layers)."""
    return any(type(layer).__name__ == "EnsembleLSTM" for layer in model.layers)


def member_weights(model: Any) -> list[Any]:
    """Each member's weights of a vectorised ensemble, as `gates.NetworkWeights`."""
    from lstm_core.gates import DenseWeights, LSTMWeights, NetworkWeights

    stacks, head = [], None
    for layer in model.layers:
        kind = type(layer).__name__
        if kind == "EnsembleLSTM":
            stacks.append((_value(layer.kernel), _value(layer.recurrence.cell.recurrent_kernel), _value(layer.bias)))
        elif kind == "EnsembleDense":
            head = (_value(layer.kernel), _value(layer.bias))
    if not stacks or head is None:
        raise ValueError("The model is not a seed ensemble made by LSTM Lab.")
    members = head[0].shape[0]
    return [
        NetworkWeights(
            lstm=tuple(LSTMWeights(kernel[n], recurrent[n], bias[n]) for kernel, recurrent, bias in stacks),
            head=DenseWeights(head[0][n], head[1][n]),
        )
        for n in range(members)
    ]


def _value(variable: Any) -> np.ndarray:
    import keras

    return np.asarray(keras.ops.convert_to_numpy(variable), np.float32)
