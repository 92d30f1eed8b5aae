"""Fit the model, reporting through callbacks; never prints.

`train(windows, config, on_epoch=..., on_batch=..., should_stop=...)` seeds, builds and
fits in the calling thread (Keras's seed and global state are per thread), so a caller
that wants a responsive UI runs it in a worker thread (see jobs.py).

- `on_epoch(EpochReport)` after every epoch: loss, val_loss, seconds, elapsed.
- `on_batch(BatchReport)` after every execution step (`steps_per_execution` batches).
- `should_stop()` is polled at the same points; True ends training there, keeping the
  weights reached and the history so far (a partial last epoch is still reported).
- `time_limit` (seconds, None for none) is checked at the same points; reaching it ends
  training with stop_reason "time_limit", keeping the weights reached (a shared server's cap).
- A NaN or infinite loss ends training with stop_reason "nan" and a message.

`config.train.seeds` = N > 1 trains a seed ensemble (seeds seed, seed + 1, ...) as one compiled
model of N independent branches (see model.py); the reported loss and val_loss are the means over
the members, and `TrainResult.members` holds each member's weights (one entry for a single model).
- `recorder` (a probe.GateRecorder), if given, receives the weights after every recorded epoch
  (the same weights the NumPy validation loss is computed from) and the final weights at the end.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from lstm_core.config.settings import ExperimentConfig
from lstm_core.data.windows import Windows
from lstm_core.errors import LabError
from lstm_core.nn.determinism import deterministic_ops
from lstm_core.nn.keras_model import backend_name, build_model, compile_options, members_weights
from lstm_core.nn.model_shelf import shelved_model
from lstm_core.nn.probe import GateHistory, GateRecorder, probe_window
from lstm_core.nn.series_embedding import embedding_table
from lstm_core.nn.stop_reason import StopReason
from lstm_core.nn.validation import model_member_losses, validation_on_model, weights_losses
from lstm_core.nn.weights import NetworkWeights

__all__ = [
    "BatchReport",
    "EpochReport",
    "TrainResult",
    "list_devices",
    "resolve_device",
    "steady_samples_per_second",
    "train",
]


@dataclass(frozen=True)
class EpochReport:
    epoch: int  # 1-based
    epochs: int
    loss: float
    val_loss: float | None
    seconds: float
    elapsed: float


@dataclass(frozen=True)
class BatchReport:
    epoch: int  # 1-based
    epochs: int
    samples_done: int  # in this epoch
    samples_per_epoch: int
    loss: float
    elapsed: float


@dataclass(eq=False)
class TrainResult:
    model: Any
    history: pd.DataFrame  # columns: epoch, loss, val_loss, seconds
    epochs_run: int
    train_seconds: float
    first_epoch_seconds: float
    samples_per_second: float  # steady state: epochs after the first when there are any
    stop_reason: StopReason  # never ABANDONED (a job's own)
    device: str
    backend: str
    message: str
    members: list[NetworkWeights] = field(default_factory=list)  # one per seed; [weights] for a single model
    gate_history: GateHistory | None = None  # snapshots over training, when a recorder was given
    embedding: np.ndarray | None = None  # (S, D) the learned series embedding, when one was asked for
    reused_model: bool = False  # the process's compiled model of this shape was reused (nn.model_shelf): no tracing

    @property
    def seeds(self) -> int:
        return max(1, len(self.members))


def list_devices() -> list[str]:
    """Devices Keras can use, e.g. ['cpu:0'] or ['cpu:0', 'gpu:0'] (imports Keras)."""
    import keras

    devices = [d.lower() for d in keras.distribution.list_devices()]
    if not any(d.startswith("cpu") for d in devices):
        devices.insert(0, "cpu:0")
    return devices


def resolve_device(choice: str) -> str:
    """'auto' -> the first GPU if any, else 'cpu:0'; 'gpu' without a GPU raises LabError."""
    devices = list_devices()
    gpus = [d for d in devices if d.startswith(("gpu", "cuda"))]
    if choice == "cpu":
        return "cpu:0"
    if choice == "gpu" and not gpus:
        raise LabError(
            f"A GPU was asked for, but none is available (found: {', '.join(devices)}). "
            "Choose CPU or auto, or run on a machine with a CUDA GPU."
        )
    return gpus[0] if gpus else "cpu:0"


def train(
    windows: Windows,
    config: ExperimentConfig,
    *,
    on_epoch: Callable[[EpochReport], None] | None = None,
    on_batch: Callable[[BatchReport], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    recorder: GateRecorder | None = None,
    time_limit: float | None = None,
    reuse_model: bool = False,
    series_embedding: tuple[int, int] | None = None,
) -> TrainResult:
    """Seed, build and fit a model on `windows`; see the module docstring. `reuse_model`: fit the process's shelved
    compiled model of the same shape when there is one (nn.model_shelf: no new tracing, the same result).
    `series_embedding=(S, D)`: the windows' last column is a series id, learned as a D-vector (nn.series_embedding);
    the validation loss then runs through the model (its NumPy pass would need the table each epoch)."""
    import keras

    settings = config.train
    n_train = len(windows.x_train)
    if n_train == 0:
        raise LabError("There are no training windows; use a smaller window or a longer series.")
    device = resolve_device(settings.device)
    backend = backend_name()
    batches = math.ceil(n_train / settings.batch_size)
    options = compile_options(
        backend=backend,
        device=device,
        window=windows.window,
        batches_per_epoch=batches,
        samples_to_train=n_train * settings.epochs,
        members=settings.seeds,
    )
    has_val = len(windows.x_val) > 0
    if recorder is not None:
        recorder.begin(probe_window(windows), settings.epochs)

    _set_seed(keras, settings.seed, backend)
    with keras.device(device), deterministic_ops(backend, settings.deterministic):
        shape = {
            "window": windows.window,
            "n_features": windows.n_features,
            "unroll": options["unroll"],
            "jit_compile": options["jit_compile"],
            "steps_per_execution": options["steps_per_execution"],
            "members": settings.seeds,
            "outputs": 1 if windows.y_train.ndim == 1 else windows.y_train.shape[1],  # H for a direct model
            "input_noise": settings.input_noise,
            "series_embedding": series_embedding,
        }

        def build() -> Any:
            return build_model(config.model, learning_rate=settings.learning_rate, seed=settings.seed, **shape)

        if reuse_model:
            key = (backend, device, settings.deterministic, config.model, tuple(sorted(shape.items())))
            model, reused = shelved_model(key, build, learning_rate=settings.learning_rate)
        else:
            model, reused = build(), False
        reporter = _make_reporter(
            epochs=settings.epochs,
            n_train=n_train,
            batch_size=settings.batch_size,
            on_epoch=on_epoch,
            on_batch=on_batch,
            should_stop=should_stop,
            time_limit=time_limit,
            validation=(windows.x_val, windows.y_val) if has_val else None,
            validate_on_model=has_val
            and (
                series_embedding is not None
                or validation_on_model(
                    device, config.model, window=windows.window, n_features=windows.n_features, n_val=len(windows.x_val)
                )
            ),
            members=settings.seeds,
            recorder=recorder,
        )
        callbacks: list[Any] = [reporter]
        if settings.patience:
            callbacks.append(
                keras.callbacks.EarlyStopping(
                    monitor="val_loss" if has_val else "loss",
                    patience=settings.patience,
                    restore_best_weights=True,
                )
            )
        # Validation is not Keras's: the reporter computes val_loss from the weights in NumPy (see
        # `nn.validation.validation_loss`), which costs a fraction of an `evaluate` pass per epoch.
        x, targets, weights = full_batches(
            windows.x_train, _ensemble_targets(windows.y_train, settings.seeds), settings.batch_size
        )
        model.fit(
            x,
            targets,
            sample_weight=weights,
            epochs=settings.epochs,
            batch_size=settings.batch_size,
            callbacks=callbacks,
            verbose=0,
        )

    history = pd.DataFrame(reporter.rows, columns=["epoch", "loss", "val_loss", "seconds"])
    epochs_run = len(history)
    seconds = history["seconds"].to_numpy()
    speed = steady_samples_per_second(reporter.samples, seconds)
    if recorder is not None and epochs_run:
        # The network the run keeps (early stopping may have restored an earlier epoch's weights).
        recorder.record(epochs_run, members_weights(model)[0])

    if reporter.nan_at is not None:
        reason = StopReason.NAN
        message = (
            f"Training stopped at epoch {reporter.nan_at}: the loss became NaN or infinite. "
            f"Lower the learning rate (now {settings.learning_rate}) or use a scaler."
        )
    elif reporter.time_limit_reached:
        reason = StopReason.TIME_LIMIT
        message = (
            f"Stopped after {epochs_run} of {settings.epochs} epochs: the training reached this server's time limit "
            f"of {_seconds_text(time_limit)}; the weights reached are kept. Use fewer epochs, fewer units or a larger "
            "batch size to finish within it."
        )
    elif reporter.stop_requested:
        reason, message = (
            StopReason.STOPPED,
            f"Stopped by request after {epochs_run} epoch(s); the weights reached are kept.",
        )
    elif epochs_run < settings.epochs:
        reason = StopReason.EARLY_STOPPING
        message = (
            f"Early stopping after {epochs_run} epochs: no improvement for {settings.patience} epochs; "
            "the best weights were restored."
        )
    else:
        reason, message = StopReason.COMPLETED, f"Trained {epochs_run} epoch{'s' if epochs_run != 1 else ''}."
    return TrainResult(
        model=model,
        history=history,
        epochs_run=epochs_run,
        train_seconds=float(seconds.sum()),
        first_epoch_seconds=float(seconds[0]) if epochs_run else 0.0,
        samples_per_second=speed,
        stop_reason=reason,
        device=device,
        backend=backend,
        message=message,
        members=members_weights(model),
        gate_history=recorder.history() if recorder is not None else None,
        embedding=embedding_table(model) if series_embedding is not None else None,
        reused_model=reused,
    )


def steady_samples_per_second(samples: list[int] | np.ndarray, seconds: list[float] | np.ndarray) -> float:
    """Training throughput once warmed up: the median of samples/seconds over the epochs after the first.

    The first epoch includes tracing and XLA compilation. The median, not the mean, because on
    TensorFlow one later epoch (usually the second, after the first validation pass, with a
    partial last batch) can stall for seconds inside the runtime; one such epoch must not
    halve the figure. With a single epoch, that epoch is all there is.
    """
    samples = np.asarray(samples, dtype=np.float64)  # (E,)
    seconds = np.asarray(seconds, dtype=np.float64)  # (E,)
    if samples.size == 0:
        return 0.0
    if samples.size > 1:
        samples, seconds = samples[1:], seconds[1:]
    return float(np.median(samples / np.maximum(seconds, 1e-9)))


def _set_seed(keras: Any, seed: int, backend: str) -> None:
    """`keras.utils.set_random_seed`, without importing TensorFlow on other backends.

    Keras seeds TensorFlow whenever it is installed (for tf.data); on JAX that import alone
    costs about 6 s and 760 MB, and nothing here uses tf.data there.
    """
    if backend == "tensorflow":
        keras.utils.set_random_seed(seed)
        return
    import random

    random.seed(seed)
    np.random.seed(seed)
    try:
        from keras.src.backend.common import global_state
        from keras.src.random import seed_generator
        from keras.src.utils import rng_utils
    except ImportError:  # a Keras whose internals moved: seed the documented way
        keras.utils.set_random_seed(seed)
        return
    global_state.set_global_attribute(rng_utils.GLOBAL_RANDOM_SEED, seed)
    global_state.set_global_attribute(seed_generator.GLOBAL_SEED_GENERATOR, None)
    if backend == "torch":
        import torch

        torch.manual_seed(seed)


def _seconds_text(seconds: float | None) -> str:
    seconds = float(seconds or 0.0)
    if seconds >= 120:
        return f"{seconds / 60:.0f} minutes"
    return f"{seconds:.3g} seconds"


def _finite_or_none(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def full_batches(x: np.ndarray, y: np.ndarray, batch_size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """The training windows padded to whole batches, the padding weighted 0: (x, y, sample weights or None).

    A compiled train step (XLA on TensorFlow, every step on JAX) is compiled once per batch shape, so
    a short last batch costs a second compilation of the whole step in every training: about 2 s for
    the seed model on 2 CPU cores (bench/backtest_speed.py, docs/PERFORMANCE.md). Padded with zero
    weights and a loss averaged over the weights (`build_model`), every batch has one shape and every
    real window still counts once per epoch with its own weight; only the padding's place in the
    shuffled order spreads the short batch's shortfall over a few batches.
    """
    count = len(x)
    short = count % batch_size
    if short == 0 or count < batch_size:
        return x, y, None
    pad = batch_size - short
    weights = np.concatenate([np.ones(count, np.float32), np.zeros(pad, np.float32)])  # (count + pad,)
    return np.concatenate([x, x[:pad]]), np.concatenate([y, y[:pad]]), weights


def _ensemble_targets(y_train: np.ndarray, members: int) -> np.ndarray:
    """What the model is fitted to: an ensemble's N heads all learn the same target, (N_train, N) for one
    step or (N_train, N, H) for H direct steps, member n's slice its own."""
    if members == 1:
        return y_train
    if y_train.ndim == 2 and y_train.shape[1] == 1:
        y_train = y_train[:, 0]
    return np.repeat(y_train[:, None], members, axis=1)


