"""The visitor's training: its job slot, starting it, and the Train page's live view.

The life (start, poll, stop, collect, the sidebar line) is `ui.jobs.slot`; this module declares what is a
training's own: its progress sentences, its sidebar lines, and what a finished job becomes (a run, kept by
`ui.session.state.add_run`, or the sentence of its failure in `train_error`). While a training runs, the Train
page shows two fragments: the progress line every `SLOT.poll_seconds` (it also sends the heartbeat and notices
the end) and the live loss chart only every `CHART_SECONDS`, the heavier element to build, send and draw
(measured on the 2-core machine with the browser beside the server, each redraw takes CPU from the training).
"""

from __future__ import annotations

import functools
import os
import sys
from dataclasses import dataclass
from typing import Any

import streamlit as st

from lstm_core.config.settings import ExperimentConfig
from lstm_core.jobs.base import TrainingJob, heartbeat_seconds
from lstm_core.jobs.process import training_job
from lstm_core.jobs.state import JobState
from lstm_core.nn.keras_model import backend_name
from ui.charts import figures, inside_charts
from ui.jobs.slot import JobSlot, Progress
from ui.session import state
from ui.text.format import duration
from ui.text.gate_text import TEXT
from ui.text.i18n import text

__all__ = [
    "CHART_SECONDS",
    "SLOT",
    "LiveFigure",
    "devices_text",
    "gpu_detected",
    "live_training",
    "start",
]

CHART_SECONDS = 2.0  # the live loss chart is redrawn this often (rebuilt only after a new epoch)


@dataclass(frozen=True, eq=False)
class LiveFigure:
    """A live chart of `job` as built at `version` (rebuilt only when the version changes)."""

    job: TrainingJob
    version: Any  # the loss chart: epochs done; the gate chart: (snapshots, gate name)
    figure: Any  # plotly Figure


def _progress_text(job: TrainingJob) -> str:
    epochs = job.config.train.epochs
    verb = "Stopping" if job.stopping else "Training"
    return f"{verb}: epoch {min(len(job.epochs) + 1, epochs)} of {epochs}"


class TrainingSlot(JobSlot):
    key, collected_key, noun = "job", "job_collected", "training"
    page = "train"
    poll_seconds = 0.5  # the finish is seen within half a second
    idle_text = "No training yet."
    stop_label, stop_key = "Stop training", "sidebar_stop"

    def progress(self, job: TrainingJob) -> Progress:
        last = job.epochs[-1] if job.epochs else None
        details = [f"{duration(job.elapsed)} elapsed", f"about {duration(job.seconds_left)} left"]
        if last is not None:
            details.append(f"last epoch {duration(last.seconds)}")
        return Progress(job.fraction_done, f"{_progress_text(job)} · {' · '.join(details)}")

    def draw_sidebar_progress(self, job: TrainingJob) -> None:
        st.progress(job.fraction_done, text=_progress_text(job))
        st.caption(f"{duration(job.elapsed)} elapsed · {duration(job.seconds_left)} left")

    def finished_text(self, job: TrainingJob) -> str | None:
        if job.state == JobState.FAILED:
            return "The last training failed (see the Train page)."
        record = state.latest_record()
        return None if record is None else f"Last training: {record.message}"

    def keep(self, job: TrainingJob) -> state.RunRecord | None:
        st.session_state.live_figure = None  # the live chart's figure (and its hold on the job) goes with it
        st.session_state.live_gate_figure = None
        if job.state == JobState.FAILED or job.run is None:
            st.session_state.train_error = job.error or "Training failed; your data and settings are kept."
            return None
        return state.add_run(job.run)


SLOT = TrainingSlot()


def start(config: ExperimentConfig) -> TrainingJob:
    """Start a training of the loaded data with `config`; LabError while one runs or when the server is busy."""
    s = st.session_state
    config = config.replace(data=s.data_config)
    # In a worker process (lstm_core.jobs.pool), so the server never imports the backend; in a thread when
    # LSTM_LAB_WORKERS=0.
    job = SLOT.start(lambda: training_job(s.dataset, config, heartbeat_timeout=heartbeat_seconds()))
    s.config = config
    s.train_error = None
    return job


