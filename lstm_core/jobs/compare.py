"""Compare cells for the app: three trainings (LSTM, GRU, plain RNN) of one config, one after another, as one job.

`CompareJob` is a `WorkerJob` whose thread only coordinates: it runs one training job per cell through
`process.training_job` (in a worker process, or a thread when `LSTM_LAB_WORKERS=0`), so the server never
imports the backend, and each training takes and frees one of the server's training places as a Train-page
training does (the coordinator holds none). While a cell trains, the job forwards the page's heartbeat and a
Stop to it; a Stop ends the comparison there, keeping the cells done (and the stopped cell's weights reached).
When the trainings are over, the gradient reach of each cell is computed here in NumPy
(`experiment.compare.reach`). With `backtest` (a BacktestConfig), each cell's training is followed by a
walk-forward backtest of the same config (`process.backtest_job`, a worker as the Backtest page's), and
`backtests` holds cell -> evaluate.backtest.Backtest (`experiment.compare.backtest_table` turns them into rows).
The UI reads `cell` (the cell training now), `current` (its job), `backtesting` (whether that job is a backtest),
`runs` (cell -> Run, as they finish), `errors` (cell -> sentence), `backtests`, `backtest_errors`, `comparison`
and `fraction_done`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from lstm_core.config.backtest import BacktestConfig
from lstm_core.config.settings import CELLS, ExperimentConfig
from lstm_core.data.dataset import Dataset
from lstm_core.errors import LabError
from lstm_core.jobs.base import WorkerJob
from lstm_core.jobs.process import backtest_job, training_job
from lstm_core.jobs.state import JobState
from lstm_core.nn.stop_reason import StopReason

__all__ = ["POLL_SECONDS", "CompareJob"]

POLL_SECONDS = 0.1  # how often the coordinator forwards the heartbeat and looks for the cell's end


class CompareJob(WorkerJob):
    """Train `config` once per cell in `cells` on `dataset`, one after another, and compare them."""

    failure_subject = "The comparison"
    thread_name = "lstm-lab-compare"

    def __init__(
        self,
        dataset: Dataset,
        config: ExperimentConfig,
        *,
        cells: Sequence[str] = CELLS,
        backtest: BacktestConfig | None = None,
        heartbeat_timeout: float = 30.0,
        **training_options: Any,
    ) -> None:
        super().__init__(heartbeat_timeout=heartbeat_timeout)
        wrong = [cell for cell in cells if cell not in CELLS]
        if wrong or not cells:
            raise LabError(f"`cells` must list cells among {', '.join(CELLS)}. Received: cells={list(cells)}")
        self.dataset = dataset
        self.config = config
        self.cells = tuple(cells)
        self.backtest = backtest
        self.training_options = training_options
        self.cell: str | None = None  # the cell training now
        self.current: Any = None  # its TrainingJob (or BacktestJob)
        self.backtesting = False  # whether `current` is the cell's backtest
        self.runs: dict[str, Any] = {}  # cell -> experiment.Run, in the order they finished
        self.errors: dict[str, str] = {}  # cell -> the sentence of its failed training
        self.comparison: Any = None  # experiment.compare.CellComparison once done
        self.backtests: dict[str, Any] = {}  # cell -> evaluate.backtest.Backtest (with `backtest`)
        self.backtest_errors: dict[str, str] = {}  # cell -> the sentence of its failed backtest

    # The trainings take the places; the coordinator itself holds none.
    def _acquire(self) -> None:
        pass

    def _release(self) -> None:
        pass

    @property
    def fraction_done(self) -> float:
        done = len(self.runs) + len(self.errors) + len(self.backtests) + len(self.backtest_errors)
        current = self.current
        if current is not None and not current.finished:
            done += current.fraction_done
        return min(done / (len(self.cells) * (2 if self.backtest else 1)), 1.0)

    def _follow(self, job: Any) -> Any:
        """Start `job` as `current` and forward the heartbeat and a Stop to it until it ends."""
        self.current = job.start()  # LabError (busy, a limit): the comparison fails with its sentence
        while not job.finished:
            if self._should_stop():
                job.request_stop()
            job.heartbeat()
            time.sleep(POLL_SECONDS)
        job.wait()
        return job

    def _execute(self) -> JobState:
        from lstm_core.experiment.compare import CellComparison, reach

        for cell in self.cells:
            if self._should_stop():
                break
            self.cell, self.backtesting = cell, False
            config = self.config.replace(cell=cell)
            job = self._follow(
                training_job(self.dataset, config, heartbeat_timeout=self.heartbeat_timeout, **self.training_options)
            )
            if job.state == JobState.FAILED or job.run is None:
                self.errors[cell] = job.error or f"The {cell} training failed."
            else:
                self.runs[cell] = job.run
            if job.stop_reason in (StopReason.STOPPED, StopReason.ABANDONED):
                break
            if self.backtest is None or cell not in self.runs or self._should_stop():
                continue
            self.backtesting = True
            backtest = backtest_job(self.dataset, config, self.backtest, heartbeat_timeout=self.heartbeat_timeout)
            job = self._follow(backtest)
            if job.result is not None and job.state == JobState.DONE:
                self.backtests[cell] = job.result
            else:
                self.backtest_errors[cell] = job.error or f"The {cell} backtest did not finish."
            if job.stop_reason in (StopReason.STOPPED, StopReason.ABANDONED):
                break
        self.current, self.backtesting = None, False
        if not self.runs:
            if self.errors:
                raise LabError(next(iter(self.errors.values())))
            return JobState.STOPPED
        self.comparison = CellComparison(runs=dict(self.runs), reach={c: reach(r) for c, r in self.runs.items()})
        complete = len(self.runs) == len(self.cells)
        return JobState.DONE if complete else JobState.STOPPED
