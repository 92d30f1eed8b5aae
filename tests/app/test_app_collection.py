"""AppTest: collections on the Data page (a long upload, several Yahoo tickers, a bundled benchmark collection):
small multiples, the table of every series with the ones left out, the pick of one series to train on."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yfinance
from app_helpers import errors, open_app, switch
from streamlit.testing.v1 import AppTest

from lstm_core.data.collections import Collection


def long_csv() -> bytes:
    """Three monthly series of different lengths and two bad ones (constant, too short), in a long file."""
    rows = []
    for key, length in (("north", 30), ("south", 24), ("west", 40)):
        for k, month in enumerate(pd.date_range("2010-01-01", periods=length, freq="MS")):
            rows.append((key, month.date().isoformat(), 100 + k + 10 * np.sin(k / 2)))
    rows += [("flat", f"2010-0{m}-01", 5.0) for m in range(1, 8)] + [("tiny", "2010-01-01", 1.0)]
    return pd.DataFrame(rows, columns=["region", "month", "sales"]).to_csv(index=False).encode()


@pytest.fixture()
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("LSTM_LAB_CACHE", str(tmp_path / "cache"))
    return open_app()


def _figure_panels(app: AppTest) -> int:
    import json

    chart = next(c for c in app.get("plotly_chart") if "data_collection_chart" in str(c.proto.id))
    return len(json.loads(chart.proto.spec)["data"])


def test_a_long_upload_is_a_collection_drawn_as_small_multiples(app: AppTest) -> None:
    """A long CSV is recognised by its id column; loaded, it is one small chart per good series, a table naming the
    bad ones and why, and its first series is the data to train on; picking another makes that one the data."""
    app.file_uploader(key="data_upload").upload("regions.csv", long_csv(), "text/csv").run()
    assert not app.exception
    assert app.selectbox(key="data_upload_id").value == "region"
    app.selectbox(key="data_upload_value").set_value("sales")
    app.selectbox(key="data_upload_when").set_value("month")
    app.button(key="data_upload_many").click().run()
    assert not app.exception and not errors(app), errors(app)
    collection = app.session_state["collection"]
    assert isinstance(collection, Collection) and [s.name for s in collection] == ["north", "south", "west"]
    assert _figure_panels(app) == 3
    table = app.dataframe[0].value
    assert table["series"].tolist() == ["north", "south", "west", "flat", "tiny"]
    assert table["length"].tolist()[:3] == [30, 24, 40] and table["season"].tolist()[:3] == [12, 12, 12]
    assert table["left out?"].tolist() == ["no", "no", "no", "yes", "yes"]
    assert table["why"].tolist()[3:] == ["constant", "too short (1 values)"]
    left_out = [w.value.replace("\\", "") for w in app.warning]  # as typed: plain() escapes punctuation
    assert any("2 series left out: flat (constant); tiny (too short" in text for text in left_out), left_out
    assert app.session_state["dataset"].name == "north" and len(app.session_state["dataset"]) == 30

    app.selectbox(key="data_collection_pick_regions.csv").set_value("west").run()
    assert not app.exception
    dataset = app.session_state["dataset"]
    assert (dataset.name, len(dataset), dataset.freq) == ("west", 40, "MS")
    assert app.session_state["data_config"].column == "west"
    assert app.metric[0].value == "40 points"
    train = switch(app, "train")
    assert "Data: **west**, 40 points" in train.caption[0].value
    assert train.session_state["collection"] is collection  # kept for the Benchmark page


def test_several_yahoo_tickers_load_a_collection(app: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    """ "AAPL, MSFT, GOOG" (Yahoo mocked) loads three series, each on its own index; picking one makes it the data
    as `yahoo:TICKER`; one ticker afterwards is one series again and forgets the collection."""
    lengths = {"AAPL": 60, "MSFT": 45, "GOOG": 50}

    class Fake:
        def __init__(self, ticker: str) -> None:
            self.ticker = ticker

        def history(self, **kwargs: object) -> pd.DataFrame:
            n = lengths.get(self.ticker, 60)
            index = pd.bdate_range("2024-01-01", periods=n, tz="America/New_York", name="Date")
            close = 100 + np.cumsum(np.linspace(-1, 1, n)) + len(self.ticker)
            return pd.DataFrame({"Close": close, "Volume": 1e6}, index=index)

    monkeypatch.setattr(yfinance, "Ticker", Fake)
    app.text_input(key="data_yahoo_ticker").set_value("AAPL, MSFT, GOOG")
    app.button(key="data_yahoo_submit").click().run()
    assert not app.exception and not errors(app), errors(app)
    collection = app.session_state["collection"]
    assert [(s.name, len(s)) for s in collection] == [("AAPL", 60), ("MSFT", 45), ("GOOG", 50)]
    assert _figure_panels(app) == 3
    app.selectbox(key="data_collection_pick_AAPL, MSFT, GOOG").set_value("MSFT").run()
    assert (app.session_state["dataset"].name, app.session_state["dataset"].target) == ("MSFT", "Close")
    assert app.session_state["data_config"].source == "yahoo:MSFT"
    app.text_input(key="data_yahoo_ticker").set_value("GOOG")
    app.button(key="data_yahoo_submit").click().run()
    assert app.session_state["collection"] is None and app.session_state["dataset"].name == "GOOG"
    assert not app.dataframe  # no collection table


def test_a_bundled_collection_loads_and_its_series_reload_by_name(app: AppTest) -> None:
    """collection:tourism-quarterly: at most 24 small charts for its 427 series, a row per series, and a picked
    series' DataConfig loads the same values again."""
    from lstm_core.data.sources import load_config

    app.selectbox(key="data_collection_name").set_value("tourism-quarterly")
    app.button(key="data_collection_load").click().run()
    assert not app.exception and not errors(app), errors(app)
    collection = app.session_state["collection"]
    assert _figure_panels(app) == 24 and len(app.dataframe[0].value) == len(collection)
    assert any("The first 24 of" in c.value for c in app.caption)
    dataset, config = app.session_state["dataset"], app.session_state["data_config"]
    assert config.source == "collection:tourism-quarterly" and config.column == collection.series[0].name
    assert np.array_equal(load_config(config).series.to_numpy(), dataset.series.to_numpy())
