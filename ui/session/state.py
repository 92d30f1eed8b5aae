"""Everything one visitor owns, in `st.session_state`, initialised only where missing.

Keys (all set by `init`, the one place a key is made; widgets make their own `data_*`/`train_*` keys):
- `dataset`: the loaded `Dataset`; `data_config`: the `DataConfig` that names its source.
- `config`: the `ExperimentConfig` of the last submitted training settings.
- `job`: the current or last `TrainingJob` (None before the first training);
  `job_collected`: whether that job has been turned into a run or an error yet.
- `runs`: every finished training as a `RunRecord`, oldest first; `run_counter`: the last run's number.
- `train_error`: the sentence of the last failed training, shown on the Train page.
- `data_message`: an error from a Data page callback, shown once on that page (None when none).
- `upload_preview`: the `UploadPreview` of the last uploaded file (None before any).
- `live_figure`: the Train page's `LiveFigure` while a training runs (None otherwise); `live_gate_figure`
  the live gate beside it.
- `store_error`, `runs_export`, `runs_message`: the run store's last failure, a prepared workspace
  export, and the Runs page's one-off message.
- `gates_figures`, `inside_states`, `inside_brushed`: the Gates and Inside pages' per-visitor caches.
- The Backtest and Sweep pages' keys (`backtest_*`, `backtests`, `sweep_job`, `sweep_view`), made by
  `ui.jobs.backtests.init` and `ui.jobs.sweep_state.init`, which `init` calls.

`training_running()` is the one answer to "is this visitor's training running" for every page.

Nothing here is shared between visitors: no `st.cache_resource`. Bundled samples are read
through `st.cache_data`, which hands each caller its own copy.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from lstm_core.config.settings import DataConfig, ExperimentConfig
from lstm_core.data import sources as data
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
    "init",
    "latest_record",
    "load_sample",
    "load_sample_config",
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


@st.cache_data(show_spinner=False, max_entries=16)
def _cached_sample(name: str) -> Dataset:
    return data.load_sample(name)


def load_sample(name: str) -> Dataset:
    """A bundled sample (cached per process; every call gets its own copy)."""
    return _cached_sample(name)


def load_sample_config(name: str) -> tuple[Dataset, DataConfig]:
    """A bundled sample and the DataConfig naming it, ready for `set_dataset`."""
    dataset = load_sample(name)
    return dataset, DataConfig(source=f"sample:{dataset.name}", column=dataset.target)


def init() -> None:
    """Set every key this app uses, only where missing; loads the default sample (no network)."""
    state = st.session_state
    if "dataset" not in state:
        state.dataset, state.data_config = load_sample_config(data.DEFAULT_SAMPLE)
    if "config" not in state:
        state.config = ExperimentConfig(data=state.data_config)
    state.setdefault("job", None)
    state.setdefault("job_collected", True)
    state.setdefault("runs", [])
    state.setdefault("run_counter", 0)
    state.setdefault("train_error", None)
    state.setdefault("data_message", None)
    state.setdefault("upload_preview", None)
    state.setdefault("live_figure", None)
    state.setdefault("live_gate_figure", None)
    state.setdefault("store_error", None)  # the last run-store failure's sentence (ui.session.runstore)
    state.setdefault("runs_export", None)
    state.setdefault("runs_message", None)
    state.setdefault("gates_figures", None)
    state.setdefault("inside_states", {})
    state.setdefault("inside_brushed", None)
    from ui.jobs import backtests, sweep_state  # their keys, made here too (they import this module)

    backtests.init()
    sweep_state.init()


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
