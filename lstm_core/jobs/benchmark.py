"""A benchmark in a worker thread, for the app: every model on every series of a collection (evaluate.benchmark).

It holds one of the process's training places while it runs (`jobs.WorkerJob`), like a sweep. What the page
reads while it runs: `model` (the model forecasting now), `series_done` of `series_total` (that model's series),
`epochs` (the LSTM's epochs so far) and `models_done`; `result` (a `BenchmarkResult`: DataFrames and a summary
dict) once it is done. A Stop ends it at the next series or the LSTM's next epoch, and nothing is kept (a
benchmark with some models missing would compare nothing). Bad settings raise LabError in the constructor, before
a thread starts.
"""

from __future__ import annotations

from typing import Any

from lstm_core.config.benchmark import BenchmarkConfig
from lstm_core.config.settings import ExperimentConfig
from lstm_core.data.collections import Collection
from lstm_core.errors import LabError
from lstm_core.evaluate.benchmark import NETWORKS, BenchmarkStopped
from lstm_core.evaluate.benchmark_settings import benchmark_options
from lstm_core.jobs.base import WorkerJob
from lstm_core.jobs.state import JobState

__all__ = ["BenchmarkJob"]


class BenchmarkJob(WorkerJob):
    """One benchmark of `collection` in a daemon thread (see the module docstring)."""

    failure_subject = "The benchmark"
    thread_name = "lstm-lab-benchmark"

    def __init__(
        self,
        collection: Collection,
        config: ExperimentConfig,
        benchmark: BenchmarkConfig,
        *,
        heartbeat_timeout: float = 30.0,
    ) -> None:
        super().__init__(heartbeat_timeout=heartbeat_timeout)
        if not len(collection):
            raise LabError("The collection has no series to benchmark; load another or choose more series.")
        self.collection, self.config, self.benchmark = collection, config, benchmark
        # run_benchmark's arguments, the command line's mapping (evaluate.benchmark_settings); checked here
        self.options: dict[str, Any] = benchmark_options(benchmark, config)
        self.models: tuple[str, ...] = self.options["models"]
        self.model: str | None = None  # the model forecasting now
        self.models_done = 0
        self.series_done = 0
        self.series_total = len(collection)
        self.epochs: list[Any] = []  # the networks' EpochReports
        self._first_epoch = 0  # the current model's first report in `epochs`
        self.result: Any = None  # evaluate.benchmark.BenchmarkResult when done

    def _on_series(self, model: str, done: int, total: int) -> None:
        if model != self.model:
            if self.model is not None:
                self.models_done += 1
            self.model, self._first_epoch = model, len(self.epochs)
        self.series_done, self.series_total = done, total

    @property
    def fraction_done(self) -> float:
        """0..1: models done, plus the current one's series (a global LSTM: its epochs over the planned)."""
        shown = len(self.models) + (1 if "naive2" not in self.models and self._competition else 0)
        part = self.series_done / max(self.series_total, 1)
        if self.model in ("lstm", "lstm-recursive") and self.series_done < self.series_total:
            part = (len(self.epochs) - self._first_epoch) / max(self.config.train.epochs, 1)
        return min((self.models_done + part) / max(shown, 1), 1.0)

    @property
    def _competition(self) -> bool:
        return self.collection.source.startswith("collection:")

    @property
    def trains_network(self) -> bool:
        return any(model in NETWORKS for model in self.models)

    def _finish(self, result: Any) -> JobState:
        if result is None:
            self.error = self.error or "The benchmark was stopped before it finished; nothing is kept."
            return JobState.STOPPED
        self.result = result
        return JobState.DONE

    def _execute(self) -> JobState:
        from lstm_core.evaluate.benchmark import run_benchmark

        try:
            result = run_benchmark(
                self.collection,
                config=self.config,
                on_epoch=self.epochs.append,
                on_series=self._on_series,
                should_stop=self._should_stop,
                **self.options,
            )
        except BenchmarkStopped:
            result = None
        return self._finish(result)
