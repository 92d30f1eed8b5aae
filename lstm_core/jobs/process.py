"""A training in a worker process (lstm_core.jobs.pool), watched through the same surface as `TrainingJob`.

`ProcessTrainingJob` is a `TrainingJob` whose thread, instead of training, drives a worker: it sends the
dataset and the configuration, turns the worker's messages back into `epochs`, `progress` and the gate
recorder's snapshots, and receives the `Run` (plain data: NumPy weights, frames, metrics). Everything the UI
reads (epochs, progress, gate_snapshots(), fraction_done, seconds_left, state, error, stop_reason, run,
heartbeat, request_stop, wait) is the thread job's own, so the pages cannot tell them apart.

What a process adds:
- Stop asks the worker to stop at its next execution step, as in-process. When the result has not come
  `STOP_GRACE_SECONDS` later (a long step), or at a second Stop,
  the worker is killed and the run is rebuilt here, in NumPy, from the weights of the last recorded epoch
  (the probe recorder sends them after every recorded epoch; every epoch up to 200 planned epochs). The time
  limit is the worker's own, as in-process; the server ends a worker still training `TIME_LIMIT_GRACE_SECONDS`
  after it.
- Memory: the server polls the worker's resident memory (/proc, every `MEMORY_POLL_SECONDS`) and ends a
  training that takes the process tree (server + workers) past `LSTM_LAB_MEMORY_MB`, with a sentence saying
  what to reduce. Polled from outside rather than `RLIMIT_AS` in the child: TensorFlow and JAX reserve
  gigabytes of address space they never touch, so an address-space limit fails at import or as a crash deep
  in native code, while resident memory is what a container (Community Cloud) counts and kills for.
- A worker that dies gives the job one sentence as its failure; the place is freed and the pool replaces it.

`InWorker` is that surface for any job; the backtest and the sweep are here, the benchmark is
lstm_core.jobs.process_benchmark.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from typing import Any

import pandas as pd

from lstm_core.config.backtest import BacktestConfig
from lstm_core.config.settings import ExperimentConfig
from lstm_core.data.dataset import Dataset
from lstm_core.jobs import budget, pool, worker
from lstm_core.jobs.backtest import BacktestJob
from lstm_core.jobs.base import TrainingJob, resident_mb
from lstm_core.jobs.state import JobState
from lstm_core.jobs.sweep import SweepJob
from lstm_core.nn.stop_reason import StopReason

__all__ = [
    "MEMORY_POLL_SECONDS",
    "STOP_GRACE_SECONDS",
    "InWorker",
    "ProcessBacktestJob",
    "ProcessSweepJob",
    "ProcessTrainingJob",
    "backtest_job",
    "call_in_worker",
    "keras_file_bytes",
    "sweep_job",
    "training_job",
]

STOP_GRACE_SECONDS = 0.5  # from a Stop to ending the worker: the result is rebuilt well within a second
MEMORY_POLL_SECONDS = 0.25
# The worker stops itself at the time limit (counted from its model's build); the server ends it only this much
# later, for a step that does not return.
TIME_LIMIT_GRACE_SECONDS = 3.0


def training_job(dataset: Dataset, config: ExperimentConfig, **options: Any) -> TrainingJob:
    """The app's training job: in a worker process, or in a thread when `LSTM_LAB_WORKERS=0`."""
    return ProcessTrainingJob(dataset, config, **options) if pool.enabled() else TrainingJob(dataset, config, **options)


def call_in_worker(function: Any, *args: Any) -> Any:
    """`function(*args)` in a worker (both must pickle); its LabError raised here, any other failure a LabError."""
    if not pool.enabled():
        return function(*args)
    from lstm_core.errors import LabError

    outcome = pool.shared_pool().run(worker.call(function, *args), temporary=True)
    if outcome.status == "done":
        return outcome.value
    if outcome.status == "failed":
        raise LabError(outcome.value)
    detail = outcome.value if outcome.status == "error" else _how_it_ended(outcome.exitcode)
    raise LabError(f"The worker process could not finish this ({detail}). Try again; your runs are kept.")


