"""The visitor's sweep: start one in a worker thread, watch a study, train its best trial as a normal run.

The life (start, poll, stop, collect, the sidebar line) is `ui.jobs.slot`; this module declares what is a
sweep's own: its progress sentence and sidebar line (a finished sweep leaves nothing to keep: its trials are
in the study's storage and the run store). `sweep_view` names the study the Sweep page shows; its trials are
read from the storage on every refresh, so trials of other workers (other machines, the command line) appear
as they finish.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import streamlit as st

from lstm_core.config.sweep import SweepConfig
from lstm_core.jobs.process import sweep_job
from lstm_core.jobs.sweep import SweepJob
from lstm_core.sweep.space import SweepSpace
from lstm_core.sweep.start import start_study
from lstm_core.sweep.study import SweepSetup, best_config, default_storage_url, open_study
from ui.forms import settings
from ui.jobs import trainings
from ui.jobs.slot import JobSlot, Progress
from ui.session import runstore, workspace
from ui.text.format import duration

__all__ = [
    "SLOT",
    "StudyView",
    "draw_status",
    "open_view",
    "start",
    "start_collection",
    "storage_fixed",
    "train_best",
    "view",
]


@dataclass(frozen=True)
class StudyView:
    """The study the Sweep page shows: where it is stored and its name."""

    storage: str
    name: str


class SweepSlot(JobSlot):
    key, collected_key, noun = "sweep_job", "sweep_collected", "sweep"
    page = "sweep"
    poll_seconds = 2.0

    def progress(self, job: SweepJob) -> Progress:
        fraction = min(job.trials_run / max(job.setup.trials or 1, 1), 1.0)
        return Progress(fraction, f"Sweeping: {job.trials_run} trial(s) done here · {duration(job.elapsed)}")

    def draw_sidebar_progress(self, job: SweepJob) -> None:
        st.caption(f"Sweep running: {job.trials_run} trial(s) done.")


SLOT = SweepSlot()


def storage_fixed() -> bool:
    """On a shared server (LSTM_LAB_SWEEP_FIXED_STORAGE=1) visitors use the server's store, never a URL of theirs."""
    return os.environ.get("LSTM_LAB_SWEEP_FIXED_STORAGE") == "1"


def _saver(study_name: str, setup: SweepSetup, dataset: Any) -> Any:
    """A function the worker thread calls after each trial: save it to the run store (no Streamlit inside)."""
    from lstm_core.sweep.results import trial_entry

    store, space = runstore.store(), workspace.token()
    if store is None:
        return None
    return lambda trial: store.save_run(space, trial_entry(trial, setup, dataset, study_name))


def start(space: SweepSpace, sweep: SweepConfig, *, study_name: str, storage: str) -> SweepJob:
    """Start a sweep of the loaded data with the Train form's settings fixed; raises LabError (busy, bad range)."""
    s = st.session_state
    name = study_name.strip()

    def build() -> SweepJob:
        dataset = s.dataset
        # Made (or joined) here, as the command line does: a bad URL or another setup is one sentence now.
        _, setup = start_study(
            dataset, s.config.replace(data=s.data_config), space, sweep, storage=storage, study_name=name
        )
        # Its trials in a worker process (lstm_core.jobs.pool); in a thread when LSTM_LAB_WORKERS=0.
        return sweep_job(
            dataset, setup, storage=storage, study_name=name, sweep=sweep, save_trial=_saver(name, setup, dataset)
        )

    job = SLOT.start(build)
    s.sweep_view = StudyView(storage, name)
    return job


def start_collection(sweep: SweepConfig, *, horizon: int | None, study_name: str, storage: str) -> SweepJob:
    """Start a sweep of the global model over the loaded collection (sweep.collection, its default space, the
    benchmark's training settings); raises LabError (busy, a horizon the series are too short for)."""
    from lstm_core.sweep.collection import TRAINING_DEFAULTS, collection_data, default_global_space, selection
    from lstm_core.sweep.start import start_collection_study

    s = st.session_state
    name = study_name.strip()

    def build() -> SweepJob:
        config = s.config.replace(data=s.collection_config, **TRAINING_DEFAULTS)
        data = collection_data(s.collection, horizon, config.forecast.season_length)
        config = config.replace(window=max(data.horizon, *(task.season_length for task in data.tasks)))
        _, setup = start_collection_study(
            data, config, default_global_space(data), sweep, chosen=selection(), storage=storage, study_name=name
        )
        return sweep_job(
            data, setup, storage=storage, study_name=name, sweep=sweep, save_trial=_saver(name, setup, data)
        )

    job = SLOT.start(build)
    s.sweep_view = StudyView(storage, name)
    return job


def draw_status() -> None:
    """The sweep's lines on the Sweep page (inside its polling fragment): progress, error or end; the heartbeat."""
    job = SLOT.watch()
    if job is None:
        return
    if job.error:
        st.error(job.error)
    elif not job.finished:
        progress = SLOT.progress(job)
        st.progress(progress.fraction, text=progress.text)
    else:
        st.caption(f"The sweep {job.state}: {job.trials_run} trial(s) in {duration(job.elapsed)}.")
    if job.store_error:
        st.caption(f"Trials are not saved to the run store: {job.store_error}")


def view() -> tuple[Any, SweepSetup] | None:
    """The study the page shows and its setup, or None (LabError when it cannot be opened)."""
    target: StudyView | None = st.session_state.sweep_view
    if target is None:
        return None
    return open_study(target.storage, target.name)


def open_view(storage: str, name: str) -> None:
    """Show the study `name` of `storage` (checked first: LabError when there is no such study)."""
    target = StudyView(storage or default_storage_url(), name.strip())
    open_study(target.storage, target.name)
    st.session_state.sweep_view = target


def train_best(study: Any, setup: SweepSetup) -> None:
    """Put the best trial's settings into the Train form and start training them on the loaded data."""
    config = best_config(study, setup)
    for _, names in settings.FORM_COLUMNS:  # the Train form refills its widgets from the saved config
        for name in names:
            st.session_state.pop(f"train_{name}", None)
    st.session_state.config = config.replace(data=st.session_state.data_config)
    trainings.start(st.session_state.config)
