"""The visitor's backtests: the job slot, starting one, and the finished records.

The life (start, poll, stop, collect, the sidebar line) is `ui.jobs.slot`; this module declares what is a
backtest's own: its progress sentences, its sidebar line, and what a finished job becomes (a `BacktestRecord`
in `backtests`, at most `MAX_BACKTESTS`, also saved to the visitor's workspace of the run store as kind "backtest", or
the sentence of its failure in `backtest_error`). The form is
`ui.forms.backtest_form`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import streamlit as st

from lstm_core.config.backtest import BacktestConfig
from lstm_core.config.settings import ExperimentConfig
from lstm_core.data.fingerprint import fingerprint
from lstm_core.jobs.backtest import BacktestJob
from lstm_core.jobs.base import heartbeat_seconds
from lstm_core.jobs.process import backtest_job
from lstm_core.jobs.state import JobState
from lstm_core.store.evaluations import backtest_entry
from ui.jobs.slot import JobSlot, Progress
from ui.session import runstore
from ui.text.format import duration

__all__ = ["MAX_BACKTESTS", "SLOT", "BacktestRecord", "start"]

MAX_BACKTESTS = 20


@dataclass(eq=False)
class BacktestRecord:
    number: int
    dataset_name: str
    config: ExperimentConfig
    backtest: BacktestConfig
    result: Any  # backtest.Backtest
    finished_at: float

    @property
    def label(self) -> str:
        b = self.backtest
        model = self.config.model
        return (
            f"backtest #{self.number} {self.dataset_name} · {model.layers}×LSTM({model.units}) · "
            f"{self.result.folds} folds × {b.horizon} steps · {b.strategy} · retrain {b.retrain}"
        )


class BacktestSlot(JobSlot):
    key, collected_key, noun = "backtest_job", "backtest_collected", "backtest"
    page = "backtest"
    poll_seconds = 0.5
    stop_label, stop_key = "Stop backtest", "sidebar_backtest_stop"

    def progress(self, job: BacktestJob) -> Progress:
        epochs = job.config.train.epochs
        text = f"{len(job.folds)} of {job.total_folds} folds done"
        if len(job.folds) < job.total_folds:
            training = min(sum(report.retrained for report in job.folds) + 1, job.trainings)
            epoch = job.progress.epoch if job.progress is not None else 1
            text += f" · training {training} of {job.trainings}: epoch {min(epoch, epochs)} of {epochs}"
        verb = "Stopping" if job.stopping else "Backtest"
        left = job.seconds_left
        details = f"{duration(job.elapsed)} elapsed" + ("" if left is None else f" · about {duration(left)} left")
        return Progress(job.fraction_done, f"{verb}: {text} · {details}")

    def draw_sidebar_progress(self, job: BacktestJob) -> None:
        st.progress(job.fraction_done, text=f"Backtest: {len(job.folds)} of {job.total_folds} folds")

    def keep(self, job: BacktestJob) -> BacktestRecord | None:
        state = st.session_state
        if job.state == JobState.FAILED or job.result is None or job.result.folds == 0:
            state.backtest_error = job.error or "The backtest ended before its first fold; your settings are kept."
            return None
        state.backtest_counter += 1
        record = BacktestRecord(
            state.backtest_counter, job.dataset.name, job.config, job.backtest, job.result, finished_at=time.time()
        )
        state.backtests.append(record)
        del state.backtests[:-MAX_BACKTESTS]
        entry = backtest_entry(job.result, name=job.dataset.name, source=job.config.data.source,
                               fingerprint=fingerprint(job.dataset))  # fmt: skip
        runstore.save_entry(entry)  # kept in the visitor's workspace too (kind "backtest"); a failure: problem()
        return record


SLOT = BacktestSlot()


def start(dataset: Any, config: ExperimentConfig, backtest: BacktestConfig) -> None:
    """Start a backtest in a worker thread; raises LabError for bad settings, one running, or a busy server."""
    # In a worker process (lstm_core.jobs.pool); in a thread when LSTM_LAB_WORKERS=0.
    SLOT.start(lambda: backtest_job(dataset, config, backtest, heartbeat_timeout=heartbeat_seconds()))
    st.session_state.backtest_config = backtest
    st.session_state.backtest_error = None