def keras_file_bytes(run: Any) -> bytes:
    """A run's trained model as the bytes of a `.keras` file (imports Keras: the app calls it in a worker)."""
    import os
    import tempfile

    handle, path = tempfile.mkstemp(suffix=".keras")
    os.close(handle)
    try:
        run.keras_model().save(path)  # Keras saves only to a path
        with open(path, "rb") as file:
            return file.read()
    finally:
        os.remove(path)


class InWorker:
    """What a job whose work runs in a worker adds to its thread job: Stop forwarded and enforced, memory watched."""

    # set by the thread job (TrainingJob) this is mixed into
    config: ExperimentConfig
    dataset: Dataset
    time_limit: float | None
    memory_budget_mb: float | None
    stop_reason: StopReason | None
    error: str | None
    enforces_time_limit = True  # a backtest trains several times: the per-training limit is not its whole
    stop_grace_seconds = STOP_GRACE_SECONDS  # from a Stop sent to the worker to ending it

    def _init_worker(self, worker_pool: pool.WorkerPool | None, worker_memory_mb: float | None) -> None:
        self.pool = worker_pool
        self.worker_memory_mb = worker_memory_mb
        self.worker_pid: int | None = None
        self.backend: str | None = None
        self.device: str | None = None
        self._stops = 0
        self._stop_sent_at: float | None = None
        self._next_memory_check = 0.0
        self._worker_started: float | None = None  # when the worker began this training (after any warm-up)
        self._trained = False  # the worker has finished training and is evaluating: a Stop has nothing to end
        self._fits: dict | None = None  # ETS and Theta as the worker fitted them, for a run rebuilt here

    def request_stop(self) -> None:
        self._stops += 1
        super().request_stop()  # type: ignore[misc]

    @property
    def _workers(self) -> pool.WorkerPool:
        return self.pool or pool.shared_pool()

    def _died_sentence(self, outcome: pool.Outcome, what: str) -> str:
        return (
            f"The {what}'s worker process ended unexpectedly ({_how_it_ended(outcome.exitcode)}); the server and "
            "other visitors' trainings go on. Your data and settings are kept: try again, or reduce the units, "
            "window or batch size if it happens again."
        )

    def _execute(self) -> JobState:
        outcome = self._workers.run(self._task(), on_message=self._heard, tick=self._tick)
        try:
            return self._conclude(outcome)
        finally:  # a worker ended or recycled is replaced once the result is made, not while it is made
            self._workers.warm()

    def _task(self) -> tuple[str, Any]:
        raise NotImplementedError

    def _conclude(self, outcome: pool.Outcome) -> JobState:
        raise NotImplementedError

    def _on_message(self, message: tuple) -> None:
        raise NotImplementedError

    def _heard(self, message: tuple) -> None:
        """Every message from the worker: `("started", backend, device)` is every job's; the rest its own."""
        if message[0] == "started":
            self.backend, self.device = message[1], message[2]
            self._worker_started = time.monotonic()
        else:
            self._on_message(message)

    def _tick(self, worker: pool.Worker) -> str | None:
        """Every poll: forward a Stop, end the worker when it does not come in time, watch memory."""
        self.worker_pid = worker.pid
        now = time.monotonic()
        if self._should_stop() and not self._trained:
            if self._stop_sent_at is None:
                self._stop_sent_at = now
                worker.send(("stop",))
            elif self._stops > 1 or now - self._stop_sent_at > self.stop_grace_seconds:
                return StopReason.STOPPED
        started = self._worker_started
        late = started is not None and now - started > (self.time_limit or 0) + TIME_LIMIT_GRACE_SECONDS
        if self.enforces_time_limit and self.time_limit is not None and late and not self._trained:
            self.stop_reason = StopReason.TIME_LIMIT
            return StopReason.TIME_LIMIT
        if now >= self._next_memory_check:
            self._next_memory_check = now + MEMORY_POLL_SECONDS
            return self._check_memory(worker)
        return None

    def _check_memory(self, worker: pool.Worker) -> str | None:
        limit = self.worker_memory_mb
        if limit is None and self.memory_budget_mb is not None:
            limit = self.memory_budget_mb - resident_mb() - self._workers.workers_mb(besides=worker)
        used = worker.resident_mb()
        if limit is None or used <= limit:
            return None
        what = budget._what_to_reduce(self.config, length=len(self.dataset))
        self.error = (
            f"This training outgrew the memory this server can give it: its worker process reached {used:,.0f} MiB, "
            f"more than the {max(limit, 0):,.0f} MiB left to it (LSTM_LAB_MEMORY_MB), and was ended. Reduce {what}; "
            "your data and settings are kept."
        )
        return "memory"


