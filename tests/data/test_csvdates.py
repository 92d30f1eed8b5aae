"""The time axis of a CSV: explicit choices (a column, none), unreadable columns, split time, labels, formats."""

from __future__ import annotations

import pandas as pd
import pytest

from lstm_core.data.csv.read import column_names, read_csv
from lstm_core.data.sources import load
from lstm_core.errors import LabError


def csv(header: str, rows: list[str]) -> bytes:
    return (header + "\n" + "\n".join(rows) + "\n").encode()


def hourly(n: int = 30) -> bytes:
    stamps = pd.date_range("2014-12-31 12:00", periods=n, freq="h")
    return csv(
        "No,Year,Month,Day,Hour,value",
        [f"{k + 1},{t.year},{t.month},{t.day},{t.hour},{k % 7}" for k, t in enumerate(stamps)],
    )


SHAMPOO = csv('"Month","Sales"', [f'"{1 + k // 12}-{k % 12 + 1:02d}",{100 + k}.5' for k in range(36)])


@pytest.mark.parametrize("none", ["none", "None", " NONE "])
def test_date_column_none_gives_rows_in_file_order(none: str) -> None:
    """date_column="none" (any case) keeps every row in file order on a step index, the date column left out."""
    text = csv(
        "date,value", ["2020-01-03,1", "2020-01-01,2", "2020-01-02,3"] + [f"2020-02-{d:02d},{d}" for d in range(1, 10)]
    )
    dataset = read_csv(text, date_column=none)
    assert not dataset.has_dates and dataset.frame.index.name == "step"
    assert dataset.frame["value"].tolist()[:3] == [1.0, 2.0, 3.0]  # not sorted by date
    assert "No date column was chosen; rows are steps in file order." in dataset.notes
    assert "Left out 1 text column(s) from the inputs (only numbers can be): date." in dataset.notes


def test_date_column_none_through_load(tmp_path) -> None:
    """load(path, date_column="none") is what the command line's --date-column none calls."""
    path = tmp_path / "hourly.csv"
    path.write_bytes(hourly())
    dataset = load(str(path), date_column="none")
    assert not dataset.has_dates and len(dataset) == 30
    assert list(dataset.frame.columns) == ["Year", "Month", "Day", "Hour", "value"]  # the time parts become numbers


def test_explicit_date_column_that_cannot_be_read_names_value_and_row() -> None:
    """An explicitly chosen date column that is not dates: one sentence with its first failing value and row."""
    with pytest.raises(LabError) as raised:
        read_csv(SHAMPOO, date_column="Month")
    assert str(raised.value) == (
        "Column 'Month' cannot be read as dates: its value '1-01' in row 2 is not a date; "
        "choose another date column, or none (rows in file order)."
    )


def test_row_number_counts_blank_lines_like_a_spreadsheet() -> None:
    """The row named in the sentence is the spreadsheet's row: header 1, blank lines counted."""
    text = b"when,value\n\nsoon,1\n" + b"".join(b"later,%d\n" % k for k in range(12))
    with pytest.raises(LabError, match=r"its value 'soon' in row 3 is not a date"):
        read_csv(text, date_column="when")


def test_partly_unreadable_explicit_column_drops_rows_and_says_which() -> None:
    """An explicit date column mostly readable drops the unreadable rows, naming the first one and its row."""
    rows = [f"2020-01-{d:02d},{d}" for d in range(1, 21)]
    rows[4] = "soon,5"
    dataset = read_csv(csv("date,value", rows), date_column="date")
    assert len(dataset) == 19
    assert "Dropped 1 row(s) whose time in date could not be read (the first: 'soon' in row 6)." in dataset.notes


def test_split_time_is_found_automatically_and_by_any_of_its_columns() -> None:
    """Year, Month, Day, Hour make one hourly index whether found or chosen by one of them; No is left out."""
    found = read_csv(hourly())
    chosen = read_csv(hourly(), date_column="month")
    for dataset in (found, chosen):
        assert dataset.freq == "h" and len(dataset) == 30
        assert dataset.frame.index[12] == pd.Timestamp("2015-01-01 00:00")
        assert list(dataset.frame.columns) == ["value"]


def test_time_columns_are_never_target_or_feature() -> None:
    """Asking for a time column as the target or a feature says it is part of the time."""
    with pytest.raises(LabError, match=r"Column 'Hour' is part of the time \(Year, Month, Day, Hour\)"):
        read_csv(hourly(), column="Hour")
    with pytest.raises(LabError, match=r"Feature column 'Day' is part of the time"):
        read_csv(hourly(), features=("Day",))


def test_row_counter_can_still_be_asked_for() -> None:
    """A row counter is left out by default but can be chosen explicitly as a feature."""
    dataset = read_csv(hourly(), features=("No",))
    assert dataset.features == ("No",) and "No" in dataset.frame.columns


def test_day_of_year_with_year() -> None:
    """Year and a day-of-year column (no month) make a daily index."""
    dataset = read_csv(
        csv("yr,day,v", [f"2021,{d},{d % 5}" for d in range(360, 366)] + [f"2022,{d},{d % 5}" for d in range(1, 9)])
    )
    assert dataset.freq == "D" and dataset.frame.index[0] == pd.Timestamp("2021-12-26")
    assert len(dataset) == 14


def test_minute_column_needs_an_hour() -> None:
    """A `min` column is a minute only next to an hour: beside year and month it stays a measurement."""
    dataset = read_csv(
        csv("year,month,min,max", [f"{2000 + k // 12},{k % 12 + 1},{k % 9},{k % 9 + 5}" for k in range(24)])
    )
    assert dataset.freq == "MS" and list(dataset.frame.columns) == ["min", "max"]


