"""A seed ensemble as one vectorised Keras model: N LSTM stacks computed together, step by step.

`EnsembleLSTM` holds N members' weights stacked on a leading axis — `kernel` (N, F, 4U),
`recurrent_kernel` (N, U, 4U), `bias` (N, 4U), gates in Keras's order i, f, c, o — and runs
all N recurrences in one loop. Between layers the members' sequences travel member-major as
rows of one batch (N·B rows), so each step is one batched (N, B, U)·(N, U, 4U) product with no
transposes, instead of N separate LSTM loops (which on TensorFlow/XLA cost about N times as much
per step, and compile N times as long). `EnsembleDense` is the N heads, output (B, N). The first
layer reads the shared input window; later layers read their own member's rows, so the members never mix:
member n's output depends only on member n's weights, and with the target repeated N times
and the summed squared error (`summed_loss`) its gradient is exactly its own, as if trained alone.

Each member's weights are initialised as Keras's LSTM initialises them (Glorot-uniform kernel,
orthogonal recurrent kernel, zero bias with the forget gate's at 1), from its own seed.
`stacked_members(model)` reads them back as `weights.NetworkWeights`, one per member.
Keras is imported only when the classes are first needed (`layer_classes()`).
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from lstm_core.nn.weights import DenseWeights, LSTMWeights, NetworkWeights

__all__ = ["build_ensemble_outputs", "is_ensemble", "layer_classes", "stacked_members", "summed_loss"]


def _stacked(kind: str, seeds: list[int]) -> Any:
    """An initialiser for an (N, ...) weight: member n's slice drawn by `kind(seed=seeds[n])`."""
    import keras

    def initialise(shape: Any, dtype: Any = None) -> Any:
        maker = getattr(keras.initializers, kind)
        return keras.ops.stack([maker(seed=seed)(tuple(shape[1:]), dtype=dtype) for seed in seeds])

    return initialise


@functools.cache
def summed_loss() -> Any:
    """The ensemble's loss class: per window, the sum over members of each member's squared error (the mean
    over H steps for a direct model); averaged over the batch by the sample weights.

    A sum, not a mean, so each member's gradient is exactly what it would be trained alone (a mean would
    scale it by 1/N, which Adam's epsilon makes not quite harmless). Keras reports N times the members'
    mean loss; train.py divides by N before reporting. Call the result for an instance.
    """
    import keras

    @keras.saving.register_keras_serializable(package="lstm_lab")
    class MembersSummedSquaredError(keras.losses.Loss):
        def __init__(self, reduction: str = "mean_with_sample_weight", name: str = "members_summed_squared_error",
                     **kwargs: Any) -> None:  # fmt: skip
            super().__init__(reduction=reduction, name=name, **kwargs)

        def call(self, y_true: Any, y_pred: Any) -> Any:
            squared = keras.ops.square(y_pred - y_true)  # (B, N), or (B, N, H) for direct forecasts
            if len(squared.shape) == 3:
                squared = keras.ops.mean(squared, axis=-1)  # each member's mean over the H steps, as "mse" is
            return keras.ops.sum(squared, axis=-1)  # (B,)

    return MembersSummedSquaredError


