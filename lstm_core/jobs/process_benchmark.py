"""A benchmark in a worker process (lstm_core.jobs.pool), watched through the same surface as `BenchmarkJob`
(lstm_core.jobs.process's `InWorker`: Stop, memory, a worker that dies)."""

from __future__ import annotations

from typing import Any

from lstm_core.config.benchmark import BenchmarkConfig
from lstm_core.config.settings import ExperimentConfig
from lstm_core.jobs import budget, pool
from lstm_core.jobs.benchmark import BenchmarkJob
from lstm_core.jobs.process import InWorker
from lstm_core.jobs.state import JobState
from lstm_core.nn.stop_reason import StopReason

__all__ = ["ProcessBenchmarkJob", "benchmark_job"]


class ProcessBenchmarkJob(InWorker, BenchmarkJob):
    """A benchmark in a worker process: each model's series and the LSTM's epochs cross the pipe, the result comes
    back as plain data (DataFrames and a dict). A Stop ends it at the next series or epoch; only a second Stop ends
    the worker (an ETS fit or an epoch takes about a second)."""

    thread_name = "lstm-lab-benchmark-watch"
    enforces_time_limit = False
    stop_grace_seconds = float("inf")

    def __init__(
        self,
        collection: Any,
        config: ExperimentConfig,
        benchmark: BenchmarkConfig,
        *,
        worker_pool: pool.WorkerPool | None = None,
        worker_memory_mb: float | None = None,
        **options: Any,
    ) -> None:
        super().__init__(collection, config, benchmark, **options)
        self.dataset = collection.series[0].dataset()  # what the memory sentence names (its length)
        self.time_limit = None
        self.memory_budget_mb = budget.memory_budget_mb()
        self._init_worker(worker_pool, worker_memory_mb)

    def _task(self) -> tuple[str, Any]:
        return "benchmark", (self.collection, self.config, self.options)  # run_benchmark's arguments

    def _conclude(self, outcome: pool.Outcome) -> JobState:
        if outcome.status == "done":
            return self._finish(outcome.value)
        if outcome.status in ("failed", "error"):
            detail = outcome.value
            self.error = detail if outcome.status == "failed" else f"The benchmark failed unexpectedly ({detail})."
            return JobState.FAILED
        if outcome.status == "ended" and outcome.value == StopReason.STOPPED:
            self.error = "The benchmark was ended at a second Stop (its worker process was ended); nothing is kept."
            return JobState.STOPPED
        if outcome.status == "ended":  # memory: the sentence was written by _tick
            return JobState.FAILED
        self.error = self._died_sentence(outcome, "benchmark")
        return JobState.FAILED

    def _on_message(self, message: tuple) -> None:
        kind = message[0]
        if kind == "series":
            self._on_series(*message[1:])
        elif kind == "epoch":
            self.epochs.append(message[1])


def benchmark_job(
    collection: Any, config: ExperimentConfig, benchmark: BenchmarkConfig, **options: Any
) -> BenchmarkJob:
    """The app's benchmark job: in a worker process, or in a thread when `LSTM_LAB_WORKERS=0`."""
    if pool.enabled():
        return ProcessBenchmarkJob(collection, config, benchmark, **options)
    return BenchmarkJob(collection, config, benchmark, **options)
