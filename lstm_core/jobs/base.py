"""Training in a worker thread, for a UI that must stay responsive.

A `TrainingJob` seeds, builds and fits in its own thread (Keras's seed and global state are
per thread). The UI polls it: `epochs` (the history so far), `progress` (the latest batch
report), `state`, and `run` when it is done. It makes no UI calls itself.

- `request_stop()` ends training at the next execution step (well under a second for the
  models this app allows), keeping the weights and history reached.
- `gate_snapshots()` gives the probe window's gates recorded so far (lstm_core.nn.probe), thread-safely.
- `heartbeat()` must be called by the UI while it is watching; a job that hears none for
  `heartbeat_timeout` seconds stops itself, so a closed browser tab burns no CPU.
- At most `max_concurrent_trainings()` jobs run at once in this process, a running sweep counting as one (env
  `LSTM_LAB_MAX_TRAININGS`, default 2); `start()` refuses another with a clear LabError.
- `start()` also estimates the training's memory and time (budget.py) and refuses, with a
  sentence saying what to reduce, one that would take the server past `LSTM_LAB_MEMORY_MB`
  (counting the trainings already running) or run longer than `LSTM_LAB_MAX_TRAIN_SECONDS`;
  a training that runs over the time limit anyway stops there with its weights kept
  (stop_reason "time_limit").
"""

from __future__ import annotations

import gc
import os
import sys
import threading
import time
from typing import Any

from lstm_core.config.settings import ExperimentConfig
from lstm_core.data.dataset import Dataset
from lstm_core.errors import LabError
from lstm_core.jobs import budget
from lstm_core.jobs.state import JobState
from lstm_core.nn.probe import GateRecorder, Snapshot
from lstm_core.nn.stop_reason import StopReason

__all__ = [
    "TrainingJob",
    "WorkerJob",
    "heartbeat_seconds",
    "max_concurrent_trainings",
    "release_training",
    "reserve_training",
    "running_trainings",
]

_lock = threading.Lock()
_running = 0
_reserved_mb = 0.0  # estimated memory of the trainings running now
_FROM_ENVIRONMENT: Any = object()  # a limit read from the environment when the job is made


def max_concurrent_trainings() -> int:
    try:
        return max(1, int(os.environ.get("LSTM_LAB_MAX_TRAININGS", "2")))
    except ValueError:
        return 2


def heartbeat_seconds() -> float:
    """How long a job runs on without a watching page (env `LSTM_LAB_HEARTBEAT_SECONDS`, default 30; at least 1).

    A closed browser tab sends no heartbeat, so its training stops after this many seconds; long enough to survive
    a slow rerun or a page change, short enough that a closed tab burns little CPU.
    """
    try:
        return max(1.0, float(os.environ.get("LSTM_LAB_HEARTBEAT_SECONDS", "30")))
    except ValueError:
        return 30.0


def running_trainings() -> int:
    """How many trainings run in this process now (all visitors together)."""
    return _running


