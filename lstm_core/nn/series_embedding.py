"""A trained series-id embedding: one learned D-vector per series beside every input step of a global model.

The model's input window carries the series' id (0 .. S-1, as a number) in its last column at every step.
`SeriesEmbedding` reads it from the first step, looks the series' row up in its `embeddings` table (S, D), repeats
it over the window's steps and puts it in place of the id column: (B, W, F) -> (B, W, F - 1 + D). The recurrent
layers after it see the series' learned vector beside each step, as they would see a fixed code
(forecast.covariates.series_codes), so the NumPy forecasts and gates read the same inputs once the id column is
replaced by the table's row (`embedded`). Plain backend-neutral Keras 3 (keras.ops); Keras is imported only when
the class is first needed (`embedding_class()`).
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

__all__ = ["EMBEDDING_LAYER", "embedded", "embedding_class", "embedding_table"]

EMBEDDING_LAYER = "series_embedding"  # the layer's name in a model


@functools.cache
def embedding_class() -> type:
    """The `SeriesEmbedding` layer class, defined and registered for saving on first use."""
    import keras
    from keras import ops

    @keras.saving.register_keras_serializable(package="lstm_lab")
    class SeriesEmbedding(keras.layers.Layer):
        """(B, W, F) with the series id in the last column -> (B, W, F - 1 + D): the id replaced by its row."""

        def __init__(self, count: int, dimension: int, seed: int = 0, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.count, self.dimension, self.seed = int(count), int(dimension), int(seed)

        def build(self, input_shape: Any) -> None:
            self.embeddings = self.add_weight(
                shape=(self.count, self.dimension),
                initializer=keras.initializers.RandomUniform(-0.05, 0.05, seed=self.seed),  # Keras Embedding's
                name="embeddings",
            )

        def call(self, inputs: Any) -> Any:
            ids = ops.cast(ops.round(inputs[:, 0, -1]), "int32")  # (B,)
            ids = ops.clip(ids, 0, self.count - 1)
            rows = ops.take(self.embeddings, ids, axis=0)  # (B, D)
            steps = ops.shape(inputs)[1]
            repeated = ops.repeat(ops.expand_dims(rows, 1), steps, axis=1)  # (B, W, D)
            return ops.concatenate([inputs[:, :, :-1], ops.cast(repeated, inputs.dtype)], axis=-1)

        def compute_output_shape(self, input_shape: Any) -> tuple:
            return (*input_shape[:-1], input_shape[-1] - 1 + self.dimension)

        def get_config(self) -> dict[str, Any]:
            return {**super().get_config(), "count": self.count, "dimension": self.dimension, "seed": self.seed}

    return SeriesEmbedding


def embedding_table(model: Any) -> np.ndarray | None:
    """The learned table (S, D) of `model`'s SeriesEmbedding layer; None when it has none."""
    for layer in model.layers:
        if layer.name == EMBEDDING_LAYER:
            return np.asarray(layer.get_weights()[0], dtype=np.float32)
    return None


def embedded(x: np.ndarray, table: np.ndarray | None) -> np.ndarray:
    """Windows (B, W, F) with the series id in the last column, the id replaced by its row of `table` (S, D):
    (B, W, F - 1 + D), what the recurrent layers read (NumPy). `table` None: `x` unchanged."""
    if table is None:
        return x
    x = np.asarray(x, dtype=np.float32)
    ids = np.clip(np.rint(x[:, 0, -1]).astype(np.int64), 0, len(table) - 1)  # (B,)
    rows = np.repeat(table[ids][:, None, :], x.shape[1], axis=1)  # (B, W, D)
    return np.concatenate([x[:, :, :-1], rows.astype(np.float32)], axis=2)