@pytest.mark.parametrize(
    ("cells", "first", "freq"),
    [
        ([f"{1990 + k // 4}Q{k % 4 + 1}" for k in range(12)], "1990-01-01", "QS-JAN"),
        ([f"{1990 + k // 4}-q{k % 4 + 1}" for k in range(12)], "1990-01-01", "QS-JAN"),
        ([f"Q{k % 4 + 1} {1990 + k // 4}" for k in range(12)], "1990-01-01", "QS-JAN"),
        ([f"2021W{k + 1:02d}" for k in range(12)], "2021-01-04", "W-MON"),
        ([f"2021-W{k + 1:02d}-3" for k in range(12)], "2021-01-06", "W-WED"),
    ],
)
def test_quarter_and_week_spellings(cells: list[str], first: str, freq: str) -> None:
    """Quarters and ISO weeks in their common spellings become the quarter's first day or the week's day."""
    dataset = read_csv(csv("period,value", [f"{c},{k}" for k, c in enumerate(cells)]))
    assert dataset.frame.index[0] == pd.Timestamp(first) and dataset.freq == freq


def test_times_without_a_year_are_not_given_the_current_one() -> None:
    """Labels like "12:00" or "3-12" are never read as dates of this year: they stay labels in file order."""
    for cells in ([f"{h:02d}:00" for h in range(12)], [f"{m}-{d:02d}" for m in (1, 2) for d in range(1, 7)]):
        dataset = read_csv(csv("time,value", [f"{c},{k}" for k, c in enumerate(cells)]))
        assert not dataset.has_dates and dataset.labels == tuple(cells)


def test_label_column_that_is_not_distinct_is_text() -> None:
    """A first column that repeats (a category, not a time) is left out as text, and rows are steps."""
    dataset = read_csv(csv("city,value", [f"{'A1' if k % 2 else 'B2'},{k}" for k in range(12)]))
    assert not dataset.labels
    assert "No date column was found; rows are steps in file order." in dataset.notes


@pytest.mark.parametrize("word", ["NA", "N/A", "null", "-", "?", "#N/A"])
def test_missing_value_words(word: str) -> None:
    """Each common spelling of "no value" counts as missing and is filled, never a text column."""
    rows = [f"2020-01-{d:02d},{d}" for d in range(1, 15)]
    rows[5] = f"2020-01-06,{word}"
    dataset = read_csv(csv("date,value", rows))
    assert dataset.frame["value"].iloc[5] == 6.0
    assert "Filled 1 missing value(s) by time-based interpolation (1 in 'value')." in dataset.notes


def test_column_names_match_the_loader_for_awkward_encodings() -> None:
    """column_names decodes UTF-16, honours sep= and reads Latin-1 headers as the loader does."""
    text = "Datum;Größe °C\n" + "".join(f"2020-01-{d:02d};{d}\n" for d in range(1, 15))
    for raw in (text.encode("utf-16"), text.encode("latin-1"), b"sep=;\n" + text.encode()):
        assert column_names(raw) == ["Datum", "Größe °C"]
        assert read_csv(raw).target == "Größe °C"
    assert column_names(b"\x00\x01\x02binary" * 100) == []


def test_date_and_time_of_day_columns_make_one_timestamp() -> None:
    """A `Date` column and a `Time` column ("17:24:00") make minutes, found or with Date chosen explicitly."""
    text = csv("Date;Time;power", [f"16/12/2006;17:{m:02d}:00;{m}.5" for m in range(12)])
    for date_column in (None, "Date"):
        dataset = read_csv(text, date_column=date_column)
        assert dataset.freq == "min" and dataset.frame.index[0] == pd.Timestamp("2006-12-16 17:00")
        assert list(dataset.frame.columns) == ["power"]


def test_dot_numbers_with_three_decimals_in_a_semicolon_file() -> None:
    """In a `;` file whose numbers have no comma at all, "4.216" is four and a bit, not 4216."""
    dataset = read_csv(csv("date;value", [f"2020-01-{d:02d};4.{200 + d}" for d in range(1, 13)]))
    assert dataset.frame["value"].iloc[0] == 4.201
    assert not any("decimal comma" in note for note in dataset.notes)


def test_time_counted_in_steps_is_the_step_index() -> None:
    """A `time` column 0, 1, 2, ... is the step index, left out of the inputs; a `time` of measurements is kept."""
    steps = read_csv(csv("time,value", [f"{k},{k % 4}.5" for k in range(12)]))
    assert list(steps.frame.columns) == ["value"] and not steps.has_dates
    assert "Left out the row counter time: a row number is not a measurement." in steps.notes
    measured = read_csv(csv("t,value", [f"{(k * 7) % 5},{k % 4}.5" for k in range(12)]))
    assert list(measured.frame.columns) == ["t", "value"]


def test_iso_month_start_dates_stay_monthly(tmp_path):
    """ISO dates on the first of each month are read year-month-day (monthly), never day-first as daily dates."""
    import numpy as np
    import pandas as pd

    from lstm_core.data.sources import load

    index = pd.date_range("2000-01-01", periods=40, freq="MS")
    path = tmp_path / "monthly.csv"
    pd.DataFrame({"date": index.strftime("%Y-%m-%d"), "value": np.arange(40.0)}).to_csv(path, index=False)
    dataset = load(str(path))
    assert dataset.freq == "MS"
    assert list(dataset.frame.index) == list(index)
