"""A benchmark in a worker thread, for the app: every model on every series of a collection (evaluate.benchmark).

It holds one of the process's training places while it runs (`jobs.WorkerJob`), like a sweep. What the page
reads while it runs: `model` (the model forecasting now), `series_done` of `series_total` (that model's series),
`epochs` (the LSTM's epochs so far) and `models_done`; `result` (a `BenchmarkResult`: DataFrames and a summary
dict) once it is done. A Stop ends it at the next series or the LSTM's next epoch, and nothing is kept (a
benchmark with some models missing would compare nothing). Bad settings raise LabError in the constructor, before
a thread starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lstm_core.config.settings import ExperimentConfig
from lstm_core.data.collections import Collection
from lstm_core.errors import LabError
from lstm_core.evaluate.benchmark import NETWORKS, BenchmarkStopped, check_head, parse_models
from lstm_core.jobs.base import WorkerJob
from lstm_core.jobs.state import JobState

__all__ = ["BenchmarkJob", "BenchmarkSettings"]


@dataclass(frozen=True)
class BenchmarkSettings:
    """What a benchmark runs beside the LSTM's config: the models, horizon, season and windows per series."""

    models: tuple[str, ...]
    horizon: int | None = None  # None: the collection's own
    season_length: int | None = None  # None: each series' own, or its frequency's
    windows_per_series: int = 48
    series_embedding: int = 0  # entries of each series' trained embedding, for the global networks (0: none)
    series_code: int = 0  # entries of each series' fixed random code (0: none)
    calendar: bool = False  # the target steps' month or weekday as inputs
    head: str = "direct"  # the networks' head: "direct" or "recursive" (evaluate.benchmark.run_benchmark)

    def __post_init__(self) -> None:
        object.__setattr__(self, "models", parse_models(self.models))
        check_head(self.models, self.head)

    def options(self) -> dict[str, Any]:
        """run_benchmark's keyword arguments."""
        return {
            "models": self.models,
            "horizon": self.horizon,
            "season_length": self.season_length,
            "windows_per_series": self.windows_per_series,
            "series_embedding": self.series_embedding,
            "series_code": self.series_code,
            "calendar": self.calendar,
            "head": self.head,
        }


class BenchmarkJob(WorkerJob):
    """One benchmark of `collection` in a daemon thread (see the module docstring)."""

    failure_subject = "The benchmark"
    thread_name = "lstm-lab-benchmark"

    def __init__(
        self,
        collection: Collection,
        config: ExperimentConfig,
        settings: BenchmarkSettings,
        *,
        heartbeat_timeout: float = 30.0,
    ) -> None:
        super().__init__(heartbeat_timeout=heartbeat_timeout)
        if not len(collection):
            raise LabError("The collection has no series to benchmark; load another or choose more series.")
        self.collection, self.config, self.settings = collection, config, settings
        self.models: tuple[str, ...] = settings.models
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
                **self.settings.options(),
            )
        except BenchmarkStopped:
            result = None
        return self._finish(result)