def live_training() -> None:
    """The running job's progress line and live loss chart (Train page), as two fragments."""
    SLOT.live_progress()
    st.fragment(run_every=CHART_SECONDS if SLOT.running() else None)(_live_chart)()


def _live_chart() -> None:
    job = SLOT.current()
    if job is None or job.finished:
        return
    if job.epochs:
        loss, gate = st.columns(2)
        loss.plotly_chart(_live_figure(job), key="train_live_loss")
        with gate:
            _live_gate(job)
    else:
        st.info("Preparing: the first epoch includes loading Keras and compiling the model.")


def _live_figure(job: TrainingJob) -> Any:
    """The loss chart, rebuilt only when an epoch has ended since the last build."""
    cached: LiveFigure | None = st.session_state.live_figure
    if cached is None or cached.job is not job or cached.version != len(job.epochs):
        figure = figures.loss_figure(figures.epochs_frame(job.epochs))
        cached = st.session_state.live_figure = LiveFigure(job, len(job.epochs), figure)
    return cached.figure


def _live_gate(job: TrainingJob) -> None:
    """The probe window's chosen gate after the latest recorded epoch, beside the loss."""
    snapshots = job.gate_snapshots()
    if not snapshots:
        return
    shown = snapshots[-1].probe[0]  # the cell's own arrays: an LSTM's i..h, a GRU's z, r, n, h, an RNN's h
    name = st.selectbox(
        TEXT["live_gate"],
        [gate for gate in ("f", "z", "i", "r", "o", "g", "n", "c", "h") if gate in shown],
        format_func=lambda n: figures.GATE_TITLES[n].split(":")[0],
        key="train_live_gate",
    )
    cached: LiveFigure | None = st.session_state.live_gate_figure
    if cached is None or cached.job is not job or cached.version != (len(snapshots), name):
        latest = snapshots[-1]
        figure = inside_charts.live_gate_figure(latest.probe[0][name], name, latest.epoch)
        cached = st.session_state.live_gate_figure = LiveFigure(job, (len(snapshots), name), figure)
    st.plotly_chart(cached.figure, key="train_live_gate_chart")
    gate_name = figures.GATE_TITLES[name].split(":")[0].lower()
    st.caption(TEXT["live_caption"].format(gate=gate_name, epoch=snapshots[-1].epoch))


@functools.cache
def _device_list() -> str:
    from lstm_core.nn.train import list_devices

    return ", ".join(list_devices())


def _worker_device() -> tuple[str, str] | None:
    """The backend and device the last training's worker process reported, if it ran in one."""
    job = SLOT.current()
    backend, device = getattr(job, "backend", None), getattr(job, "device", None)
    return (backend, device) if backend and device else None


def gpu_detected() -> bool:
    """True once Keras is loaded and lists a GPU, or the last training's worker trained on one (never imports Keras
    itself)."""
    if (reported := _worker_device()) is not None:
        return reported[1].startswith(("gpu", "cuda"))
    if "keras" not in sys.modules or SLOT.running():
        return False
    try:
        return "gpu" in _device_list() or "cuda" in _device_list()
    except Exception:
        return False


def devices_text() -> str:
    """The backend and devices; devices only once Keras is loaded (it is slow to import) or a worker has said."""
    if (reported := _worker_device()) is not None:
        return text("train.backend_worker").format(b=reported[0], d=reported[1])
    if "keras" not in sys.modules or SLOT.running():
        # A first training may be importing Keras in its thread right now: do not touch it.
        backend = os.environ.get("KERAS_BACKEND", "tensorflow")
        return text("train.backend_before").format(b=backend)
    try:
        return text("train.backend").format(b=backend_name(), d=_device_list())
    except Exception:
        return text("train.backend_unknown")