class ProcessTrainingJob(InWorker, TrainingJob):
    """One training of `config` on `dataset` in a worker process; see the module docstring."""

    thread_name = "lstm-lab-training-watch"

    def __init__(
        self,
        dataset: Dataset,
        config: ExperimentConfig,
        *,
        worker_pool: pool.WorkerPool | None = None,
        worker_memory_mb: float | None = None,
        **options: Any,
    ) -> None:
        """`worker_memory_mb`: a fixed limit for the worker's resident memory instead of what the budget leaves."""
        super().__init__(dataset, config, **options)
        self._init_worker(worker_pool, worker_memory_mb)

    def held_mb(self) -> float:
        """The server and its workers now, plus a backend's import when no idle worker will take the training."""
        workers = self._workers
        backend = self.estimate.backend if self.estimate is not None else "tensorflow"
        return resident_mb() + workers.workers_mb() + budget.import_cost_mb(backend, loaded=workers.has_idle())

    # --- the watching thread ------------------------------------------------------------------------------
    def _task(self) -> tuple[str, Any]:
        threading.Thread(target=_import_for_salvage, name="lstm-lab-salvage-imports", daemon=True).start()
        return "train", (self.dataset, self.config, self.time_limit)

    def _conclude(self, outcome: pool.Outcome) -> JobState:
        if outcome.status == "done":
            self.run = outcome.value
            if self.run.train.gate_history is None:  # the worker leaves out what this recorder holds already
                train = dataclasses.replace(self.run.train, gate_history=self.recorder.history())
                self.run = dataclasses.replace(self.run, train=train)
            reason = self.run.train.stop_reason
            self.stop_reason = self.stop_reason or reason
            if reason == StopReason.NAN:
                self.error = self.run.train.message
                return JobState.FAILED
            return JobState.STOPPED if reason in (StopReason.STOPPED, StopReason.TIME_LIMIT) else JobState.DONE
        if outcome.status == "failed":
            self.error = outcome.value
            return JobState.FAILED
        if outcome.status == "error":
            self.error = (
                f"Training failed unexpectedly in its worker process ({outcome.value}). "
                "Your data and settings are kept."
            )
            return JobState.FAILED
        if outcome.status == "ended" and outcome.value in (StopReason.STOPPED, StopReason.TIME_LIMIT):
            return self._salvage(StopReason(outcome.value))
        if outcome.status == "ended":  # memory: the sentence was written by _tick
            return JobState.FAILED
        self.error = self._died_sentence(outcome, "training")
        return JobState.FAILED

    def _on_message(self, message: tuple) -> None:
        kind = message[0]
        if kind == "epoch":
            self.epochs.append(message[1])
        elif kind == "batch":
            self.progress = message[1]
        elif kind == "probe":
            self.recorder.begin(message[1], message[2])
        elif kind == "snapshot":
            self.recorder.keep(message[1])
        elif kind == "baselines":
            self._fits = message[1]
        elif kind == "trained":
            self._trained = True

    def _salvage(self, reason: StopReason) -> JobState:
        """The worker was ended: rebuild the run here, in NumPy, from the last recorded epoch's weights."""
        from lstm_core.data.windows import prepare
        from lstm_core.experiment.run import evaluate, season_length
        from lstm_core.nn.probe import GateHistory
        from lstm_core.nn.train import TrainResult, steady_samples_per_second

        self.stop_reason = self.stop_reason if self.stop_reason == StopReason.ABANDONED else reason
        snapshots = self.recorder.snapshots()
        if not snapshots:
            self.error = "Training was stopped before its first epoch finished, so there are no weights to keep."
            return JobState.STOPPED
        # The last recorded epoch whose report has come too (a snapshot is sent just before its epoch's report).
        reported = [snapshot for snapshot in snapshots if snapshot.epoch <= len(self.epochs)]
        kept = tuple(reported) or snapshots[-1:]
        last = kept[-1]
        reports = [e for e in self.epochs if e.epoch <= last.epoch]
        rows = [(e.epoch, e.loss, e.val_loss, e.seconds) for e in reports]
        history = pd.DataFrame(rows, columns=["epoch", "loss", "val_loss", "seconds"])
        seconds = history["seconds"].to_numpy()
        season = season_length(self.dataset, self.config)
        windows = prepare(self.dataset.values, self.config.windows, season_length=season)
        why = "the time limit" if reason == StopReason.TIME_LIMIT else "a Stop"
        result = TrainResult(
            model=None,
            history=history,
            epochs_run=len(history),
            train_seconds=float(seconds.sum()),
            first_epoch_seconds=float(seconds[0]) if len(seconds) else 0.0,
            samples_per_second=steady_samples_per_second([len(windows.x_train)] * len(seconds), seconds),
            stop_reason=reason,
            device=self.device or "cpu:0",
            backend=self.backend or (self.estimate.backend if self.estimate else "tensorflow"),
            message=(
                f"Stopped after {last.epoch} of {self.config.train.epochs} epochs: the epoch under way did not end "
                f"soon enough after {why}, so its worker was ended; the weights of epoch {last.epoch} are kept."
            ),
            members=[last.weights],
            gate_history=GateHistory(probe_x=self.recorder.probe_x[0], snapshots=kept),
        )
        # ETS and Theta as the worker fitted them; when it was ended before they were ready, left out rather than
        # fitted here (seconds of the server's CPU, and the Stop must answer within a second).
        left_out = "ETS and Theta are left out: the worker was ended before it had fitted them."
        self.run = evaluate(self.dataset, self.config, windows, result, fits=self._fits,
                            baselines_left_out=left_out if self._fits is None else None)  # fmt: skip
        return JobState.STOPPED


