"""The hostile CSV corpus: every file either loads into a clean Dataset or raises LabError, never anything else."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lstm_core.data.csv.read import read_csv
from lstm_core.errors import LabError

HERE = Path(__file__).parents[1] / "fixtures"
CORPUS = HERE / "hostile"

# file -> ("loads", rows, a substring of one note or None) | ("error", a substring of the message)
EXPECTED: dict[str, tuple] = {
    "empty.csv": ("error", "The file is empty"),
    "whitespace_only.csv": ("error", "The file is empty"),
    "header_only.csv": ("error", "header row but no data rows"),
    "binary_bytes.csv": ("error", "binary file"),
    "xlsx_renamed.csv": ("error", "Excel/zip file"),
    "zip_renamed.csv": ("error", "Excel/zip file"),
    "gzip_renamed.csv": ("error", "compressed"),
    "html_error_page.csv": ("error", "web page (HTML)"),
    "no_numeric_column.csv": ("error", "No column holds numbers"),
    "formula_only_column.csv": ("error", "No column holds numbers"),
    "target_all_missing.csv": ("error", "has no values"),
    "too_short.csv": ("error", "only 5 usable row(s)"),
    "one_row.csv": ("error", "only 1 usable row(s)"),
    "ragged_most_rows.csv": ("error", "more fields than the header"),
    "constant_series.csv": ("loads", 30, "is constant"),
    "inf_values.csv": ("loads", 30, "3 infinite value(s)"),
    "ragged_rows.csv": ("loads", 29, "Skipped 1 row(s) with more fields"),
    "semicolon_decimal_comma.csv": ("loads", 30, "decimal comma"),
    "utf16_bom.csv": ("loads", 30, "UTF-16"),
    "latin1.csv": ("loads", 30, "Latin-1"),
    "utf8_bom.csv": ("loads", 30, None),
    "duplicate_unsorted_timestamps.csv": ("loads", 30, "repeated timestamp"),
    "tz_aware_timestamps.csv": ("loads", 47, "converted to UTC"),
    "thousands_separators.csv": ("loads", 30, None),
    "no_header_row.csv": ("loads", 30, "no header row"),
    "no_header_single_column.csv": ("loads", 30, "no header row"),
    "thousands_of_columns.csv": ("loads", 30, "only the first 50"),
    "formula_cells.csv": ("loads", 30, "spreadsheet formulas"),
    "mixed_date_formats.csv": ("loads", 30, None),
    "trailing_empty_lines.csv": ("loads", 30, None),
    "windows_line_endings.csv": ("loads", 30, None),
    "old_mac_line_endings.csv": ("loads", 30, None),
    "negative_and_zero.csv": ("loads", 30, None),
    "yahoo_export.csv": ("loads", 20, "business day(s)"),
    "monthly_no_day.csv": ("loads", 12, None),
    "no_date_column.csv": ("loads", 20, "No date column"),
    "missing_values.csv": ("loads", 30, "Filled 3 missing value(s)"),
    "daily_gaps.csv": ("loads", 30, "3 time step(s)"),
    "excel_sep_hint.csv": ("loads", 30, None),
    "tab_separated.csv": ("loads", 30, None),
    "quoted_newlines.csv": ("loads", 20, "Left out 1 text column(s)"),
    "day_first_dates.csv": ("loads", 31, None),
    "some_bad_dates.csv": ("loads", 28, "could not be read"),
    "short_for_window.csv": ("loads", 15, None),  # training then says it is too short (test_reliability_cli.py)
    "formula_column_names.csv": ("loads", 20, None),
    "split_time_columns.csv": ("loads", 48, "columns year, month, day, hour; they were combined"),
    "split_time_short_names.csv": ("loads", 30, "columns YEAR, Mo, dd, HR, min; they were combined"),
    "split_year_month.csv": ("loads", 24, "columns Year, Month; they were combined"),
    "split_without_year.csv": ("loads", 40, "rows are steps in file order"),
    "yearless_month_labels.csv": ("loads", 36, "rows are steps in file order"),
    "yearless_labels_with_footer.csv": ("loads", 24, "a footer"),
    "quarters_year_first.csv": ("loads", 16, "first day of each quarter"),
    "quarters_q_first.csv": ("loads", 14, "first day of each quarter"),
    "iso_weeks.csv": ("loads", 20, "Monday of each week"),
    "step_counter_column.csv": ("loads", 20, "Left out the row counter step"),
    "id_counter_and_dates.csv": ("loads", 20, "Left out the row counter id"),
    "missing_value_words.csv": ("loads", 24, "Filled 6 missing value(s)"),
    "text_column.csv": ("loads", 20, "Left out 1 text column(s) from the inputs (only numbers can be): direction."),
    "markdown_in_names.csv": ("loads", 20, None),
    "date_and_time_columns.csv": ("loads", 30, "time of day in 'Time' were combined"),
    "date_and_hour_columns.csv": ("loads", 24, "time of day in 'hour' were combined"),
    "year_and_month_names.csv": ("loads", 24, "columns Year, Month; they were combined"),
}

# file -> (index kind, frequency, first index value, first label or None, the frame's columns) for the time-axis cases
TIME_AXES: dict[str, tuple] = {
    "date_and_time_columns.csv": (
        "dates",
        "min",
        pd.Timestamp("2006-12-16 23:50"),
        None,
        ["Global_active_power", "Voltage"],
    ),
    "date_and_hour_columns.csv": ("dates", "2h", pd.Timestamp("2020-01-01"), None, ["value"]),
    "year_and_month_names.csv": ("dates", "MS", pd.Timestamp("1949-01-01"), None, ["Passengers"]),
    "split_time_columns.csv": ("dates", "h", pd.Timestamp("2010-12-31 20:00"), None, ["pm2.5", "DEWP"]),
    "split_time_short_names.csv": ("dates", "10min", pd.Timestamp("2021-03-01 23:30"), None, ["load"]),
    "split_year_month.csv": ("dates", "MS", pd.Timestamp("2019-01-01"), None, ["Sales"]),
    "split_without_year.csv": ("steps", None, 0, "1 1", ["value"]),
    "yearless_month_labels.csv": ("steps", None, 0, "1-01", ["Sales"]),
    "yearless_labels_with_footer.csv": ("steps", None, 0, "1-01", ["Sales of shampoo over a three year period"]),
    "quarters_year_first.csv": ("dates", "QS-JAN", pd.Timestamp("1990-01-01"), None, ["GDP"]),
    "quarters_q_first.csv": ("dates", "QS-JAN", pd.Timestamp("1990-01-01"), None, ["value"]),
    "iso_weeks.csv": ("dates", "W-MON", pd.Timestamp("2019-12-30"), None, ["cases"]),
    "step_counter_column.csv": ("steps", None, 0, None, ["value"]),
    "id_counter_and_dates.csv": ("dates", "D", pd.Timestamp("2020-01-01"), None, ["value"]),
    "missing_value_words.csv": ("dates", "D", pd.Timestamp("2020-01-01"), None, ["value"]),
    "text_column.csv": ("dates", "D", pd.Timestamp("2020-01-01"), None, ["value"]),
    "markdown_in_names.csv": (
        "dates",
        "D",
        pd.Timestamp("2020-01-01"),
        None,
        ["$\\href{http://x}{y}$", "**bold** :red[x] <b>"],
    ),
}


def assert_clean(frame: pd.DataFrame) -> None:
    """Assert the Dataset contract on a frame: float64, finite, sorted unique index of the right kind."""
    assert all(dtype == np.float64 for dtype in frame.dtypes)
    assert np.isfinite(frame.to_numpy()).all()
    if isinstance(frame.index, pd.DatetimeIndex):
        assert frame.index.tz is None
        assert frame.index.is_monotonic_increasing and frame.index.is_unique
    else:
        assert isinstance(frame.index, pd.RangeIndex) and frame.index.name == "step"


def test_corpus_is_complete() -> None:
    """Every file in the corpus has an expectation, every expectation a file, and there are at least 25."""
    on_disk = {p.name for p in CORPUS.iterdir()}
    assert on_disk == set(EXPECTED)
    assert len(on_disk) >= 25


def test_generator_reproduces_the_committed_files() -> None:
    """Running make_hostile.py would write exactly the committed bytes."""
    spec = importlib.util.spec_from_file_location("make_hostile", HERE / "make_hostile.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, body in module.corpus().items():
        assert (CORPUS / name).read_bytes() == body, name


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_file(name: str) -> None:
    """A hostile file loads cleanly with the expected rows and note, or raises LabError with the expected words."""
    expected = EXPECTED[name]
    if expected[0] == "error":
        with pytest.raises(LabError) as raised:
            read_csv(CORPUS / name)
        assert expected[1] in str(raised.value)
        assert type(raised.value) is LabError
        return
    dataset = read_csv(CORPUS / name)
    assert_clean(dataset.frame)
    assert len(dataset) == expected[1]
    if expected[2] is not None:
        assert any(expected[2] in note for note in dataset.notes), dataset.notes


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_bytes_match_path(name: str) -> None:
    """Reading the same file as raw bytes gives the same outcome as reading it by path."""
    raw = (CORPUS / name).read_bytes()
    try:
        by_path = read_csv(CORPUS / name)
    except LabError as error:
        with pytest.raises(LabError) as raised:
            read_csv(raw)
        assert str(raised.value) == str(error)
        return
    by_bytes = read_csv(raw)
    pd.testing.assert_frame_equal(by_path.frame, by_bytes.frame)


@pytest.mark.parametrize("name", sorted(TIME_AXES))
def test_time_axis_of_hostile_file(name: str) -> None:
    """Each time-axis case gets the right index kind, frequency, first time or label, and only measured columns."""
    kind, freq, first, label, columns = TIME_AXES[name]
    dataset = read_csv(CORPUS / name)
    assert ("dates" if dataset.has_dates else "steps", dataset.freq) == (kind, freq)
    assert dataset.frame.index[0] == first
    assert (dataset.labels[0] if dataset.labels else None) == label
    assert not dataset.labels or len(dataset.labels) == len(dataset)
    assert list(dataset.frame.columns) == columns


def test_file_over_upload_limit() -> None:
    """A file bigger than max_bytes is refused with its size and the limit, before it is parsed."""
    path = CORPUS / "thousands_of_columns.csv"
    with pytest.raises(LabError, match=r"The file is .* over the 100\.0 KB limit"):
        read_csv(path, max_bytes=100 * 1024)
    with pytest.raises(LabError, match=r"over the 100\.0 KB limit"):
        read_csv(path.read_bytes(), max_bytes=100 * 1024)
