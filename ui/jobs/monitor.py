"""Watching a TrainingJob: the sidebar monitor (on every page) and the Train page's live view.

Both are fragments that rerun themselves every `POLL_SECONDS` while a job runs, and not
at all otherwise. Each tick calls `job.heartbeat()` (a job nobody watches stops itself)
and, once the job has finished, reruns the whole app so `state.collect_finished_job`
turns it into a run and every page shows the result.
"""

from __future__ import annotations

import functools
import os
import sys

import streamlit as st

from lstm_core.nn.keras_model import backend_name
from ui.charts import figures, inside_charts
from ui.session import state
from ui.text.format import duration
from ui.text.gate_text import TEXT

__all__ = [
    "CHART_SECONDS",
    "POLL_SECONDS",
    "devices_text",
    "gpu_detected",
    "live_training",
    "sidebar_monitor",
    "stop_training",
]

POLL_SECONDS = 0.5  # the finish is seen within half a second
CHART_SECONDS = 2.0  # the live loss chart is redrawn this often (rebuilt only after a new epoch)


def stop_training() -> None:
    """Button callback: ask the running job to stop (it ends within about a second, keeping what it learnt)."""
    job = state.current_job()
    if job is not None:
        job.request_stop()


def _rerun_when_finished() -> None:
    job = state.current_job()
    if job is not None and job.finished and not st.session_state.job_collected:
        st.rerun()  # the whole app: collect the run, redraw every page with it


def _progress_text(job) -> str:
    epochs = job.config.train.epochs
    verb = "Stopping" if job.stopping else "Training"
    return f"{verb}: epoch {min(len(job.epochs) + 1, epochs)} of {epochs}"


def sidebar_monitor(*, poll: bool = True) -> None:
    """A compact progress view of the visitor's training; present on every page.

    `poll=True` while a training runs, except where the page itself polls the job (Train), so one
    fragment reruns, not two.
    """
    st.fragment(run_every=POLL_SECONDS if poll else None)(_sidebar_body)()


def _sidebar_body() -> None:
    job = state.current_job()
    _rerun_when_finished()
    if job is None:
        st.caption("No training yet.")
        return
    if not job.finished:
        job.heartbeat()
        st.progress(job.fraction_done, text=_progress_text(job))
        st.caption(f"{duration(job.elapsed)} elapsed · {duration(job.seconds_left)} left")
        st.button(
            "Stop training",
            key="sidebar_stop",
            on_click=stop_training,
            disabled=job.stopping,
        )
        return
    runs = st.session_state.runs
    if job.state == "failed":
        st.caption("The last training failed (see the Train page).")
    elif runs:
        st.caption(f"Last training: {runs[-1].message}")


def live_training() -> None:
    """Progress and the live loss chart of the running job (Train page), as two fragments.

    The progress line reruns every `POLL_SECONDS` (it also sends the heartbeat and notices the end);
    the chart, the heavier element to build, send and draw, only every `CHART_SECONDS`. Measured on
    the 2-core machine with the browser beside the server, each redraw takes CPU from the training.
    """
    running = state.training_running()
    st.fragment(run_every=POLL_SECONDS if running else None)(_live_progress)()
    st.fragment(run_every=CHART_SECONDS if running else None)(_live_chart)()


def _live_progress() -> None:
    job = state.current_job()
    _rerun_when_finished()
    if job is None or job.finished:
        return
    job.heartbeat()
    last = job.epochs[-1] if job.epochs else None
    details = [f"{duration(job.elapsed)} elapsed", f"about {duration(job.seconds_left)} left"]
    if last is not None:
        details.append(f"last epoch {duration(last.seconds)}")
    st.progress(job.fraction_done, text=f"{_progress_text(job)} · {' · '.join(details)}")


def _live_chart() -> None:
    job = state.current_job()
    if job is None or job.finished:
        return
    if job.epochs:
        loss, gate = st.columns(2)
        loss.plotly_chart(_live_figure(job), key="train_live_loss")
        with gate:
            _live_gate(job)
    else:
        st.info("Preparing: the first epoch includes loading Keras and compiling the model.")


def _live_figure(job) -> object:
    """The loss chart, rebuilt only when an epoch has ended since the last build."""
    cached: state.LiveFigure | None = st.session_state.live_figure
    if cached is None or cached.job is not job or cached.epochs != len(job.epochs):
        cached = state.LiveFigure(job, len(job.epochs), figures.loss_figure(figures.epochs_frame(job.epochs)))
        st.session_state.live_figure = cached
    return cached.figure


def _live_gate(job) -> None:
    """The probe window's chosen gate after the latest recorded epoch, beside the loss."""
    snapshots = job.gate_snapshots()
    if not snapshots:
        return
    name = st.selectbox(
        TEXT["live_gate"],
        ["f", "i", "o", "g", "c", "h"],
        format_func=lambda n: figures.GATE_TITLES[n].split(":")[0],
        key="train_live_gate",
    )
    cached = st.session_state.get("live_gate_figure")
    if cached is None or cached[0] is not job or cached[1] != (len(snapshots), name):
        latest = snapshots[-1]
        figure = inside_charts.live_gate_figure(latest.probe[0][name], name, latest.epoch)
        cached = (job, (len(snapshots), name), figure)
        st.session_state.live_gate_figure = cached
    st.plotly_chart(cached[2], key="train_live_gate_chart")
    gate_name = figures.GATE_TITLES[name].split(":")[0].lower()
    st.caption(TEXT["live_caption"].format(gate=gate_name, epoch=snapshots[-1].epoch))


@functools.cache
def _device_list() -> str:
    from lstm_core.nn.train import list_devices

    return ", ".join(list_devices())


def gpu_detected() -> bool:
    """True once Keras is loaded and lists a GPU (never imports Keras itself)."""
    if "keras" not in sys.modules or state.training_running():
        return False
    try:
        return "gpu" in _device_list() or "cuda" in _device_list()
    except Exception:
        return False


def devices_text() -> str:
    """The Keras backend and devices; devices only once Keras is loaded (it is slow to import)."""
    if "keras" not in sys.modules or state.training_running():
        # A first training may be importing Keras in its thread right now: do not touch it.
        backend = os.environ.get("KERAS_BACKEND", "tensorflow")
        return f"Backend: {backend} · Devices: CPU (GPU detection after first training)"
    try:
        return f"Backend: {backend_name()} · Devices: {_device_list()}"
    except Exception:
        return "Backend: unknown · Devices: unknown"
