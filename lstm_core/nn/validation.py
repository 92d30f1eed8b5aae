"""Each epoch's validation loss: in NumPy from the weights (cheap for small models), or through the compiled model
where that is faster (a GPU, or a large pass). `nn.train`'s reporter picks with `validation_on_model`."""

from __future__ import annotations

from typing import Any

import numpy as np

from lstm_core.config.settings import ModelConfig
from lstm_core.nn.gates import predict
from lstm_core.nn.keras_model import members_weights
from lstm_core.nn.weights import NetworkWeights

__all__ = [
    "VALIDATION_ON_MODEL_MIN_WORK",
    "member_validation_losses",
    "model_member_losses",
    "validation_loss",
    "validation_on_model",
    "weights_losses",
]


def validation_loss(model: Any, x_val: np.ndarray, y_val: np.ndarray) -> float:
    """Mean squared error of `model` on the validation windows, computed in NumPy from its weights.

    The same number Keras's `evaluate` gives (to float32 rounding; tests/nn/test_train.py checks
    it), without its per-epoch cost: on TensorFlow an `evaluate` pass is a new tf.data iterator
    and a graph call, about a quarter of a seed-model epoch; this is a few milliseconds
    (bench/train_speed.py). NaN or infinite weights give NaN, which the reporter treats as a NaN loss.
    With a seed ensemble, the mean over its members (what its training loss is too).
    """
    return float(np.mean(member_validation_losses(model, x_val, y_val)))


# Above this many multiply-adds in one validation pass, the compiled model beats the NumPy forward pass
# on the CPU too. Measured on 2 cores (JAX): LSTM(256), window 60, 14,294 windows (2.3e11) took 12.1 s in
# NumPy against 7.1 s through `model.predict`; the seed model (6e7) 11 ms either way, and `predict` pays
# one extra compilation per training.
VALIDATION_ON_MODEL_MIN_WORK = 2e10


def validation_on_model(device: str, config: ModelConfig, *, window: int, n_features: int, n_val: int) -> bool:
    """Whether each epoch's validation loss runs through the compiled model rather than NumPy.

    On a GPU always: the NumPy pass runs on the host's CPU, and for LSTM(256), window 60, it took
    about 5 s of a 6 s epoch on an H200 machine (bench/gpu_speed.py, docs/PERFORMANCE.md). On the
    CPU only when the pass is large (`VALIDATION_ON_MODEL_MIN_WORK`).
    """
    if device.startswith("gpu"):
        return True
    work, inputs = 0, n_features
    for _ in range(config.layers):
        work += n_val * window * 4 * config.units * (inputs + config.units + 1)
        inputs = config.units
    return work >= VALIDATION_ON_MODEL_MIN_WORK


def member_validation_losses(model: Any, x_val: np.ndarray, y_val: np.ndarray) -> np.ndarray:
    """Each member's validation mean squared error, in NumPy from its weights: (N,) (one for a single model)."""
    return weights_losses(members_weights(model), x_val, y_val)


def weights_losses(members: list[NetworkWeights], x_val: np.ndarray, y_val: np.ndarray) -> np.ndarray:
    target = np.asarray(y_val, dtype=np.float64)  # (N_val,) or (N_val, H) for a direct model
    losses = []
    with np.errstate(all="ignore"):
        for weights in members:
            predicted = predict(x_val, weights, all_outputs=True).astype(np.float64)  # (N_val, H): H = 1 unless direct
            errors = predicted - target.reshape(predicted.shape)
            losses.append(float(np.mean(np.square(errors))))
    return np.array(losses)  # (N,)


def model_member_losses(
    model: Any, x_val: np.ndarray, y_val: np.ndarray, *, members: int, batch_size: int
) -> np.ndarray:
    """Each member's validation mean squared error through the compiled model itself: (N,).

    The same numbers as `member_validation_losses` to float32 rounding, computed where the model trains.
    The model gives (B, H) for one member, (B, N) or (B, N, H) for a seed ensemble.
    """
    predicted = np.asarray(model.predict(x_val, batch_size=batch_size, verbose=0), dtype=np.float64)
    target = np.asarray(y_val, dtype=np.float64).reshape(len(x_val), -1)  # (B, H)
    if members == 1:
        return np.array([np.mean(np.square(predicted - target.reshape(predicted.shape)))])
    target = target.reshape((len(x_val), 1, *predicted.shape[2:]))  # (B, 1) or (B, 1, H)
    squared = np.square(predicted - target)  # (B, N[, H])
    return squared.mean(axis=tuple(a for a in range(squared.ndim) if a != 1))  # (N,)
