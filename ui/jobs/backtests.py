"""A visitor's backtests: settings widgets, the worker job, its live progress, and the finished records.

Session keys (made by `ui.session.keys.init`):
- `backtest_config`: the last submitted `BacktestConfig`; `backtest_job`: the current or last `BacktestJob`;
- `backtests`: every finished backtest as a `BacktestRecord`, oldest first (at most `MAX_BACKTESTS`);
- `backtest_error`: the sentence of the last failed backtest.
Widget keys are `backtest_<setting name>`; the model, window and training settings come from the Train page.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from typing import Any

import streamlit as st

from lstm_core.config.options import parse_numbers
from lstm_core.config.settings import BacktestConfig, ExperimentConfig
from lstm_core.errors import LabError
from lstm_core.jobs.backtest import BacktestJob
from ui.text.format import duration

__all__ = [
    "FORM_NAMES",
    "MAX_BACKTESTS",
    "BacktestRecord",
    "collect_finished",
    "current_job",
    "fill_missing_widgets",
    "live_progress",
    "settings_from_widgets",
    "sidebar_monitor",
    "start",
    "stop",
]

MAX_BACKTESTS = 20
POLL_SECONDS = 0.5
BACKTEST_NAMES = ("start", "horizon", "stride", "window_type", "retrain", "strategy")
FORM_NAMES = (*BACKTEST_NAMES, "levels", "epochs")


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


def current_job() -> BacktestJob | None:
    return st.session_state.get("backtest_job")


def fill_missing_widgets(config: ExperimentConfig) -> None:
    """Give every backtest widget its value (the last submitted settings) where the visitor has none yet."""
    backtest = st.session_state.backtest_config
    values = {name: getattr(backtest, name) for name in BACKTEST_NAMES}
    values["levels"] = ", ".join(f"{level:g}" for level in config.forecast.levels)
    values["epochs"] = config.train.epochs
    for name, value in values.items():
        st.session_state.setdefault(f"backtest_{name}", value)


def settings_from_widgets(config: ExperimentConfig) -> tuple[ExperimentConfig, BacktestConfig]:
    """The form's settings; raises LabError (one sentence) for a bad value."""
    s = st.session_state
    try:
        levels = parse_numbers(str(s.backtest_levels))
    except Exception:  # argparse's error type: one sentence for the app instead
        raise LabError(
            f"Interval levels must be numbers separated by commas, e.g. 80, 95. Received: {s.backtest_levels!r}"
        ) from None
    config = config.replace(levels=levels, epochs=int(s.backtest_epochs))
    values = {name: s[f"backtest_{name}"] for name in BACKTEST_NAMES}
    values["start"], values["retrain"] = str(values["start"]).strip(), str(values["retrain"]).strip().lower()
    return config, dataclasses.replace(BacktestConfig(), **values)


def start(dataset: Any, config: ExperimentConfig, backtest: BacktestConfig, *, heartbeat_timeout: float = 30.0) -> None:
    """Start a backtest in a worker thread; raises LabError for bad settings or a busy server."""
    job = current_job()
    if job is not None and not job.finished:
        raise LabError("A backtest is already running; stop it or wait for it to finish first.")
    job = BacktestJob(dataset, config, backtest, heartbeat_timeout=heartbeat_timeout).start()
    st.session_state.backtest_config = backtest
    st.session_state.backtest_job = job
    st.session_state.backtest_collected = False
    st.session_state.backtest_error = None


def stop() -> None:
    """Button callback: ask the running backtest to stop (the folds done so far are kept)."""
    job = current_job()
    if job is not None:
        job.request_stop()


def collect_finished() -> BacktestRecord | None:
    """Once per finished job: keep its result as a record, or its error sentence."""
    state = st.session_state
    job = current_job()
    if job is None or not job.finished or state.backtest_collected:
        return None
    state.backtest_collected = True
    if job.state == "failed" or job.result is None or job.result.folds == 0:
        state.backtest_error = job.error or "The backtest ended before its first fold; your settings are kept."
        return None
    state.backtest_counter += 1
    record = BacktestRecord(
        state.backtest_counter, job.dataset.name, job.config, job.backtest, job.result, finished_at=time.time()
    )
    state.backtests.append(record)
    del state.backtests[:-MAX_BACKTESTS]
    return record


def live_progress() -> None:
    """The running backtest's progress line (a fragment polling every half second); reruns the app at the end."""
    job = current_job()
    st.fragment(run_every=POLL_SECONDS if job is not None and not job.finished else None)(_progress)()


def _progress() -> None:
    job = current_job()
    if job is None:
        return
    if job.finished:
        if not st.session_state.backtest_collected:
            st.rerun()
        return
    job.heartbeat()
    epochs = job.config.train.epochs
    text = f"{len(job.folds)} of {job.total_folds} folds done"
    if len(job.folds) < job.total_folds:
        training = min(sum(report.retrained for report in job.folds) + 1, job.trainings)
        epoch = job.progress.epoch if job.progress is not None else 1
        text += f" · training {training} of {job.trainings}: epoch {min(epoch, epochs)} of {epochs}"
    verb = "Stopping" if job.stopping else "Backtest"
    left = job.seconds_left
    details = f"{duration(job.elapsed)} elapsed" + ("" if left is None else f" · about {duration(left)} left")
    st.progress(job.fraction_done, text=f"{verb}: {text} · {details}")


def sidebar_monitor(*, poll: bool = True) -> None:
    """A running backtest's progress in the sidebar of every page, so it keeps its heartbeat from any page.

    `poll=False` on the Backtest page, which polls the job itself.
    """
    job = current_job()
    if job is None or (job.finished and st.session_state.backtest_collected):
        return
    st.fragment(run_every=POLL_SECONDS if poll and not job.finished else None)(_sidebar_body)()


def _sidebar_body() -> None:
    job = current_job()
    if job is None:
        return
    if job.finished:
        if not st.session_state.backtest_collected:
            st.rerun()  # the whole app: collect the backtest, show it everywhere
        return
    job.heartbeat()
    st.progress(job.fraction_done, text=f"Backtest: {len(job.folds)} of {job.total_folds} folds")
    st.button("Stop backtest", key="sidebar_backtest_stop", on_click=stop, disabled=job.stopping)