def _make_reporter(**kwargs: Any) -> Any:
    """The Keras callback behind `train` (the class is made here so the module imports without Keras)."""
    import keras

    class Reporter(_ReporterMixin, keras.callbacks.Callback):
        pass

    return Reporter(**kwargs)


class _ReporterMixin:
    """Records each epoch, forwards progress, and turns a stop request or NaN into stop_training."""

    def __init__(
        self,
        *,
        epochs,
        n_train,
        batch_size,
        on_epoch,
        on_batch,
        should_stop,
        time_limit=None,
        validation=None,
        validate_on_model=False,
        members=1,
        recorder=None,
    ) -> None:
        super().__init__()
        self.time_limit = time_limit
        self.time_limit_reached = False
        self.members = members  # an ensemble's Keras loss is the sum over its members: reported as their mean
        self.validation = validation
        self.validate_on_model = validate_on_model  # see `validation_on_model`
        self.recorder = recorder
        self.epochs, self.n_train, self.batch_size = epochs, n_train, batch_size
        self.on_epoch, self.on_batch, self.should_stop = on_epoch, on_batch, should_stop
        self.rows: list[tuple[int, float | None, float | None, float]] = []
        self.samples: list[int] = []
        self.stop_requested = False
        self.nan_at: int | None = None
        self.started = time.perf_counter()
        self.epoch_started = self.started
        self.samples_done = 0

    def _loss(self, logs: dict) -> float | None:
        loss = _finite_or_none(logs.get("loss"))
        return None if loss is None else loss / self.members

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self.epoch_started = time.perf_counter()
        self.samples_done = 0

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        logs = logs or {}
        self.samples_done = min((batch + 1) * self.batch_size, self.n_train)
        loss = self._loss(logs)
        if "loss" in logs and loss is None:
            self.nan_at = len(self.rows) + 1
            self.model.stop_training = True
            return
        if self.on_batch is not None:
            now = time.perf_counter()
            self.on_batch(
                BatchReport(
                    len(self.rows) + 1,
                    self.epochs,
                    self.samples_done,
                    self.n_train,
                    loss or 0.0,
                    now - self.started,
                )
            )
        if self.should_stop is not None and self.should_stop():
            self.stop_requested = True
            self.model.stop_training = True
        elif self.time_limit is not None and time.perf_counter() - self.started > self.time_limit:
            self.time_limit_reached = True
            self.model.stop_training = True

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = logs if logs is not None else {}
        record = self.recorder is not None and self.recorder.wants(epoch + 1)
        read = (self.validation is not None and not self.validate_on_model) or record
        members = members_weights(self.model) if read else []
        if self.validation is not None:
            if self.validate_on_model:
                batch = max(self.batch_size, 1024)
                losses = model_member_losses(self.model, *self.validation, members=self.members, batch_size=batch)
            else:
                losses = weights_losses(members, *self.validation)
            # Set in the shared logs before the callbacks after this one (EarlyStopping) read them.
            logs["val_loss"] = float(np.mean(losses))
        if record:  # the first member's gates (a single model's own); the same weights, no second read
            self.recorder.record(epoch + 1, members[0])
        now = time.perf_counter()
        seconds = now - self.epoch_started
        loss, val_loss = self._loss(logs), _finite_or_none(logs.get("val_loss"))
        if self.nan_at is None and loss is None:
            self.nan_at = epoch + 1
            self.model.stop_training = True
        self.rows.append((epoch + 1, loss, val_loss, seconds))
        self.samples.append(self.samples_done or self.n_train)
        if self.on_epoch is not None:
            self.on_epoch(
                EpochReport(epoch + 1, self.epochs, loss or float("nan"), val_loss, seconds, now - self.started)
            )
        # A stop asked for during this epoch, or by `on_epoch` itself (a sweep's pruner), ends training here,
        # not after the next epoch's first execution step (up to 32 batches later).
        stopping = self.model.stop_training or epoch + 1 == self.epochs
        if not stopping and self.should_stop is not None and self.should_stop():
            self.stop_requested = True
            self.model.stop_training = True
