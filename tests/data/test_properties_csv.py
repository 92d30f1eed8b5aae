"""Property tests: whatever text, bytes or frame is thrown at read_csv, it loads clean or raises LabError."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lstm_core.data.csv.read import read_csv
from lstm_core.errors import LabError

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CSV_CHARS = st.sampled_from([*list("0123456789,,,;\n\n\t\"'.-+=@eE: /aZxé"), "2020-01-0", "NA", "inf", "\r\n"])


def assert_clean_or_lab_error(source: object, **options: object) -> pd.DataFrame | None:
    """Read `source`; a result must meet the Dataset contract, any failure must be a LabError."""
    try:
        dataset = read_csv(source, **options)
    except LabError:
        return None
    frame = dataset.frame
    assert len(frame) >= 10
    assert frame.dtypes.eq(np.float64).all()
    assert np.isfinite(frame.to_numpy()).all()
    assert frame.index.is_monotonic_increasing and frame.index.is_unique
    assert dataset.target in frame.columns
    if isinstance(frame.index, pd.DatetimeIndex):
        assert frame.index.tz is None
    else:
        assert frame.index.name == "step"
    return frame


@SETTINGS
@given(st.lists(CSV_CHARS, max_size=400).map("".join))
def test_random_csv_text_never_crashes(text: str) -> None:
    """Random CSV-ish text either loads into a clean frame or raises LabError."""
    assert_clean_or_lab_error(text.encode("utf-8"))


@SETTINGS
@given(st.binary(max_size=300))
def test_random_bytes_never_crash(raw: bytes) -> None:
    """Random bytes either load into a clean frame or raise LabError."""
    assert_clean_or_lab_error(raw)


cell = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.sampled_from(["", "NA", "x", "=1+1", "1,234.5", "-"]),
)


@SETTINGS
@given(
    st.integers(min_value=0, max_value=30).flatmap(
        lambda n: st.tuples(
            st.lists(st.lists(cell, min_size=n, max_size=n), min_size=1, max_size=4),
            st.lists(
                st.dates(min_value=pd.Timestamp("1900-01-01").date(), max_value=pd.Timestamp("2100-01-01").date()),
                min_size=n,
                max_size=n,
            ),
        )
    ),
    st.sampled_from([",", ";", "\t"]),
    st.booleans(),
)
def test_random_frames_written_to_csv_never_crash(columns: tuple, sep: str, with_dates: bool) -> None:
    """Frames of messy cells, with or without (unsorted, repeated) dates, load clean or raise LabError."""
    cells, dates = columns
    frame = pd.DataFrame({f"c{i}": values for i, values in enumerate(cells)})
    if with_dates:
        frame.insert(0, "date", [d.isoformat() for d in dates])
    assert_clean_or_lab_error(frame.to_csv(index=False, sep=sep).encode("utf-8"))


@SETTINGS
@given(
    st.lists(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, width=64), min_size=10, max_size=40),
    st.sampled_from([(",", "."), (";", ","), ("\t", ".")]),
)
def test_clean_series_round_trips(values: list[float], style: tuple[str, str]) -> None:
    """A clean daily series written in any common style comes back with the same values."""
    index = pd.date_range("2021-01-01", periods=len(values), freq="D")
    sep, decimal = style
    text = pd.DataFrame({"date": index.strftime("%Y-%m-%d"), "value": values}).to_csv(
        index=False, sep=sep, decimal=decimal
    )
    frame = assert_clean_or_lab_error(text.encode("utf-8"))
    assert frame is not None
    np.testing.assert_allclose(frame["value"].to_numpy(), np.array(values), rtol=1e-12, atol=0)
    assert (frame.index == index).all()
