"""How much memory and time a training will take, estimated before it starts, and a server's limits.

Pure functions of the settings and the windows count; nothing here imports Keras. The
constants are fitted on measurements (`bench/budget_calibration.py`, results in
`bench/results/budget_calibration.json`, on a 2-core x86 CPU; see docs/PERFORMANCE.md):

- time per training sample = STEP * window * layers / batch_size      (per-step overhead)
                           + WORK * window * sum_k 4 u_k (u_k + in_k + 1)   (arithmetic)
  plus a fixed first-epoch cost (tracing and compiling the train step);
- memory a training adds to the process = a fixed part per backend (its compiled step, the
  optimizer, the data pipeline), more when XLA compiles on TensorFlow, plus the training
  windows (held several times over by the data pipeline) plus the activations that
  backpropagation through time keeps for one batch.

A shared server sets its limits in the environment (on Streamlit Community Cloud, as root-level
secrets): `LSTM_LAB_MEMORY_MB` (resident memory of the whole server, default 2300 MiB, below the
2.7 GB Community Cloud gives an app) and `LSTM_LAB_MAX_TRAIN_SECONDS` (one training, default 300).
`0` switches a limit off. The command line has no limits: it runs on the user's own machine.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from lstm_core.config.settings import ExperimentConfig
from lstm_core.data.windows import split_points
from lstm_core.errors import LabError

__all__ = [
    "DEFAULT_MAX_TRAIN_SECONDS",
    "DEFAULT_MEMORY_MB",
    "Estimate",
    "check_memory",
    "check_time",
    "estimate",
    "max_train_seconds",
    "memory_budget_mb",
    "training_windows",
]

DEFAULT_MEMORY_MB = 2300.0  # Community Cloud gives an app up to 2.7 GB (2,575 MiB); keep a margin for sessions
DEFAULT_MAX_TRAIN_SECONDS = 300.0  # one training holds one of LSTM_LAB_MAX_TRAININGS slots for at most this

# Fitted by bench/budget_calibration.py (seconds). STEP: per batch step, per time step, per layer;
# WORK: per multiply-add of the LSTM's gate products, per sample.
# Fitted on the quiet-machine points of bench/results/scaling.csv (units 16-256, windows 10-120, batch 32):
# every estimate within 0.5-1.5x of the measured time per sample. EPOCH: fixed cost per epoch (short series).
_TIME = {
    "tensorflow": {"step": 1.07e-4, "work": 2.02e-10, "epoch": 0.04, "first_epoch": 3.0, "xla_compile": 6.0},
    "jax": {"step": 3.42e-5, "work": 1.19e-10, "epoch": 0.01, "first_epoch": 3.0, "xla_compile": 0.0},
}
# MiB a training adds to the process: peaks over the level after importing the backend, measured by
# bench/budget_calibration.py (TensorFlow: 57-67 MiB for LSTM(50) at batch 8-128, 93 with two layers,
# 79 for LSTM(128) window 30, 203 with XLA on 20,000 windows; JAX: 183-197, 218 with two layers, 248).
_MEMORY = {
    "tensorflow": {"fixed": 60.0, "per_extra_layer": 35.0, "xla": 150.0, "data_copies": 4.0},
    "jax": {"fixed": 185.0, "per_extra_layer": 35.0, "xla": 0.0, "data_copies": 2.0},
}
# What a new warm worker process holds before its first training (its backend, the experiment and statsmodels imported):
# its resident memory measured in session 8 (quiet, /proc): TensorFlow 788 MiB (`import keras` alone 716), JAX 373 MiB.
# The app's pool also traces the default model in it (TensorFlow +63 MiB, JAX +189): counted by the training's own
# estimate (`_MEMORY`) when that training comes.
_IMPORT_MB = {"tensorflow": 790.0, "jax": 375.0}
# Floats backpropagation through time keeps per sample, time step and unit (gate inputs and
# outputs, cell and hidden states, their gradients), and a safety factor for allocator slack.
_ACTIVATION_FLOATS = 16
_SLACK = 1.25
_XLA_MIN_SAMPLES = 50_000  # model.JIT_MIN_SAMPLES, restated to keep this module free of Keras imports


@dataclass(frozen=True)
class Estimate:
    """What one training is expected to cost: memory added to the process, and wall time."""

    memory_mb: float
    seconds: float
    seconds_per_epoch: float
    windows: int  # training windows
    backend: str


def training_windows(length: int, config: ExperimentConfig) -> tuple[int, int]:
    """(training windows, validation windows) a series of `length` points gives; raises LabError if too short."""
    train_end, val_end = split_points(length, config.windows)
    first = 0 if config.windows.difference in ("none", False, None) else 1  # differences have no first value
    return max(0, train_end - config.windows.window - first), val_end - train_end


def _layer_work(config: ExperimentConfig, n_features: int) -> float:
    """Multiply-adds of the gate products per time step, summed over the layers."""
    inputs, total = n_features, 0.0
    for _ in range(config.model.layers):
        total += 4 * config.model.units * (config.model.units + inputs + 1)
        inputs = config.model.units
    return total


def estimate(config: ExperimentConfig, *, length: int, n_features: int, backend: str) -> Estimate:
    """The memory and time a training of `config` on a series of `length` points and `n_features` columns costs."""
    backend = backend if backend in _TIME else "tensorflow"
    n_train, n_val = training_windows(length, config)
    window, layers, units = config.windows.window, config.model.layers, config.model.units
    batch = min(config.train.batch_size, max(n_train, 1))
    timing = _TIME[backend]
    per_sample = timing["step"] * window * layers / batch + timing["work"] * window * _layer_work(config, n_features)
    # Validation is a NumPy forward pass each epoch: a third of a training sample's arithmetic, no overhead.
    per_epoch = (
        timing["epoch"] + n_train * per_sample + n_val * timing["work"] * window * _layer_work(config, n_features) / 3
    )
    samples = n_train * config.train.epochs
    xla = backend == "jax" or (backend == "tensorflow" and samples >= _XLA_MIN_SAMPLES)
    seconds = timing["first_epoch"] + (timing["xla_compile"] if xla else 0.0) + per_epoch * config.train.epochs
    networks = max(1, int(getattr(config.train, "seeds", 1) or 1))  # a seed ensemble trains its networks in turn
    seconds, per_epoch = seconds * networks, per_epoch * networks

    memory = _MEMORY[backend]
    window_bytes = (n_train + n_val) * window * n_features * 4
    activation_bytes = batch * window * units * layers * _ACTIVATION_FLOATS * 4
    weights_bytes = 4 * _layer_work(config, n_features) * 4  # weights, gradients and Adam's two moments
    megabytes = (memory["data_copies"] * window_bytes + activation_bytes + weights_bytes) / 2**20
    fixed = memory["fixed"] + memory["per_extra_layer"] * (layers - 1) + (memory["xla"] if xla else 0.0)
    return Estimate(
        memory_mb=round((fixed + megabytes) * _SLACK, 1),
        seconds=round(seconds, 1),
        seconds_per_epoch=per_epoch,
        windows=n_train,
        backend=backend,
    )


def _limit(name: str, default: float) -> float | None:
    """A positive limit from the environment, None when set to 0 (off); the default when unset or unreadable."""
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        value = default
    return None if value <= 0 or not math.isfinite(value) else value


def memory_budget_mb() -> float | None:
    return _limit("LSTM_LAB_MEMORY_MB", DEFAULT_MEMORY_MB)


def max_train_seconds() -> float | None:
    return _limit("LSTM_LAB_MAX_TRAIN_SECONDS", DEFAULT_MAX_TRAIN_SECONDS)


def import_cost_mb(backend: str, *, loaded: bool) -> float:
    """Memory importing the backend adds, 0 once it is loaded."""
    return 0.0 if loaded else _IMPORT_MB.get(backend, _IMPORT_MB["tensorflow"])


def _what_to_reduce(config: ExperimentConfig, *, length: int) -> str:
    model, window, batch = config.model, config.windows.window, config.train.batch_size
    parts = [f"the batch size (now {batch})", f"the units (now {model.units})", f"the window (now {window})"]
    if model.layers > 1:
        parts.append(f"the layers (now {model.layers})")
    if length > 20_000:
        parts.append(f"the series' length (now {length:,} points)")
    return ", ".join(parts[:-1]) + " or " + parts[-1]


def check_memory(
    config: ExperimentConfig,
    expected: Estimate,
    *,
    length: int,
    server_mb: float,
    reserved_mb: float = 0.0,
    budget_mb: float | None = None,
) -> None:
    """Raise LabError when `server_mb` now + `reserved_mb` (other trainings) + this training exceeds the budget."""
    if budget_mb is None:
        return
    needed = server_mb + reserved_mb + expected.memory_mb
    if needed <= budget_mb:
        return
    held = server_mb + reserved_mb
    raise LabError(
        f"This training would need about {expected.memory_mb:,.0f} MiB on top of the {held:,.0f} MiB "
        f"the server holds now, more than its budget of {budget_mb:,.0f} MiB (LSTM_LAB_MEMORY_MB). "
        f"Reduce {_what_to_reduce(config, length=length)}, or try again when other visitors' trainings have finished."
    )


def check_time(config: ExperimentConfig, expected: Estimate, *, limit_seconds: float | None) -> None:
    """Raise LabError when the estimated training time exceeds `limit_seconds` (None: no limit)."""
    if limit_seconds is None or expected.seconds <= limit_seconds:
        return
    fixed = expected.seconds - expected.seconds_per_epoch * config.train.epochs
    epochs_that_fit = int((limit_seconds - fixed) / max(expected.seconds_per_epoch, 1e-9))
    advice = (
        f"Reduce the epochs to at most {epochs_that_fit} (now {config.train.epochs})"
        if epochs_that_fit >= 1
        else f"Reduce the units (now {config.model.units}), the window (now {config.windows.window}) or the layers"
    )
    raise LabError(
        f"This training would take about {_duration(expected.seconds)} ({expected.windows:,} windows x "
        f"{config.train.epochs} epochs), more than this server's limit of {_duration(limit_seconds)} per training "
        f"(LSTM_LAB_MAX_TRAIN_SECONDS). {advice}, or use a larger batch size (now {config.train.batch_size})."
    )


def _duration(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} hours"
    if seconds >= 120:
        return f"{seconds / 60:.0f} minutes"
    return f"{seconds:.0f} seconds"