class ProcessBacktestJob(InWorker, BacktestJob):
    """A walk-forward backtest in a worker process: folds, epochs and batches cross the pipe, the Backtest comes
    back as plain data. A Stop ends it at the next step, keeping the finished folds; when it does not come in time
    (or at a second Stop) the worker is ended and the backtest has no result."""

    thread_name = "lstm-lab-backtest-watch"
    enforces_time_limit = False

    def __init__(
        self,
        dataset: Dataset,
        config: ExperimentConfig,
        backtest: BacktestConfig,
        *,
        worker_pool: pool.WorkerPool | None = None,
        worker_memory_mb: float | None = None,
        heartbeat_timeout: float = 30.0,
    ) -> None:
        super().__init__(dataset, config, backtest, heartbeat_timeout=heartbeat_timeout)
        self._init_worker(worker_pool, worker_memory_mb)

    def _task(self) -> tuple[str, Any]:
        return "backtest", (self.dataset, self.config, self.backtest)

    def _conclude(self, outcome: pool.Outcome) -> JobState:
        if outcome.status == "done":
            self.result = outcome.value
            self.stop_reason = self.stop_reason or self.result.stop_reason
            return JobState.STOPPED if self.result.stop_reason == StopReason.STOPPED else JobState.DONE
        if outcome.status in ("failed", "error"):
            detail = outcome.value
            self.error = detail if outcome.status == "failed" else f"The backtest failed unexpectedly ({detail})."
            return JobState.FAILED
        if outcome.status == "ended" and outcome.value == StopReason.STOPPED:
            self.stop_reason = self.stop_reason or StopReason.STOPPED
            self.error = (
                "The backtest was ended: its training did not stop soon enough after Stop, so its worker process was "
                "ended and its folds are not kept. Your settings are kept."
            )
            return JobState.STOPPED
        if outcome.status == "ended":
            return JobState.FAILED
        self.error = self._died_sentence(outcome, "backtest")
        return JobState.FAILED

    def _on_message(self, message: tuple) -> None:
        kind = message[0]
        if kind == "fold":
            self.folds.append(message[1])
        elif kind == "epoch":
            self.epochs.append(message[1])
        elif kind == "batch":
            self.progress = message[1]


