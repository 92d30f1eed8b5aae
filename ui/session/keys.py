"""Every session-state key the app makes, with its meaning: the one place a key is made.

`init()` (called by app.py at the top of every run) sets each key of `KEYS` that is missing, in order, to
its default (a default may read the keys above it, or the URL on a session's first run). Code elsewhere reads
and assigns these keys but never makes one; a key it needs goes into this table first.

Not in the table: widget keys, which their widgets make (`data_*`, `train_*`, `backtest_<setting>`, `sweep_*`
form fields, `gates_*`, `inside_*` inputs, `compare_*` buttons, `runs_*` filters, `store_keep_data`,
`share_with_workspace`, `benchmark_*` form fields, and `lang`, the language switch, which `ui.text.i18n` fills from
the URL before drawing it).

Nothing here is shared between visitors: no `st.cache_resource`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st

from lstm_core.config.backtest import BacktestConfig
from lstm_core.config.settings import ExperimentConfig
from lstm_core.data.sources import DEFAULT_SAMPLE
from ui.session import loaders, workspace

__all__ = ["KEYS", "SessionKey", "init"]


@dataclass(frozen=True)
class SessionKey:
    """One session-state key: its name, what it holds, and how its first value is made."""

    name: str
    default: Callable[[Mapping[str, Any]], Any]  # called with the session state, the keys above already set
    meaning: str  # None, where a key can hold None, means "none yet"


def _value(value: Any) -> Callable[[Mapping[str, Any]], Any]:
    return lambda _state: value


def _new(factory: Callable[[], Any]) -> Callable[[Mapping[str, Any]], Any]:
    return lambda _state: factory()  # a new list, dict or config per visitor, never one shared object


NONE, TRUE, FALSE, ZERO = _value(None), _value(True), _value(False), _value(0)


def _default_sample(_state: Mapping[str, Any]) -> Any:
    return loaders.load_sample(DEFAULT_SAMPLE)


def _sample_config(state: Mapping[str, Any]) -> Any:
    return loaders.sample_config(state["dataset"])


def _experiment_config(state: Mapping[str, Any]) -> Any:
    return ExperimentConfig(data=state["data_config"])


def _workspace(_state: Mapping[str, Any]) -> str:
    return workspace.from_url()  # the link's, when valid; `ui.session.share` says so when it was not


KEYS: tuple[SessionKey, ...] = (
    # --- the data (Data page) ---------------------------------------------------------------------------------------
    SessionKey("dataset", _default_sample, "the loaded `Dataset` (the default sample: no network)"),
    SessionKey("data_config", _sample_config, "the `DataConfig` naming the loaded data's source"),
    SessionKey("upload_preview", NONE, "the `UploadPreview` of the last uploaded file"),
    SessionKey("data_message", NONE, "an error from a Data page callback, shown once on that page"),
    SessionKey("collection", NONE, "the loaded `Collection` of many series (Data page; the Benchmark page's)"),
    SessionKey("collection_config", NONE, "the `DataConfig` `collection` was loaded with (a Yahoo period, ...)"),
    # --- training (Train page; ui.jobs.trainings) -------------------------------------------------------------------
    SessionKey("config", _experiment_config, "the `ExperimentConfig` of the last submitted Train form"),
    SessionKey("job", NONE, "the current or last `TrainingJob`"),
    SessionKey("job_collected", TRUE, "whether `job`'s end has been kept (as a run, or as `train_error`)"),
    SessionKey("train_error", NONE, "the sentence of the last failed training, shown on the Train page"),
    SessionKey("applied_suggestion", NONE, "the settings a Forecast diagnostic's button just put into the Train form"),
    SessionKey("runs", _new(list), "every finished training as a `RunRecord`, oldest first (at most MAX_RUNS)"),
    SessionKey("run_counter", ZERO, "the last run's number"),
    SessionKey("live_figure", NONE, "the live loss chart, a `LiveFigure`, while a training runs"),
    SessionKey("live_gate_figure", NONE, "the live gate chart beside it, a `LiveFigure`, while a training runs"),
    # --- the workspace, the run store and share links (ui.session.workspace, runstore, share) ------------------------
    SessionKey("workspace", _workspace, "this visitor's workspace token, kept in the URL as `ws`"),
    SessionKey("share_opened", FALSE, "whether the session's first URL has been read for a share link"),
    SessionKey("share_message", NONE, "a `ShareMessage` about the opened link, shown once"),
    SessionKey("store_error", NONE, "the last run-store failure's sentence (None: the last call worked)"),
    SessionKey("runs_export", NONE, "a prepared export of the workspace (zip bytes), on the Runs page"),
    SessionKey("runs_message", NONE, "the Runs page's one-off message"),
    # --- the Gates and Inside pages' caches -------------------------------------------------------------------------
    SessionKey("gates_figures", NONE, "the Gates page's figures of one run, window and layer"),
    SessionKey("inside_states", _new(dict), "hidden states by (run number, reading), for the Inside page"),
    SessionKey("inside_brushed", NONE, "the last range brushed on the Inside chart, as (first, last)"),
    # --- backtests (Backtest page; ui.jobs.backtests) ---------------------------------------------------------------
    SessionKey("backtest_config", _new(BacktestConfig), "the last submitted `BacktestConfig`"),
    SessionKey("backtest_job", NONE, "the current or last `BacktestJob`"),
    SessionKey("backtest_collected", TRUE, "whether `backtest_job`'s end has been kept (as a record or an error)"),
    SessionKey("backtests", _new(list), "every finished backtest as a `BacktestRecord`, oldest first"),
    SessionKey("backtest_counter", ZERO, "the last backtest's number"),
    SessionKey("backtest_error", NONE, "the sentence of the last failed backtest"),
    # --- sweeps (Sweep page; ui.jobs.sweeps) ------------------------------------------------------------------------
    SessionKey("sweep_job", NONE, "the current or last `SweepJob` of this visitor"),
    SessionKey("sweep_collected", TRUE, "whether `sweep_job`'s end has been seen by a full run of the app"),
    SessionKey("sweep_view", NONE, "the `StudyView` the Sweep page shows"),
    SessionKey("sweep_rename", FALSE, "whether the study-name field gets a fresh name before it is next drawn"),
    SessionKey("sweep_default_space", NONE, "the default `SweepSpace` the Sweep form's ranges were filled from"),
    # --- compare cells (Compare page; ui.jobs.compares) -------------------------------------------------------------
    SessionKey("compare_job", NONE, "the current or last `CompareJob` (LSTM, GRU and plain RNN, one after another)"),
    SessionKey("compare_collected", TRUE, "whether `compare_job`'s end has been kept (as `comparison` or an error)"),
    SessionKey("comparison", NONE, "the last finished comparison, a `ComparisonRecord`"),
    SessionKey("compare_error", NONE, "the sentence of the last failed comparison, shown on the Compare page"),
    # --- benchmarks (Benchmark page; ui.jobs.benchmarks) ------------------------------------------------------------
    SessionKey("benchmark_job", NONE, "the current or last `BenchmarkJob`"),
    SessionKey("benchmark_collected", TRUE, "whether `benchmark_job`'s end has been kept (as a record or an error)"),
    SessionKey("benchmark_result", NONE, "the last finished benchmark, a `BenchmarkRecord`"),
    SessionKey("benchmark_error", NONE, "the sentence of the last failed or stopped benchmark"),
    SessionKey("benchmark_message", NONE, "the Benchmark page's one-off message (settings filled from the Runs page)"),
)


def init() -> None:
    """Set every key of `KEYS` that is missing (all of them on a session's first run)."""
    state = st.session_state
    for key in KEYS:
        if key.name not in state:
            state[key.name] = key.default(state)
