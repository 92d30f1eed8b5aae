"""The Data page's actions: read an upload, fetch a ticker, and describe what cleaning was done.

Each action returns a new `Dataset` or raises `LabError`; the page shows the sentence and
the previously loaded data stays, because nothing is replaced until an action succeeds.
"""

from __future__ import annotations

import csv
import io

from lstm_core.config import DataConfig
from lstm_core.data import fetch_yahoo, read_csv
from lstm_core.dataset import Dataset

__all__ = [
    "AUTO_DATE",
    "MAX_UPLOAD_BYTES",
    "fetch_ticker",
    "header_names",
    "note_is_warning",
    "read_upload",
]

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # same as server.maxUploadSize in .streamlit/config.toml
AUTO_DATE = "(find it automatically)"
_WARNING_WORDS = ("dropped", "removed", "missing", "interpolat", "duplicate", "skipped", "ignored", "cached", "cap")


def header_names(raw: bytes) -> list[str]:
    """The header row's names, best effort (for the date-column choice); [] if it cannot be told."""
    text = raw[:8192].decode("utf-8-sig", errors="replace")
    first = text.splitlines()[0] if text.strip() else ""
    if not first:
        return []
    try:
        dialect = csv.Sniffer().sniff(first, delimiters=",;\t|")
        row = next(csv.reader(io.StringIO(first), dialect))
    except (csv.Error, StopIteration):
        row = first.split(",")
    return [name.strip() for name in row if name.strip()]


def read_upload(
    raw: bytes,
    file_name: str,
    *,
    column: str | None = None,
    date_column: str | None = None,
    features: tuple[str, ...] = (),
) -> tuple[Dataset, DataConfig]:
    """An uploaded CSV as a Dataset (raises LabError, including for a file over the size limit)."""
    date_column = None if date_column in (None, AUTO_DATE) else date_column
    dataset = read_csv(
        raw, column=column, date_column=date_column, features=features, name=file_name, max_bytes=MAX_UPLOAD_BYTES
    )
    config = DataConfig(
        source=f"upload:{file_name}", column=dataset.target, date_column=date_column, features=dataset.features
    )
    return dataset, config


def fetch_ticker(ticker: str, period: str, interval: str) -> tuple[Dataset, DataConfig]:
    """Prices from Yahoo Finance (or its on-disk cache); raises LabError saying what went wrong."""
    dataset = fetch_yahoo(ticker, period=period, interval=interval)
    config = DataConfig(
        source=f"yahoo:{ticker.strip().upper()}", column=dataset.target, period=period, interval=interval
    )
    return dataset, config


def note_is_warning(note: str) -> bool:
    """Whether a cleaning note changed the data in a way the user should check (else it is information)."""
    lowered = note.lower()
    return any(word in lowered for word in _WARNING_WORDS)
