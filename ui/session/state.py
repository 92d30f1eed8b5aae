"""What one visitor owns, in `st.session_state`: the loaded data and the finished runs.

Every key is made by `ui.session.keys.init` (the table of keys and their meanings); this module reads and
sets them. The training job itself is `ui.jobs.trainings`, which hands each finished run to `add_run`.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from lstm_core.config.settings import DataConfig, ExperimentConfig
from lstm_core.data.dataset import Dataset
from lstm_core.errors import LabError
from lstm_core.nn.stop_reason import StopReason
from lstm_core.runtime import give_back_freed_memory
from lstm_core.scoring.metrics import RunMetrics
from ui import pages
from ui.charts.compare_charts import CELL_NAMES
from ui.session import loaders, runstore
from ui.text.i18n import text

__all__ = [
    "MAX_RUNS",
    "MODELS_KEPT",
    "RunRecord",
    "UploadPreview",
    "add_run",
    "latest_record",
    "preview_upload",
    "require_trained_record",
    "set_dataset",
    "stop_with_link_to_train",
]

MODELS_KEPT = 5  # older runs keep config, metrics, history and forecast, but not the weights and test windows
# The newest runs keep every recorded epoch's network for the Gates page's epoch slider (about 5 MiB for the default
# training's 100); older ones with a model keep THINNED_SNAPSHOTS of them, so the session does not grow per run.
FULL_GATE_HISTORIES = 1
THINNED_SNAPSHOTS = 21
MAX_RUNS = 50  # the oldest run is dropped after this many


@dataclass(eq=False)
class RunRecord:
    """One finished training, as the Runs page lists it; `run` (with the model) only for recent ones."""

    number: int
    dataset_name: str
    config: ExperimentConfig
    metrics: RunMetrics
    history: pd.DataFrame  # epoch, loss, val_loss, seconds
    forecast: pd.DataFrame  # index time; the columns of lstm_core.scoring.columns
    message: str
    stop_reason: StopReason
    finished_at: float  # time.time()
    run: Any = None  # experiment.Run (weights, test windows); None once MODELS_KEPT newer runs exist
    store_id: str | None = None  # its id in the run store; None when it could not be stored

    @property
    def label(self) -> str:
        model, window = self.config.model, self.config.windows.window
        cell = CELL_NAMES[model.cell]
        shape = f"{model.layers}×{cell}({model.units})"
        label = f"#{self.number} {self.dataset_name} · {shape} · {text('runs.window').format(w=window)}"
        difference = self.config.windows.difference
        return label + ("" if difference == "none" else f" · {text(f'runs.differences.{difference}')}")


@dataclass(frozen=True, eq=False)
class UploadPreview:
    """An uploaded file read with automatic choices: its dataset, or the sentence saying why it failed."""

    file_id: str
    dataset: Dataset | None
    error: str | None


def set_dataset(dataset: Dataset, data_config: DataConfig) -> None:
    """Make `dataset` the one to train on; earlier runs and their models stay."""
    st.session_state.dataset = dataset
    st.session_state.data_config = data_config


def add_run(run: Any) -> RunRecord:
    """Keep a finished training (an experiment.Run) as the newest run, and store it in the workspace."""
    state = st.session_state
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
    for old in runs[-MODELS_KEPT:-FULL_GATE_HISTORIES]:
        old.run = _with_thinned_gates(old.run)
    give_back_freed_memory()  # what older runs let go of returns to the system, not to a growing heap
    return record


def _with_thinned_gates(run: Any) -> Any:
    """`run` with at most THINNED_SNAPSHOTS gate snapshots (the same run when it has no more)."""
    history = run.gate_history if run is not None else None
    if history is None or len(history) <= THINNED_SNAPSHOTS:
        return run
    train = dataclasses.replace(run.train, gate_history=history.thinned(THINNED_SNAPSHOTS))
    return dataclasses.replace(run, train=train)


def latest_record() -> RunRecord | None:
    """The newest run (it always keeps its model), or None before the first training."""
    runs = st.session_state.get("runs") or []
    return runs[-1] if runs else None


def stop_with_link_to_train(message: str) -> None:
    """A page's missing precondition: say what to do, link to Train, and end the page here."""
    st.info(message)
    pages.link("train", text("common.go_to_train"))
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