def resident_mb() -> float:
    """This process's resident memory now, in MiB (its peak where /proc is not available)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (2**20 if sys.platform == "darwin" else 1024.0)


def _backend_loaded(backend: str) -> bool:
    return (backend if backend in ("tensorflow", "jax", "torch") else "tensorflow") in sys.modules


def _acquire(job: TrainingJob | None) -> None:
    """Take a training slot and reserve the job's memory (none for a sweep's place), or raise LabError saying why."""
    global _running, _reserved_mb
    with _lock:
        if _running >= max_concurrent_trainings():
            limit = max_concurrent_trainings()
            running = "1 training is" if limit == 1 else f"{limit} trainings are"
            raise LabError(
                f"The server is busy: {running} running for other visitors. "
                "Try again in a minute; your data and settings are kept."
            )
        expected = job.estimate if job is not None else None
        if expected is not None:
            server = job.held_mb()
            budget.check_memory(
                job.config,
                expected,
                length=len(job.dataset),
                server_mb=server,
                reserved_mb=_reserved_mb,
                budget_mb=job.memory_budget_mb,
            )
        _running += 1
        _reserved_mb += expected.memory_mb if expected is not None else 0.0


def _release(job: TrainingJob | None) -> None:
    global _running, _reserved_mb
    with _lock:
        _running = max(0, _running - 1)
        if job is not None and job.estimate is not None:
            _reserved_mb = max(0.0, _reserved_mb - job.estimate.memory_mb)


def reserve_training() -> None:
    """Take one of the process's training places (a training or a running sweep); LabError when all are taken.

    Whoever reserves must call `release_training()` once, when its work ends.
    """
    _acquire(None)


def release_training() -> None:
    _release(None)


class WorkerJob:
    """Work in a daemon thread that a page watches: the thread, Stop, the heartbeat, the state and the failure sentence.

    A subclass sets `failure_subject` and `thread_name` and implements `_execute()`, which runs in the thread and
    returns the final `JobState` (DONE, STOPPED or FAILED); a LabError becomes `error` as it is, anything else
    one sentence naming `failure_subject`. The job holds one of the process's training places while it runs.
    """

    failure_subject = "The job"
    thread_name = "lstm-lab-job"

    def __init__(self, *, heartbeat_timeout: float) -> None:
        self.heartbeat_timeout = heartbeat_timeout
        self.state = JobState.NEW  # NEW -> RUNNING -> DONE | STOPPED | FAILED
        self.error: str | None = None
        self.stop_reason: StopReason | None = None  # ABANDONED when no page watched for heartbeat_timeout seconds
        self.started_at: float | None = None
        self.finished_at: float | None = None
        self._stop = threading.Event()
        self._last_heartbeat = time.monotonic()
        self._thread: threading.Thread | None = None

    # --- called by the UI -------------------------------------------------------------
    def start(self) -> Any:
        """Start the work in a thread (returns the job); LabError when the server is busy or a limit would break."""
        self._acquire()
        self.state = JobState.RUNNING
        self.started_at = self._last_heartbeat = time.monotonic()
        self._thread = threading.Thread(target=self._work, name=self.thread_name, daemon=True)
        self._thread.start()
        return self

    def request_stop(self) -> None:
        self._stop.set()

    def heartbeat(self) -> None:
        self._last_heartbeat = time.monotonic()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job has finished; True if it has."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self.finished

    @property
    def stopping(self) -> bool:
        """A stop was requested and the job has not finished yet."""
        return self._stop.is_set() and not self.finished

    @property
    def finished(self) -> bool:
        return self.state.finished

    @property
    def elapsed(self) -> float:
        if self.started_at is None:
            return 0.0
        return (self.finished_at or time.monotonic()) - self.started_at

    # --- the worker ---------------------------------------------------------------------
    def _acquire(self) -> None:
        _acquire(None)

    def _release(self) -> None:
        _release(None)

    def _should_stop(self) -> bool:
        """Polled by the work: a Stop, or no heartbeat for heartbeat_timeout seconds (the tab was closed)."""
        if time.monotonic() - self._last_heartbeat > self.heartbeat_timeout:
            self.stop_reason = self.stop_reason or StopReason.ABANDONED
            self._stop.set()
        return self._stop.is_set()

    def _execute(self) -> JobState:
        raise NotImplementedError

    def _work(self) -> None:
        try:
            self.state = JobState(self._execute())
        except LabError as exc:
            self.error, self.state = str(exc), JobState.FAILED
        except Exception as exc:
            self.error = (
                f"{self.failure_subject} failed unexpectedly ({type(exc).__name__}: {exc}). "
                "Your data and settings are kept."
            )
            self.state = JobState.FAILED
        finally:
            self.finished_at = time.monotonic()
            self._release()
            gc.collect()  # finished Keras objects form cycles: free them now, not at some later pass


class TrainingJob(WorkerJob):
    """One training of `config` on `dataset`, in a daemon thread."""

    failure_subject = "Training"
    thread_name = "lstm-lab-training"

    def __init__(
        self,
        dataset: Dataset,
        config: ExperimentConfig,
        *,
        heartbeat_timeout: float = 30.0,
        time_limit: float | None = _FROM_ENVIRONMENT,
        memory_budget_mb: float | None = _FROM_ENVIRONMENT,
    ) -> None:
        """`time_limit` (seconds) and `memory_budget_mb` default to the server's limits (budget.py); None: none."""
        from lstm_core.nn.keras_model import backend_name

        super().__init__(heartbeat_timeout=heartbeat_timeout)
        self.dataset = dataset
        self.config = config
        self.time_limit = budget.max_train_seconds() if time_limit is _FROM_ENVIRONMENT else time_limit
        self.memory_budget_mb = budget.memory_budget_mb() if memory_budget_mb is _FROM_ENVIRONMENT else memory_budget_mb
        try:
            self.estimate: budget.Estimate | None = budget.estimate(
                config, length=len(dataset), n_features=dataset.values.shape[1], backend=backend_name()
            )
        except LabError:  # a series too short for the settings: the training itself says so, as it always has
            self.estimate = None
        self.epochs: list[Any] = []  # EpochReport, appended by the worker
        self.progress: Any = None  # latest BatchReport
        self.run: Any = None  # experiment.Run when finished
        self.recorder = GateRecorder()  # gates of the probe window, epoch by epoch (read while training)

    def held_mb(self) -> float:
        """What the server holds now, for the memory check before the training: its resident memory, plus the
        backend's import if it is not loaded yet (a job in a worker process counts the workers instead)."""
        backend = self.estimate.backend if self.estimate is not None else "tensorflow"
        return resident_mb() + budget.import_cost_mb(backend, loaded=_backend_loaded(backend))

    def gate_snapshots(self) -> tuple[Snapshot, ...]:
        """The snapshots recorded so far (safe to call from the UI thread while the job trains)."""
        return self.recorder.snapshots()

    @property
    def fraction_done(self) -> float:
        """0..1, counting finished epochs and the current epoch's batches."""
        epochs = self.config.train.epochs
        done = len(self.epochs)
        if self.progress is not None and self.progress.epoch == done + 1:
            done += self.progress.samples_done / max(self.progress.samples_per_epoch, 1)
        return min(done / epochs, 1.0)

    @property
    def seconds_left(self) -> float | None:
        """Estimate from the steady-state epochs (the first one includes compilation)."""
        if len(self.epochs) < 2:
            return None
        steady = sorted(e.seconds for e in self.epochs[1:])
        per_epoch = steady[len(steady) // 2]  # median: one stalled epoch must not skew the estimate
        return max(per_epoch * (self.config.train.epochs - self.fraction_done * self.config.train.epochs), 0.0)

    # --- the worker ---------------------------------------------------------------------
    def _acquire(self) -> None:
        """Refuse a training that would run past the time limit or the memory budget, then take a place."""
        if self.estimate is not None:
            budget.check_time(self.config, self.estimate, limit_seconds=self.time_limit)
        _acquire(self)

    def _release(self) -> None:
        _release(self)

    def _execute(self) -> JobState:
        from lstm_core.experiment.run import run_experiment

        self.run = run_experiment(
            self.dataset,
            self.config,
            on_epoch=self.epochs.append,
            on_batch=self._on_batch,
            should_stop=self._should_stop,
            recorder=self.recorder,
            time_limit=self.time_limit,
        )
        reason = self.run.train.stop_reason
        self.stop_reason = self.stop_reason or reason
        if reason == StopReason.NAN:
            self.error = self.run.train.message
            return JobState.FAILED
        return JobState.STOPPED if reason in (StopReason.STOPPED, StopReason.TIME_LIMIT) else JobState.DONE

    def _on_batch(self, report: Any) -> None:
        self.progress = report
