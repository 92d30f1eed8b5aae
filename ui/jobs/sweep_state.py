"""The visitor's sweep: start one in a worker thread, watch a study, train its best trial as a normal run.

Session keys: `sweep_job` (the visitor's SweepJob or None) and `sweep_view` (the `StudyView` the page
shows, or None). Trials are read from the study's storage on every refresh, so trials
of other workers (other machines, the command line) appear as they finish.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import streamlit as st

from lstm_core.data.fingerprint import fingerprint
from lstm_core.errors import LabError
from lstm_core.jobs.sweep import SweepJob
from lstm_core.sweep.space import SweepSpace
from lstm_core.sweep.study import SweepSetup, best_config, default_storage_url, open_study
from ui.forms import settings
from ui.session import runstore, state, workspace

__all__ = [
    "StudyView",
    "current",
    "open_view",
    "sidebar_monitor",
    "start",
    "storage_fixed",
    "train_best",
    "view",
]

POLL_SECONDS = 2.0


class StudyView(NamedTuple):
    """The study the Sweep page shows: where it is stored and its name."""

    storage: str
    name: str


def storage_fixed() -> bool:
    """On a shared server (LSTM_LAB_SWEEP_FIXED_STORAGE=1) visitors use the server's store, never a URL of theirs."""
    import os

    return os.environ.get("LSTM_LAB_SWEEP_FIXED_STORAGE") == "1"


def current() -> SweepJob | None:
    return st.session_state.get("sweep_job")


def _saver(study_name: str, setup: SweepSetup, dataset: Any) -> Any:
    """A function the worker thread calls after each trial: save it to the run store (no Streamlit inside)."""
    from lstm_core.sweep.results import trial_entry

    store, space = runstore.store(), workspace.token()
    if store is None:
        return None
    return lambda trial: store.save_run(space, trial_entry(trial, setup, dataset, study_name))


def start(
    space: SweepSpace,
    *,
    trials: int,
    minutes: float,
    pruner: str,
    study_name: str,
    storage: str,
    objective: str = "validation",
    horizon: int = 1,
) -> SweepJob:
    """Start a sweep of the loaded data with the Train form's settings fixed; raises LabError (busy, bad range)."""
    job = current()
    if job is not None and not job.finished:
        raise LabError("A sweep is already running; stop it or wait for it to finish first.")
    s = st.session_state
    if not study_name.strip():
        raise LabError("Give the study a name (other workers join it by that name).")
    config = s.config.replace(data=s.data_config)
    dataset = s.dataset
    space.check_fits(len(dataset), config)
    setup = SweepSetup(
        config=config,
        space=space,
        data_fingerprint=fingerprint(dataset),
        trials=trials,
        pruner=pruner,
        objective=objective,
        horizon=horizon,
    )
    name = study_name.strip()
    open_study(storage, name, setup)  # made (or joined) here: a bad URL or another setup is one sentence now
    job = SweepJob(
        dataset,
        setup,
        storage=storage,
        study_name=name,
        timeout=minutes * 60 if minutes else None,
        save_trial=_saver(name, setup, dataset),
    ).start()
    s.sweep_job = job
    s.sweep_view = StudyView(storage, name)
    return job


def view() -> tuple[Any, SweepSetup] | None:
    """The study the page shows and its setup, or None (LabError when it cannot be opened)."""
    target = st.session_state.get("sweep_view")
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
    for _, names in settings.FORM_COLUMNS:  # the Train form refills its widgets from state.config
        for name in names:
            st.session_state.pop(f"train_{name}", None)
    st.session_state.config = config.replace(data=st.session_state.data_config)
    state.start_training(st.session_state.config)


def sidebar_monitor(*, poll: bool = True) -> None:
    """A line in the sidebar while the visitor's sweep runs; its heartbeat keeps the sweep going on every page."""
    job = current()
    if job is None or job.finished:
        return
    st.fragment(run_every=POLL_SECONDS if poll else None)(_sidebar_body)()


def _sidebar_body() -> None:
    job = current()
    if job is None:
        return
    job.heartbeat()
    if job.finished:
        st.caption(f"Sweep {job.state}: {job.trials_run} trial(s).")
    else:
        st.caption(f"Sweep running: {job.trials_run} trial(s) done.")
