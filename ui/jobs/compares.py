"""The visitor's cell comparison: the job slot, starting one, and the finished record.

The life (start, poll, stop, collect, the sidebar line) is `ui.jobs.slot`; this module declares what is a
comparison's own: its progress sentences and what a finished `CompareJob` (lstm_core.jobs.compare) becomes. Each
cell's run is kept as a run of its own (`state.add_run`, so the Forecast, Gates and Runs pages show it) and the
comparison as a `ComparisonRecord` in `comparison` (with each cell's backtest when the visitor asked for them,
`backtest_settings`: the Backtest page's plan); a failure is a sentence in `compare_error`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from lstm_core.config.backtest import BacktestConfig
from lstm_core.config.settings import ExperimentConfig
from lstm_core.errors import LabError
from lstm_core.experiment.compare import verdict
from lstm_core.jobs.base import heartbeat_seconds
from lstm_core.jobs.compare import CompareJob
from lstm_core.jobs.state import JobState
from ui.charts.compare_charts import CELL_NAMES
from ui.forms import settings
from ui.jobs.slot import JobSlot, Progress
from ui.session import loaders, state
from ui.text import i18n
from ui.text.format import duration

__all__ = ["CELL_NAMES", "SLOT", "ComparisonRecord", "start"]


@dataclass(frozen=True, eq=False)
class ComparisonRecord:
    """A finished comparison: its data's name, its settings, the runs' numbers and the comparison itself."""

    dataset_name: str
    config: ExperimentConfig
    comparison: Any  # experiment.compare.CellComparison
    run_numbers: dict[str, int]  # cell -> its run's number in `runs`
    cells: tuple[str, ...]  # the cells asked for
    errors: dict[str, str]  # cell -> the sentence of its failed training
    backtests: dict[str, Any] = field(default_factory=dict)  # cell -> evaluate.backtest.Backtest, when asked
    backtest_errors: dict[str, str] = field(default_factory=dict)  # cell -> the sentence of its failed backtest


def _say(key: str) -> str:
    return i18n.text(f"compare.{key}")


class CompareSlot(JobSlot):
    key, collected_key, noun = "compare_job", "compare_collected", "comparison"
    page = "compare"
    poll_seconds = 0.5
    stop_label, stop_key = "Stop comparison", "sidebar_compare_stop"

    def _line(self, job: CompareJob) -> tuple[str, int, int]:
        cell = job.cell or job.cells[0]
        return CELL_NAMES[cell], job.cells.index(cell) + 1, len(job.cells)

    def progress(self, job: CompareJob) -> Progress:
        cell, number, count = self._line(job)
        current = job.current
        epochs = job.config.train.epochs
        epoch = min(len(current.epochs) + 1, epochs) if current is not None else 1
        text = _say("progress").format(
            v=_say("stopping" if job.stopping else "backtesting" if job.backtesting else "training"),
            c=cell,
            n=number,
            k=count,
            e=epoch,
            m=epochs,
            t=duration(job.elapsed),
        )
        return Progress(job.fraction_done, text)

    def draw_sidebar_progress(self, job: CompareJob) -> None:
        cell, number, count = self._line(job)
        st.progress(job.fraction_done, text=_say("sidebar_progress").format(c=cell, n=number, k=count))

    def finished_text(self, job: CompareJob) -> str | None:
        record: ComparisonRecord | None = st.session_state.comparison
        if job.state == JobState.FAILED or record is None:
            return None
        found = verdict(record.comparison)
        return None if found is None else _say("sidebar_done").format(w=CELL_NAMES[found.winner])

    def keep(self, job: CompareJob) -> ComparisonRecord | None:
        s = st.session_state
        if job.comparison is None:
            s.compare_error = job.error or _say("stopped").format(d=0, k=len(job.cells))
            return None
        numbers = {cell: state.add_run(run).number for cell, run in job.comparison.runs.items()}
        record = ComparisonRecord(
            dataset_name=job.dataset.name,
            config=job.config,
            comparison=job.comparison,
            run_numbers=numbers,
            cells=job.cells,
            errors=dict(job.errors),
            backtests=dict(job.backtests),
            backtest_errors=dict(job.backtest_errors),
        )
        s.comparison = record
        return record


SLOT = CompareSlot()


def backtest_settings() -> BacktestConfig:
    """The Backtest page's settings (its defaults before it was used), direct when the data has extra input columns
    (a recursive forecast would need their future values)."""
    backtest = st.session_state.get("backtest_config") or BacktestConfig()
    if backtest.strategy == "recursive" and len(st.session_state.dataset.input_columns) > 1:
        backtest = dataclasses.replace(backtest, strategy="direct")
    return backtest


def start(config: ExperimentConfig, backtest: BacktestConfig | None = None) -> CompareJob:
    """Start comparing the cells with `config` on the loaded data, each followed by its walk-forward backtest when
    `backtest` is given; LabError while one runs or for bad settings."""
    s = st.session_state
    config = config.replace(data=s.data_config)
    job = SLOT.start(lambda: CompareJob(s.dataset, config, backtest=backtest, heartbeat_timeout=heartbeat_seconds()))
    s.compare_error = None
    return job


def current_settings() -> ExperimentConfig:
    """The Train form's settings as they stand (its widgets, where the visitor has them), else the last submitted."""
    base = st.session_state.config
    try:
        return settings.config_from_widgets(base)
    except (KeyError, LabError):  # the form not drawn in this session yet, or a bad combination: the saved config
        return base


def use_long_memory() -> None:
    """Load the long-memory sample and make its settings (LONG_MEMORY_SETTINGS) the Train form's and the config."""
    from ui.views.compare_views import LONG_MEMORY, LONG_MEMORY_SETTINGS

    state.set_dataset(*loaders.load_sample_config(LONG_MEMORY))
    settings.apply_settings({**LONG_MEMORY_SETTINGS, "data": st.session_state.data_config})
