"""What one visitor owns, in `st.session_state`: the loaded data, the runs, and the training job.

Every key is made by `ui.session.keys.init` (the table of keys and their meanings); this module reads and
sets them. `training_running()` is the one answer to "is this visitor's training running" for every page.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from lstm_core.config.settings import DataConfig, ExperimentConfig
from lstm_core.data.dataset import Dataset
from lstm_core.errors import LabError
from lstm_core.jobs.base import TrainingJob
from lstm_core.scoring.metrics import RunMetrics
from ui.session import loaders, runstore

__all__ = [
    "MAX_RUNS",
    "MODELS_KEPT",
    "LiveFigure",
    "RunRecord",
    "UploadPreview",
    "collect_finished_job",
    "current_job",
    "latest_record",
    "preview_upload",
    "require_trained_record",
    "set_dataset",
    "start_training",
    "stop_with_link_to_train",
    "training_running",
]

MODELS_KEPT = 5  # older runs keep config, metrics, history and forecast, but not the weights and test windows
MAX_RUNS = 50  # the oldest run is dropped after this many
HEARTBEAT_TIMEOUT = 30.0  # seconds a training runs on without a watching browser tab


@dataclass(eq=False)
class RunRecord:
    """One finished training, as the Runs page lists it; `run` (with the model) only for recent ones."""

    number: int
    dataset_name: str
    config: ExperimentConfig
    metrics: RunMetrics
    history: pd.DataFrame  # epoch, loss, val_loss, seconds
    forecast: pd.DataFrame  # index time; actual, lstm, naive, seasonal_naive, drift, part
    message: str
    stop_reason: str
    finished_at: float  # time.time()
    run: Any = None  # experiment.Run (weights, test windows); None once MODELS_KEPT newer runs exist
    store_id: str | None = None  # its id in the run store; None when it could not be stored

    @property
    def label(self) -> str:
        model, window = self.config.model, self.config.windows.window
        label = f"#{self.number} {self.dataset_name} · {model.layers}×LSTM({model.units}) · window {window}"
        difference = self.config.windows.difference
        return label + ("" if difference == "none" else f" · {difference} differences")


@dataclass(frozen=True, eq=False)
class UploadPreview:
    """An uploaded file read with automatic choices: its dataset, or the sentence saying why it failed."""

    file_id: str
    dataset: Dataset | None
    error: str | None


@dataclass(frozen=True, eq=False)
class LiveFigure:
    """The live loss chart of `job` as built after `epochs` epochs (rebuilt only when an epoch ends)."""

    job: TrainingJob
    epochs: int
    figure: Any  # plotly Figure


def set_dataset(dataset: Dataset, data_config: DataConfig) -> None:
    """Make `dataset` the one to train on; earlier runs and their models stay."""
    st.session_state.dataset = dataset
    st.session_state.data_config = data_config


def current_job() -> TrainingJob | None:
    return st.session_state.get("job")


def training_running() -> bool:
    """Whether this visitor's training is running now (started and not finished)."""
    job = current_job()
    return job is not None and not job.finished


def start_training(config: ExperimentConfig) -> TrainingJob:
    """Start a training of the loaded data in a worker thread; raises LabError when the server is busy."""
    state = st.session_state
    if training_running():
        raise LabError("A training is already running; stop it or wait for it to finish first.")
    config = config.replace(data=state.data_config)
    job = TrainingJob(state.dataset, config, heartbeat_timeout=HEARTBEAT_TIMEOUT).start()
    state.config = config
    state.job = job
    state.job_collected = False
    state.train_error = None
    return job


def collect_finished_job() -> RunRecord | None:
    """Once per finished job: keep it as a run (done/stopped) or keep its error (failed)."""
    state = st.session_state
    job = current_job()
    if job is None or not job.finished or state.job_collected:
        return None
    state.job_collected = True
    state.live_figure = None  # the live chart's figure (and its hold on the job) goes with the training
    if job.state == "failed" or job.run is None:
        state.train_error = job.error or "Training failed; your data and settings are kept."
        return None
    run = job.run
    state.run_counter += 1
    record = RunRecord(
        number=state.run_counter,
        dataset_name=run.dataset.name,
        config=run.config,
        metrics=run.metrics,
        history=run.history.copy(),
        forecast=run.forecast.copy(),
        message=run.train.message,
        stop_reason=run.train.stop_reason,
        finished_at=time.time(),
        run=run,
    )
    record.store_id = runstore.save(run, keep_data=bool(state.get("store_keep_data")))
    runs: list[RunRecord] = state.runs
    runs.append(record)
    del runs[:-MAX_RUNS]
    for old in runs[:-MODELS_KEPT]:
        old.run = None  # frees the weights, test windows and data copy of older runs
    return record


def latest_record() -> RunRecord | None:
    """The newest run (it always keeps its model), or None before the first training."""
    runs = st.session_state.get("runs") or []
    return runs[-1] if runs else None


def stop_with_link_to_train(message: str) -> None:
    """A page's missing precondition: say what to do, link to Train, and end the page here."""
    st.info(message)
    st.page_link("app_pages/train.py", label="Go to Train", icon=":material/model_training:")
    st.stop()


def require_trained_record(message: str) -> RunRecord:
    """The newest run with its model; otherwise `stop_with_link_to_train(message)`."""
    record = latest_record()
    if record is None or record.run is None:
        stop_with_link_to_train(message)
    return record


def preview_upload(raw: bytes, file_id: str, file_name: str) -> Dataset:
    """The upload read with automatic choices, once per uploaded file (raises LabError)."""
    preview: UploadPreview | None = st.session_state.upload_preview
    if preview is None or preview.file_id != file_id:
        try:
            preview = UploadPreview(file_id, loaders.read_upload(raw, file_name)[0], None)
        except LabError as error:
            preview = UploadPreview(file_id, None, str(error))
        st.session_state.upload_preview = preview
    if preview.error is not None:
        raise LabError(preview.error)
    return preview.dataset