@functools.cache
def layer_classes() -> tuple[type, type]:
    """(EnsembleLSTM, EnsembleDense), defined and registered for saving on first use."""
    import keras
    from keras import ops

    @keras.saving.register_keras_serializable(package="lstm_lab")
    class EnsembleRecurrence(keras.layers.Layer):
        """The step of N LSTM cells on member-major rows (row n·B + b is member n's sequence b), given each
        step's input part z_x = x·W + b already: (N·B, 4U)."""

        def __init__(self, members: int, units: int, seeds: list[int], **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.members, self.units, self.seeds = members, units, list(seeds)
            self.state_size = [units, units]
            self.output_size = units

        def build(self, input_shape: Any) -> None:
            shape = (self.members, self.units, 4 * self.units)
            initialiser = _stacked("Orthogonal", [seed + 1 for seed in self.seeds])
            self.recurrent_kernel = self.add_weight(shape=shape, initializer=initialiser, name="recurrent_kernel")

        def call(self, inputs: Any, states: Any, training: Any = None) -> Any:
            n, u = self.members, self.units
            # Member-major rows make every reshape free and the recurrent product one batched
            # (N, B, U)·(N, U, 4U) product with no transposes; measured fastest of five layouts on
            # TensorFlow/XLA (bench/ensemble_speed.py, docs/PERFORMANCE.md).
            h = ops.reshape(states[0], (n, -1, u))  # (N, B, U)
            z = ops.reshape(inputs, (n, -1, 4 * u)) + ops.matmul(h, self.recurrent_kernel)  # (N, B, 4U)
            gates = ops.sigmoid(z)  # i, f and o from one activation; g needs tanh
            i, f, o = gates[..., :u], gates[..., u : 2 * u], gates[..., 3 * u :]
            g = ops.tanh(z[..., 2 * u : 3 * u])
            c = f * ops.reshape(states[1], (n, -1, u)) + i * g
            h = ops.reshape(o * ops.tanh(c), (-1, u))
            c = ops.reshape(c, (-1, u))
            return h, [h, c]

        def get_config(self) -> dict[str, Any]:
            return {**super().get_config(), "members": self.members, "units": self.units, "seeds": self.seeds}

    @keras.saving.register_keras_serializable(package="lstm_lab")
    class EnsembleLSTM(keras.layers.Layer):
        """N LSTM layers in one. Input: the shared window (B, T, F), or the previous ensemble layer's
        member-major sequences (N·B, T, U). Output: member-major (N·B, [T,] U)."""

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
            features = input_shape[-1]
            self.kernel = self.add_weight(
                shape=(n, features, 4 * u), initializer=_stacked("GlorotUniform", self.seeds), name="kernel"
            )

            def forget_bias_one(shape: Any, dtype: Any = None) -> Any:
                return ops.concatenate(
                    [ops.zeros((n, u), dtype), ops.ones((n, u), dtype), ops.zeros((n, 2 * u), dtype)], axis=1
                )

            self.bias = self.add_weight(shape=(n, 4 * u), initializer=forget_bias_one, name="bias")
            self.recurrence.build((None, input_shape[1], 4 * u))

        def call(self, inputs: Any, training: Any = None) -> Any:
            n, u = self.members, self.units
            steps, features = ops.shape(inputs)[1], ops.shape(self.kernel)[1]
            if self.shared_input:  # every member reads the same window: (B, T, F) -> (N, B·T, F)
                x = ops.tile(ops.reshape(inputs, (1, -1, features)), (n, 1, 1))
            else:  # member n's rows are its own previous layer's states: (N·B, T, F) -> (N, B·T, F)
                x = ops.reshape(inputs, (n, -1, features))
            projected = ops.matmul(x, self.kernel) + ops.expand_dims(self.bias, 1)  # (N, B·T, 4U)
            return self.recurrence(ops.reshape(projected, (-1, steps, 4 * u)), training=training)

        def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
            if self.return_sequences:
                return (None, input_shape[1], self.units)
            return (None, self.units)

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
        """N Dense(H) heads: member n's hidden states (rows n·B..n·B+B-1 of (N·B, U)) -> its forecast.
        Output (B, N) for one step, (B, N, H) for H direct steps."""

        def __init__(self, members: int, units: int, seeds: list[int], outputs: int = 1, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.members, self.units, self.seeds, self.outputs = members, units, list(seeds), outputs

        def build(self, input_shape: Any) -> None:
            n, u, h = self.members, self.units, self.outputs
            initialiser = _stacked("GlorotUniform", [seed + 2 for seed in self.seeds])
            self.kernel = self.add_weight(shape=(n, u, h), initializer=initialiser, name="kernel")
            self.bias = self.add_weight(shape=(n, h), initializer="zeros", name="bias")

        def call(self, inputs: Any) -> Any:
            hidden = ops.reshape(inputs, (self.members, -1, self.units))  # (N, B, U)
            out = ops.matmul(hidden, self.kernel) + ops.expand_dims(self.bias, 1)  # (N, B, H)
            if self.outputs == 1:
                return ops.transpose(out[..., 0])  # (B, N)
            return ops.transpose(out, (1, 0, 2))  # (B, N, H)

        def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
            return (None, self.members) if self.outputs == 1 else (None, self.members, self.outputs)

        def get_config(self) -> dict[str, Any]:
            return {
                **super().get_config(),
                "members": self.members,
                "units": self.units,
                "seeds": self.seeds,
                "outputs": self.outputs,
            }

    return EnsembleLSTM, EnsembleDense


def build_ensemble_outputs(
    inputs: Any, config: Any, *, members: int, seeds: list[int], unroll: bool, outputs: int = 1
) -> Any:
    """The ensemble's layers applied to `inputs` (B, window, F): the (B, N) output, (B, N, H) for H direct steps."""
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
    return ensemble_dense(members, config.units, head_seeds, outputs=outputs, name="ensemble_forecast")(hidden)


def is_ensemble(model: Any) -> bool:
    """Whether `model` is a vectorised seed ensemble (has EnsembleLSTM layers)."""
    return any(type(layer).__name__ == "EnsembleLSTM" for layer in model.layers)


def stacked_members(model: Any) -> list[NetworkWeights]:
    """Each member's weights of a vectorised ensemble, as `weights.NetworkWeights`."""
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
