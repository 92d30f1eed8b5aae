"""The Data page's actions: load a sample, read an upload, fetch a ticker, and describe what cleaning was done.

Each action returns a new `Dataset` or raises `LabError`; the page shows the sentence and
the previously loaded data stays, because nothing is replaced until an action succeeds.
Bundled samples are read through `st.cache_data`, which hands each caller its own copy.
"""

from __future__ import annotations

import streamlit as st

from lstm_core.config.settings import DataConfig
from lstm_core.config.source import DataSource
from lstm_core.data import sources
from lstm_core.data.csv.read import NO_DATE_COLUMN, column_names
from lstm_core.data.dataset import Dataset
from lstm_core.data.sources import fetch_yahoo, read_csv

__all__ = [
    "AUTO_DATE",
    "MAX_UPLOAD_BYTES",
    "NO_DATE",
    "date_choices",
    "fetch_ticker",
    "load_sample",
    "load_sample_config",
    "note_is_warning",
    "read_upload",
    "sample_config",
]

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # same as server.maxUploadSize in .streamlit/config.toml
AUTO_DATE = "(find it automatically)"
NO_DATE = "(no date column: rows in file order)"
_WARNING_WORDS = ("dropped", "removed", "missing", "interpolat", "duplicate", "skipped", "ignored", "cached", "cap")


@st.cache_data(show_spinner=False, max_entries=16)
def _cached_sample(name: str) -> Dataset:
    return sources.load_sample(name)


def load_sample(name: str) -> Dataset:
    """A bundled sample (cached per process; every call gets its own copy)."""
    return _cached_sample(name)


def sample_config(sample: Dataset) -> DataConfig:
    """The DataConfig naming a bundled sample."""
    return DataConfig(source=str(DataSource.sample(sample.name)), column=sample.target)


def load_sample_config(name: str) -> tuple[Dataset, DataConfig]:
    """A bundled sample and the DataConfig naming it, ready for `state.set_dataset`."""
    dataset = load_sample(name)
    return dataset, sample_config(dataset)


def date_choices(raw: bytes) -> list[str]:
    """The date-column choices for an upload: automatic, none, then the file's columns as the loader names them."""
    return [AUTO_DATE, NO_DATE, *column_names(raw)]


def read_upload(
    raw: bytes,
    file_name: str,
    *,
    column: str | None = None,
    date_column: str | None = None,
    features: tuple[str, ...] = (),
) -> tuple[Dataset, DataConfig]:
    """An uploaded CSV as a Dataset (raises LabError, including for a file over the size limit).

    `date_column` is a column name, `AUTO_DATE` (or None) to find it, or `NO_DATE` for rows in file order.
    """
    date_column = {None: None, AUTO_DATE: None, NO_DATE: NO_DATE_COLUMN}.get(date_column, date_column)
    dataset = read_csv(
        raw, column=column, date_column=date_column, features=features, name=file_name, max_bytes=MAX_UPLOAD_BYTES
    )
    config = DataConfig(
        source=str(DataSource.upload(file_name)),
        column=dataset.target,
        date_column=date_column,
        features=dataset.features,
    )
    return dataset, config


def fetch_ticker(ticker: str, period: str, interval: str) -> tuple[Dataset, DataConfig]:
    """Prices from Yahoo Finance (or its on-disk cache); raises LabError saying what went wrong."""
    dataset = fetch_yahoo(ticker, period=period, interval=interval)
    config = DataConfig(
        source=str(DataSource.yahoo(ticker.strip().upper())), column=dataset.target, period=period, interval=interval
    )
    return dataset, config


def note_is_warning(note: str) -> bool:
    """Whether a cleaning note changed the data in a way the user should check (else it is information)."""
    lowered = note.lower()
    return any(word in lowered for word in _WARNING_WORDS)
