"""The app's side of the run store: one store per database for the process, this visitor's workspace.

The store (a connection pool, no visitor's data in memory) is shared through `st.cache_resource`; every
read and write names the visitor's workspace (`ui.session.workspace.token()`), so a visitor sees only the runs
of the workspace in their URL. A store that cannot be opened is tried again after `RETRY_SECONDS`; until
then `store()` is None, `problem()` holds its one sentence, and runs stay in the session's memory.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from lstm_core.config.source import SourceKind
from lstm_core.store import records
from lstm_core.store.db import RunStore, StoredRun, StoreError, default_url, open_store
from ui.charts.runs_charts import kind_label
from ui.session import workspace
from ui.text.i18n import text

__all__ = [
    "StoredView",
    "delete",
    "export_bytes",
    "get_run",
    "import_bytes",
    "list_runs",
    "problem",
    "save",
    "save_entry",
    "store",
    "view",
]

RETRY_SECONDS = 30.0


@st.cache_resource(show_spinner=False, max_entries=4)
def _holder(url: str) -> dict[str, Any]:
    return {"store": None, "error": None, "tried": -RETRY_SECONDS}


def store() -> RunStore | None:
    """The run store, or None while it cannot be used (the reason is in `problem()`)."""
    holder = _holder(default_url())
    if holder["store"] is None and time.monotonic() - holder["tried"] >= RETRY_SECONDS:
        holder["tried"] = time.monotonic()
        try:
            holder["store"], holder["error"] = open_store(), None
        except StoreError as error:
            holder["error"] = str(error)
    return holder["store"]


def problem() -> str | None:
    """The sentence saying why runs are not being stored (the store, or the last save), or None."""
    store()
    return st.session_state.get("store_error") or _holder(default_url())["error"]


def _call(method: str, *args: Any, default: Any = None) -> Any:
    runs = store()
    if runs is None:
        return default
    try:
        result = getattr(runs, method)(workspace.token(), *args)
    except StoreError as error:
        st.session_state.store_error = str(error)
        return default
    st.session_state.store_error = None
    return result


def save(run: Any, *, keep_data: bool = False) -> str | None:
    """Store a finished run in the visitor's workspace; its id, or None (the reason in `problem()`)."""
    uploaded = run.config.data.data_source.kind == SourceKind.UPLOAD
    return _call("save_run", records.new_run(run, keep_data=keep_data and uploaded))


def save_entry(entry: Any) -> str | None:
    """Store a backtest's or benchmark's `NewRun` (lstm_core.store.evaluations) in the visitor's workspace; its id,
    or None (the reason in `problem()`)."""
    return _call("save_run", entry)


def list_runs() -> list[StoredRun]:
    return _call("list_runs", default=[])


def get_run(run_id: str) -> StoredRun | None:
    """One stored run of the visitor's workspace, with its history, or None."""
    return _call("get_run", run_id)


def delete(run_id: str) -> bool:
    return bool(_call("delete_run", run_id, default=False))


def export_bytes() -> bytes | None:
    buffer = io.BytesIO()
    return None if _call("export_workspace", buffer) is None else buffer.getvalue()


def import_bytes(data: bytes) -> int | None:
    return _call("import_workspace", data)


@dataclass(eq=False)
class StoredView:
    """A stored run as the comparison charts read it (label, dataset_name, history, forecast)."""

    label: str
    dataset_name: str
    history: pd.DataFrame
    forecast: pd.DataFrame


def label(run: StoredRun, number: int | None = None) -> str:
    """`#N name · ...` for this session's run number N, else the id's start in place of `#N`."""
    model, windows = run.config.get("model", {}), run.config.get("windows", {})
    cell = {"gru": "GRU", "rnn": "RNN"}.get(str(model.get("cell", "lstm")), "LSTM")  # stored before cells: an LSTM
    shape = f"{model.get('layers')}×{cell}({model.get('units')})"
    name = run.id[:6] if number is None else f"#{number}"
    words = f"{name} {run.name} · {shape} · {text('runs.window').format(w=windows.get('window'))}"
    difference = windows.get("difference", "none")
    words += "" if difference == "none" else f" · {text(f'runs.differences.{difference}')}"
    return words if run.kind == "run" else f"{words} · {kind_label(run.kind)}"


def view(run: StoredRun, number: int | None = None) -> StoredView | None:
    """History and forecast of a stored run for the charts, or None when they cannot be read."""
    full = _call("get_run", run.id)
    data = _call("artifact", run.id, "forecast.csv")
    if full is None or data is None:
        return None
    history = pd.DataFrame(full.history, columns=["epoch", "loss", "val_loss", "seconds"]).astype(float)
    return StoredView(label(run, number), run.name, history, records.forecast_from_csv(data))
