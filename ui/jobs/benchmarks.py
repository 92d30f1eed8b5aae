"""The visitor's benchmark: the job slot, starting one, and the finished record (also kept in the run store).

The life (start, poll, stop, collect, the sidebar line) is `ui.jobs.slot`; this module declares what is a
benchmark's own: its progress sentence (which model, series done of N, the LSTM's epochs), its sidebar line, and
what a finished job becomes: a `BenchmarkRecord` in `benchmark_result` (saved to the visitor's workspace of the run
store, kind "benchmark"; it keeps the collection it ran on, so the global LSTM can be looked at for any one series),
or the sentence of its failure or stop in `benchmark_error`.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from typing import Any

import streamlit as st

from lstm_core.config.benchmark import BenchmarkConfig
from lstm_core.config.settings import ExperimentConfig
from lstm_core.data.collections import COLLECTION_PREFIX, Collection
from lstm_core.errors import LabError
from lstm_core.evaluate.benchmark import NETWORKS, split_tasks
from lstm_core.evaluate.benchmark_settings import stored_settings
from lstm_core.jobs.base import heartbeat_seconds
from lstm_core.jobs.benchmark import BenchmarkJob
from lstm_core.jobs.process_benchmark import benchmark_job
from lstm_core.jobs.state import JobState
from lstm_core.store.evaluations import benchmark_entry
from ui.jobs.slot import JobSlot, Progress
from ui.session import runstore
from ui.session.loaders import bundled_collection
from ui.text.format import duration
from ui.text.i18n import text
from ui.views.benchmark_views import LOADED, benchmark_from_widgets, lstm_config

__all__ = ["SLOT", "BenchmarkRecord", "start", "start_from_widgets"]


@dataclass(eq=False)
class BenchmarkRecord:
    """A finished benchmark: the collection's name, the settings it ran with (as stored), and its result."""

    name: str
    settings: dict[str, Any]  # as stored: evaluate.benchmark_settings.stored_settings (data, models, horizon, ...)
    config: ExperimentConfig
    result: Any  # evaluate.benchmark.BenchmarkResult
    finished_at: float
    store_id: str | None = None
    collection: Any = None  # the Collection it ran on (its series are shared, not copied): a look inside derives
    # one series' windows from it (ui.views.global_views)
    inside: Any = None  # the series of the global LSTM the visitor looks inside (global_views.GlobalSeriesView)


class BenchmarkSlot(JobSlot):
    key, collected_key, noun = "benchmark_job", "benchmark_collected", "benchmark"
    page = "benchmark"
    poll_seconds = 0.5
    stop_label, stop_key = "Stop benchmark", "sidebar_benchmark_stop"

    def progress(self, job: BenchmarkJob) -> Progress:
        model = job.model or job.models[0]
        done, total = job.series_done, job.series_total
        line = text("benchmark.progress").format(m=model, d=done, t=total, e=duration(job.elapsed))
        if model in NETWORKS and job.epochs:
            epochs = len(job.epochs) - job._first_epoch
            line += " · " + text("benchmark.progress_epochs").format(e=epochs, n=job.config.train.epochs)
        if job.stopping:
            line = text("benchmark.stopping") + " " + line
        return Progress(job.fraction_done, line)

    def draw_sidebar_progress(self, job: BenchmarkJob) -> None:
        st.progress(job.fraction_done, text=text("benchmark.sidebar").format(m=job.model or "…"))

    def keep(self, job: BenchmarkJob) -> BenchmarkRecord | None:
        state = st.session_state
        if job.state != JobState.DONE or job.result is None:
            state.benchmark_error = job.error or text("benchmark.stopped")
            return None
        settings = stored_settings(job.benchmark, job.config, data=job.collection.source or job.collection.name)
        record = BenchmarkRecord(
            job.collection.name, settings, job.config, job.result, time.time(), collection=job.collection
        )
        entry = benchmark_entry(job.result, name=record.name, config=job.config, settings=record.settings)
        record.store_id = runstore.save_entry(entry)
        state.benchmark_result = record
        return record


SLOT = BenchmarkSlot()


def start(collection: Any, config: ExperimentConfig, benchmark: BenchmarkConfig) -> None:
    """Start a benchmark of `collection` (in a worker process; a thread when LSTM_LAB_WORKERS=0) with the LSTM's
    `config`. Raises LabError for bad settings, one running, or a busy server."""
    SLOT.start(lambda: benchmark_job(collection, config, benchmark, heartbeat_timeout=heartbeat_seconds()))
    st.session_state.benchmark_error = None


def _chosen(name: str) -> tuple[Collection, str]:
    """The collection the form names (a bundled one, or LOADED: the Data page's) and its source."""
    if name != LOADED:
        return bundled_collection(name), COLLECTION_PREFIX + name
    loaded = st.session_state.get("collection")  # the Data page's collection, when one is loaded
    if loaded is None:
        raise LabError("No collection is loaded on the Data page any more; choose a bundled one, or load one there.")
    return loaded, loaded.source or loaded.name


def start_from_widgets(train_config: Any) -> None:
    """Check the form's settings, draw the sample and start the benchmark; LabError (one sentence) when they are
    bad (no model, no series long enough for the horizon), one runs already, or the server is busy."""
    s = st.session_state
    models = list(s.benchmark_models)
    if not models:
        raise LabError("Choose at least one model to benchmark.")
    name = s.benchmark_collection
    whole, source = _chosen(name)
    collection = whole.sample(int(s.benchmark_series), int(s.benchmark_sample_seed))
    horizon = int(s.benchmark_horizon) or None  # None: the collection's own, resolved below as the CLI does
    networks = any(model in NETWORKS for model in models)
    try:  # the same split the benchmark makes, checked here so bad settings are a sentence before anything starts
        tasks, _ = split_tasks(collection, horizon=horizon, season_length=None, networks=networks)
    except LabError as error:
        words = str(error).replace("set --horizon", "set the horizon").replace("--horizon", "horizon")
        raise LabError(words) from None
    h = len(tasks[0].test)
    window = int(s.benchmark_window) or max(h, max(task.season_length for task in tasks))
    with contextlib.suppress(LabError):  # the collection's source where a config can name it; else the Train form's
        train_config = train_config.replace(source=source)
    config = lstm_config(
        train_config, units=s.benchmark_units, epochs=s.benchmark_epochs, patience=s.benchmark_patience, window=window
    )
    start(collection, config, benchmark_from_widgets(horizon=h))
