"""A backtest in a worker thread, for the app: a `TrainingJob` whose work is `run_backtest`.

It shares the training machinery (Stop, heartbeat, the process-wide cap on concurrent trainings:
a backtest counts as one training) and adds `folds` (one `FoldReport` per finished fold) and
`result` (the `Backtest` when done). Bad settings raise LabError in the constructor, before a thread starts.
"""

from __future__ import annotations

import math
from typing import Any

from lstm_core.config.backtest import BacktestConfig
from lstm_core.config.settings import ExperimentConfig
from lstm_core.data.dataset import Dataset
from lstm_core.evaluate.backtest import first_origin, plan_origins
from lstm_core.jobs.base import TrainingJob
from lstm_core.jobs.state import JobState
from lstm_core.nn.stop_reason import StopReason

__all__ = ["BacktestJob"]


class BacktestJob(TrainingJob):
    """One walk-forward backtest of `config` on `dataset`, in a daemon thread."""

    failure_subject = "The backtest"
    thread_name = "lstm-lab-backtest"

    def __init__(
        self, dataset: Dataset, config: ExperimentConfig, backtest: BacktestConfig, *, heartbeat_timeout: float = 30.0
    ) -> None:
        super().__init__(dataset, config, heartbeat_timeout=heartbeat_timeout)
        self.backtest = backtest
        start = first_origin(dataset.frame.index, backtest)
        self.total_folds = len(plan_origins(len(dataset), start, backtest.horizon, backtest.stride))
        self.trainings = math.ceil(self.total_folds / (backtest.retrain_every or self.total_folds))
        self.folds: list[Any] = []  # FoldReport, appended by the worker
        self.result: Any = None  # backtest.Backtest when finished

    @property
    def fraction_done(self) -> float:
        """0..1: epochs trained over all trainings, or folds done, whichever is further."""
        epochs = self.config.train.epochs * self.trainings
        done = len(self.epochs)
        if self.progress is not None:
            done += self.progress.samples_done / max(self.progress.samples_per_epoch, 1) * 0.999
        return min(max(done / epochs, len(self.folds) / max(self.total_folds, 1)), 1.0)

    @property
    def seconds_left(self) -> float | None:
        if len(self.epochs) < 2:
            return None
        steady = sorted(e.seconds for e in self.epochs[1:])
        per_epoch = steady[len(steady) // 2]
        return max(per_epoch * self.config.train.epochs * self.trainings * (1.0 - self.fraction_done), 0.0)

    def _execute(self) -> JobState:
        from lstm_core.evaluate.backtest import run_backtest

        self.result = run_backtest(
            self.dataset,
            self.config,
            self.backtest,
            on_fold=self.folds.append,
            on_epoch=self.epochs.append,
            on_batch=self._on_batch,
            should_stop=self._should_stop,
        )
        self.stop_reason = self.stop_reason or self.result.stop_reason
        return JobState.STOPPED if self.result.stop_reason == StopReason.STOPPED else JobState.DONE