class ProcessSweepJob(InWorker, SweepJob):
    """A sweep's trials in a worker process: each finished trial crosses the pipe (and is saved here); the study
    itself is in its storage, as for any worker. A Stop ends the running trial at its next step; only a second
    Stop ends the worker (a trial ended mid-write would stay "running" in the study)."""

    thread_name = "lstm-lab-sweep-watch"
    enforces_time_limit = False
    stop_grace_seconds = float("inf")

    def __init__(
        self,
        dataset: Dataset,
        setup: Any,
        *,
        worker_pool: pool.WorkerPool | None = None,
        worker_memory_mb: float | None = None,
        **options: Any,
    ) -> None:
        super().__init__(dataset, setup, **options)
        self.config = setup.config
        self.time_limit = None
        self.memory_budget_mb = budget.memory_budget_mb()
        self._init_worker(worker_pool, worker_memory_mb)

    def _task(self) -> tuple[str, Any]:
        return "sweep", (self.dataset, self.setup, self.storage, self.study_name, self.sweep)

    def _conclude(self, outcome: pool.Outcome) -> JobState:
        if outcome.status == "done":
            return JobState.STOPPED if self._stop.is_set() else JobState.DONE
        if outcome.status in ("failed", "error"):
            detail = outcome.value
            self.error = detail if outcome.status == "failed" else f"The sweep failed unexpectedly ({detail})."
            return JobState.FAILED
        if outcome.status == "ended" and outcome.value == StopReason.STOPPED:
            return JobState.STOPPED  # the trials finished are in the study
        if outcome.status == "ended":
            return JobState.FAILED
        self.error = self._died_sentence(outcome, "sweep")
        return JobState.FAILED

    def _on_message(self, message: tuple) -> None:
        if message[0] == "trial":
            self._on_trial(message[1])


def sweep_job(dataset: Dataset, setup: Any, **options: Any) -> SweepJob:
    """The app's sweep job: its trials in a worker process, or in a thread when `LSTM_LAB_WORKERS=0`."""
    return ProcessSweepJob(dataset, setup, **options) if pool.enabled() else SweepJob(dataset, setup, **options)


def backtest_job(dataset: Dataset, config: ExperimentConfig, backtest: BacktestConfig, **options: Any) -> BacktestJob:
    """The app's backtest job: in a worker process, or in a thread when `LSTM_LAB_WORKERS=0`."""
    if pool.enabled():
        return ProcessBacktestJob(dataset, config, backtest, **options)
    return BacktestJob(dataset, config, backtest, **options)


def _import_for_salvage() -> None:
    """What rebuilding a run here needs (evaluation), imported once while the first training runs, so that a Stop
    that has to end its worker answers within a second. Not statsmodels (about 75 MiB): the worker sends ETS's and
    Theta's answers (experiment.run.predicted_baselines), not their fits."""
    import lstm_core.experiment.run  # noqa: F401


def _how_it_ended(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        name = {9: "SIGKILL, often the system's out-of-memory killer", 11: "SIGSEGV, a crash in the backend"}
        return f"killed by signal {-exitcode}: {name.get(-exitcode, 'a signal')}"
    return f"exit code {exitcode}" if exitcode is not None else "it stopped answering"
