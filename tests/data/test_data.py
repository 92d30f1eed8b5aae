"""The data facade: bundled samples, `load` dispatching sample:/yahoo:/path, and the re-exports."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yfinance

from lstm_core.data import sources as data
from lstm_core.data import yahoo
from lstm_core.data.csv import read as csvread
from lstm_core.data.sources import DEFAULT_SAMPLE, SAMPLES, Sample, list_samples, load, load_sample
from lstm_core.errors import LabError

EXPECTED = {  # name -> (rows, target, freq)
    "airline-passengers": (144, "Passengers", "MS"),
    "daily-min-temperatures": (3650, "Temp", "D"),
    "monthly-sunspots": (2820, "Sunspots", "MS"),
    "AAPL": (1258, "Close", "B"),
    "sine": (600, "value", "D"),
    "long-memory": (6000, "echo", "D"),
}


def test_catalog_lists_every_sample_with_its_source() -> None:
    """list_samples gives the six samples, default first, each with a one-line description and a source."""
    samples = list_samples()
    assert [s.name for s in samples] == list(EXPECTED)
    assert samples[0].name == DEFAULT_SAMPLE == "airline-passengers"
    for sample in samples:
        assert isinstance(sample, Sample) and "\n" not in sample.description and sample.source
        assert sample.path is None or sample.path.is_file()
    assert tuple(samples) == SAMPLES


@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_sample_loads_clean(name: str) -> None:
    """Each sample loads with its rows, target and frequency, on a clean dated index."""
    dataset = load_sample(name)
    assert (len(dataset), dataset.target, dataset.freq) == EXPECTED[name]
    assert dataset.has_dates and dataset.frame.index.is_monotonic_increasing and dataset.frame.index.is_unique
    assert np.isfinite(dataset.frame.to_numpy()).all() and dataset.frame.dtypes.eq(np.float64).all()
    assert dataset.source == next(s.source for s in SAMPLES if s.name == name)


def test_sine_is_deterministic() -> None:
    """The generated sine sample is the same on every load."""
    pd.testing.assert_frame_equal(load_sample("sine").frame, load_sample("sine").frame)


def test_unknown_sample_lists_the_names() -> None:
    """An unknown sample name raises LabError naming every bundled sample."""
    with pytest.raises(LabError, match=r"No sample called 'nope'; choose one of: airline-passengers, .*sine"):
        load_sample("nope")


def test_load_dispatches_samples_and_columns() -> None:
    """`sample:NAME` loads a sample; `column` and `features` choose other columns."""
    dataset = load("sample:AAPL", column="Volume", features=("Open",))
    assert dataset.target == "Volume" and dataset.features == ("Open",)
    assert len(load("sample:airline-passengers")) == 144


def test_load_reads_a_csv_path(tmp_path: Path) -> None:
    """A path loads through read_csv with the column choices passed on."""
    path = tmp_path / "series.csv"
    path.write_text("t,x,y\n" + "".join(f"2022-03-{d:02d},{d},{-d}\n" for d in range(1, 21)))
    dataset = load(str(path), column="y", date_column="t", features=["x"])
    assert (dataset.target, dataset.features, dataset.name) == ("y", ("x",), "series")


def test_load_missing_file_says_so() -> None:
    """A path that does not exist raises LabError, hinting at sample: when the text is a sample name."""
    with pytest.raises(LabError, match=r"No file at 'nowhere\.csv'"):
        load("nowhere.csv")
    with pytest.raises(LabError, match="did you mean sample:sine"):
        load("sine")


def test_load_dispatches_yahoo(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """`yahoo:TICKER` goes to fetch_yahoo with the period and interval given."""
    seen = {}

    class Fake:
        def __init__(self, symbol: str) -> None:
            seen["symbol"] = symbol

        def history(self, *, period: str, interval: str, timeout: float) -> pd.DataFrame:
            seen.update(period=period, interval=interval)
            index = pd.date_range("2020-01-01", periods=15, freq="MS", tz="UTC")
            return pd.DataFrame({"Close": np.arange(15.0), "Volume": 1.0}, index=index)

    monkeypatch.setattr(yfinance, "Ticker", Fake)
    monkeypatch.setenv("LSTM_LAB_CACHE", str(tmp_path))
    dataset = load("yahoo:nvda", period="2y", interval="1mo")
    assert seen == {"symbol": "NVDA", "period": "2y", "interval": "1mo"}
    assert dataset.target == "Close" and dataset.freq == "MS"


def test_reexports() -> None:
    """read_csv and fetch_yahoo are reachable from lstm_core.data.sources."""
    assert data.read_csv is csvread.read_csv and data.fetch_yahoo is yahoo.fetch_yahoo


def test_long_memory_echoes_each_trigger_after_its_cue() -> None:
    """A ±1 trigger, its cue 10 to 40 steps later, and one step after the cue `echo` is the trigger's sign (noise of
    sd 0.05), elsewhere noise alone; trigger and cue are input features by default."""
    dataset = load_sample("long-memory")
    assert dataset.input_columns == ["echo", "trigger", "cue"]
    frame = dataset.frame
    echo, trigger, cue = (frame[name].to_numpy() for name in ("echo", "trigger", "cue"))
    triggers, cues = np.flatnonzero(trigger), np.flatnonzero(cue)
    assert set(np.unique(trigger)) == {-1.0, 0.0, 1.0} and len(triggers) == len(cues) > 100
    assert (cues - triggers).min() >= 10 and (cues - triggers).max() <= 40 and (triggers[1:] > cues[:-1]).all()
    expected = np.zeros_like(echo)
    expected[cues + 1] = trigger[triggers]
    assert np.std(echo - expected) < 0.06 and np.abs(echo - expected).max() < 0.3
