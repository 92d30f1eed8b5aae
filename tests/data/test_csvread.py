"""read_csv on each real-world CSV quirk, checked value by value, and each user-fixable error."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lstm_core.data.csv.read import MIN_ROWS, infer_frequency, read_csv
from lstm_core.errors import LabError

CORPUS = Path(__file__).parents[1] / "fixtures" / "hostile"
SAMPLES = Path(__file__).parents[2] / "lstm_core" / "data" / "samples"


def csv_bytes(text: str) -> bytes:
    return text.encode("utf-8")


def daily(n: int = 20, *, sep: str = ",", header: str = "date,value") -> str:
    dates = pd.date_range("2021-01-01", periods=n, freq="D")
    return header + "\n" + "".join(f"{d.date()}{sep}{i}\n" for i, d in enumerate(dates))


def test_airline_sample_reads_monthly_dates_without_day() -> None:
    """`1949-01` style dates become month starts with frequency MS and no notes."""
    dataset = read_csv(SAMPLES / "airline-passengers.csv")
    assert (len(dataset), dataset.target, dataset.freq) == (144, "Passengers", "MS")
    assert dataset.frame.index[0] == pd.Timestamp("1949-01-01")
    assert dataset.frame["Passengers"].iloc[:3].tolist() == [112.0, 118.0, 132.0]
    assert dataset.notes == ()


def test_yahoo_export_targets_close_on_business_days() -> None:
    """A Yahoo Finance export forecasts Close, keeps the other price columns and reports holidays as gaps."""
    dataset = read_csv(SAMPLES / "AAPL.csv")
    assert dataset.target == "Close" and dataset.freq == "B"
    assert list(dataset.frame.columns) == ["Open", "High", "Low", "Close", "Adj Close", "Volume"]
    assert any("business day(s)" in note for note in dataset.notes)


def test_decimal_comma_and_dot_thousands_with_semicolons() -> None:
    """`;`-separated files read `1,5` as 1.5 and `1.234,5` as 1234.5, with day-first dates."""
    dataset = read_csv(CORPUS / "semicolon_decimal_comma.csv")
    assert dataset.frame["Wert"].iloc[:3].tolist() == [0.0, 1.1, 2.2]
    assert dataset.frame["Menge"].iloc[1] == 2001.5
    assert dataset.frame.index[12] == pd.Timestamp("2020-01-13")


def test_quoted_thousands_separators() -> None:
    """Quoted `"1,234.5"` style cells are numbers, not text."""
    frame = read_csv(CORPUS / "thousands_separators.csv").frame
    assert frame["Price"].iloc[1] == 1201.01
    assert frame["Volume"].iloc[2] == 1_002_002.0


def test_day_first_dates_are_ordered_correctly() -> None:
    """`13/01/2020` style dates are read day first and come out as consecutive days."""
    frame = read_csv(CORPUS / "day_first_dates.csv").frame
    assert frame.index[0] == pd.Timestamp("2020-01-01") and frame.index[-1] == pd.Timestamp("2020-01-31")
    assert frame["value"].tolist() == [float(i) for i in range(31)]


def test_timezone_aware_timestamps_become_utc() -> None:
    """Offsets that change over a DST switch are converted to UTC, giving a regular hourly index."""
    dataset = read_csv(CORPUS / "tz_aware_timestamps.csv")
    assert dataset.frame.index[0] == pd.Timestamp("2020-03-27 23:00")
    assert dataset.frame.index.tz is None and dataset.freq == "h"


def test_duplicates_keep_the_last_row_and_say_so() -> None:
    """A repeated timestamp keeps the value that came last in the file, and the notes say how many were dropped."""
    dataset = read_csv(CORPUS / "duplicate_unsorted_timestamps.csv")
    assert dataset.frame.loc["2020-01-05", "value"] == 99.0
    assert "Dropped 2 row(s) with a repeated timestamp; the last one was kept." in dataset.notes
    assert "Rows were not in time order; they were sorted by time." in dataset.notes


def test_missing_values_are_interpolated_in_time() -> None:
    """A missing day between two known days gets the time-weighted value between them."""
    text = "date,value\n" + "".join(f"2021-01-{d:02d},{'' if d == 5 else d * 10}\n" for d in range(1, 13))
    dataset = read_csv(csv_bytes(text))
    assert dataset.frame.loc["2021-01-05", "value"] == 50.0
    assert any("Filled 1 missing value(s) by time-based interpolation" in note for note in dataset.notes)


def test_inf_cells_become_missing_then_filled() -> None:
    """`inf`, `-Infinity` and overflowing numbers are missing values, never inf in the frame."""
    dataset = read_csv(CORPUS / "inf_values.csv")
    assert np.isfinite(dataset.frame.to_numpy()).all()
    assert "3 infinite value(s) were treated as missing." in dataset.notes


def test_formula_cells_are_never_numbers() -> None:
    """Cells like `=1+1` or `-2+3+cmd|...` are text: treated as missing in a numeric column."""
    frame = read_csv(CORPUS / "formula_cells.csv").frame
    assert list(frame.columns) == ["value"]
    assert frame["value"].iloc[2] == 2.0  # interpolated between 1.0 and 3.0, not the formula's result


def test_no_date_column_gives_a_step_index() -> None:
    """Without a date column the index is a RangeIndex named step and freq is None."""
    dataset = read_csv(CORPUS / "no_date_column.csv")
    assert isinstance(dataset.frame.index, pd.RangeIndex) and dataset.frame.index.name == "step"
    assert dataset.freq is None and not dataset.has_dates


def test_no_header_row_generates_names() -> None:
    """A first row of data is data: the single value column is called `value` and no row is lost."""
    dataset = read_csv(CORPUS / "no_header_row.csv")
    assert dataset.target == "value" and len(dataset) == 30
    assert dataset.frame.index[0] == pd.Timestamp("2020-01-01")


def test_many_columns_are_capped_but_the_chosen_target_is_kept() -> None:
    """Beyond 50 numeric columns only the first 50 are kept, plus the target and features asked for."""
    dataset = read_csv(CORPUS / "thousands_of_columns.csv", column="s2999", features=("s1234",))
    assert dataset.frame.shape[1] == 52
    assert dataset.target == "s2999" and dataset.features == ("s1234",)


def test_encodings_give_the_same_frame() -> None:
    """UTF-8, UTF-8 with BOM, UTF-16 and Latin-1 versions of one table give the same values."""
    frames = [read_csv(CORPUS / name).frame for name in ("utf8_bom.csv", "utf16_bom.csv", "latin1.csv")]
    for frame in frames[1:]:
        np.testing.assert_array_equal(frame.to_numpy(), frames[0].to_numpy())
    assert read_csv(CORPUS / "utf16_bom.csv").target == "Température"


def test_column_and_date_column_overrides() -> None:
    """`column` picks the target (case-insensitively), `date_column` the time axis, `features` extra inputs."""
    text = "when,a,b\n" + "".join(f"2021-02-{d:02d},{d},{d * 2}\n" for d in range(1, 15))
    dataset = read_csv(csv_bytes(text), column="B", date_column="when", features=["a"])
    assert (dataset.target, dataset.features, dataset.freq) == ("b", ("a",), "D")


def test_eight_digit_dates_with_explicit_date_column() -> None:
    """`20210101` style dates are read when named as the date column."""
    text = "day,value\n" + "".join(f"202101{d:02d},{d}\n" for d in range(1, 15))
    dataset = read_csv(csv_bytes(text), date_column="day")
    assert dataset.frame.index[0] == pd.Timestamp("2021-01-01")


def test_file_objects_bytes_and_text() -> None:
    """A binary file object, a text file object and raw bytes all read the same way."""
    text = daily()
    upload = io.BytesIO(csv_bytes(text))
    upload.name = "my-series.csv"
    from_upload = read_csv(upload)
    assert from_upload.name == "my-series"
    assert len(read_csv(io.StringIO(text))) == len(read_csv(csv_bytes(text))) == 20


def test_constant_target_is_allowed_with_a_warning() -> None:
    """A constant series loads, and a note warns that there is nothing to learn."""
    dataset = read_csv(CORPUS / "constant_series.csv")
    assert dataset.frame["value"].nunique() == 1
    assert any("constant" in note for note in dataset.notes)


def test_infer_frequency_from_median_spacing() -> None:
    """Irregular indexes fall back to the median step: trading days are B, monthly ends ME."""
    trading = pd.bdate_range("2021-01-01", periods=40).delete([5, 17])
    assert infer_frequency(trading) == "B"
    month_ends = pd.date_range("2020-01-31", periods=12, freq="ME").delete(4)
    assert infer_frequency(month_ends) == "ME"
    assert infer_frequency(pd.DatetimeIndex(["2020-01-01", "2020-01-02"])) is None


@pytest.mark.parametrize(
    ("text", "options", "message"),
    [
        (daily(), {"column": "nope"}, "Column 'nope' is not in the file"),
        (
            "date,name,value\n" + "".join(f"2021-01-{d:02d},x,{d}\n" for d in range(1, 15)),
            {"column": "name"},
            "holds no numbers",
        ),
        (daily(), {"date_column": "value"}, "cannot be read as dates: its value '0' in row 2 is not a date"),
        (daily(), {"date_column": "missing"}, "Date column 'missing' is not in the file"),
        (daily(), {"features": ("ghost",)}, "Feature column 'ghost' holds no numbers"),
        (daily(MIN_ROWS - 1), {}, f"only {MIN_ROWS - 1} usable row(s)"),
    ],
)
def test_user_errors_are_lab_errors(text: str, options: dict, message: str) -> None:
    """Each wrong choice raises LabError with a sentence naming the problem."""
    with pytest.raises(LabError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_csv(csv_bytes(text), **options)


def test_missing_path_and_wrong_type() -> None:
    """A path that does not exist and an object that is not readable raise LabError."""
    with pytest.raises(LabError, match="No file at"):
        read_csv("/nowhere/at/all.csv")
    with pytest.raises(LabError, match="Cannot read data from a int"):
        read_csv(42)  # type: ignore[arg-type]


def test_max_bytes_on_a_file_object() -> None:
    """An upload larger than max_bytes is refused with the limit in the message."""
    with pytest.raises(LabError, match="over the 100 bytes limit"):
        read_csv(io.BytesIO(csv_bytes(daily())), max_bytes=100)


def test_year_and_unix_time_columns_are_time_axes() -> None:
    """A `Year` column of 4-digit years and a `timestamp` column of Unix seconds become the index."""
    years = read_csv(csv_bytes("Year,Sales\n" + "".join(f"{1990 + i},{i * 3}\n" for i in range(12))))
    assert years.target == "Sales" and years.freq == "YS-JAN" and years.frame.index[0] == pd.Timestamp("1990-01-01")
    unix = read_csv(csv_bytes("timestamp,load\n" + "".join(f"{1_600_000_000 + i * 3600},{i}\n" for i in range(12))))
    assert unix.freq == "h" and unix.frame.index[0] == pd.Timestamp("2020-09-13 12:26:40")


def test_row_counter_column_is_not_the_default_target() -> None:
    """A pandas-style index column (0, 1, 2, ...) is kept but never picked as the target by default."""
    text = ",date,value\n" + "".join(f"{i},2020-01-{i + 1:02d},{(i * 5) % 7}\n" for i in range(15))
    dataset = read_csv(csv_bytes(text))
    assert dataset.target == "value" and "column_1" in dataset.frame.columns
    assert read_csv(csv_bytes(text), column="column_1").target == "column_1"


def test_filling_between_values_near_the_float_limit_stays_finite():
    """A gap between 1e291 and -1.8e308 is filled with the nearest value where interpolation would overflow."""
    cells = ["0.0"] * 8 + ["9.9792015476736e+291", "inf", "-1.7976931348623157e+308"]
    dataset = read_csv(("c0\n" + "\n".join(cells) + "\n").encode())
    values = dataset.frame["c0"].to_numpy()
    assert np.isfinite(values).all()
    assert values[9] == pytest.approx(9.9792015476736e291)
