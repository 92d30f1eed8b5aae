"""AppTest: the Data page (samples, CSV upload, Yahoo), first render without TensorFlow, and page guidance.

No test here trains a model, so none imports TensorFlow (the first one checks that in a fresh process).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yfinance
from app_helpers import APP, ROOT, errors, open_app, switch
from streamlit.testing.v1 import AppTest

CSV = "day,price,volume\n" + "".join(f"2024-01-{d:02d},{100 + d * 1.5},{1000 + d * 10}\n" for d in range(1, 31))


@pytest.fixture()
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("LSTM_LAB_CACHE", str(tmp_path / "cache"))  # no Yahoo answer leaks between tests
    monkeypatch.setenv("LSTM_LAB_YAHOO_TIMEOUT", "3")  # a really unreachable Yahoo costs at most about 5 s
    return open_app()


def test_first_render_imports_no_tensorflow() -> None:
    """The Data page renders the default sample in a fresh process without importing TensorFlow or Keras."""
    script = textwrap.dedent(
        f"""
        import json, sys
        from streamlit.testing.v1 import AppTest
        at = AppTest.from_file({str(APP)!r}, default_timeout=30).run()
        print(json.dumps({{
            "heavy": sorted(m for m in ("tensorflow", "keras", "jax", "torch") if m in sys.modules),
            "exceptions": [e.value for e in at.exception],
            "charts": len(at.get("plotly_chart")),
            "dataset": at.session_state["dataset"].name,
        }}))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"heavy": [], "exceptions": [], "charts": 1, "dataset": "airline-passengers"}


def test_default_sample_is_loaded_and_described(app: AppTest) -> None:
    """On first open the airline sample is loaded: chart, length, frequency and date range are shown."""
    assert not app.exception
    assert [t.value for t in app.title] == ["Data"]
    assert len(app.get("plotly_chart")) == 1
    assert [m.value for m in app.metric] == ["144 points", "monthly (MS)", "1949-01-01 → 1960-12-01"]
    assert app.selectbox(key="data_sample").value == "airline-passengers"


def test_choosing_a_sample_loads_it(app: AppTest) -> None:
    """Choosing another sample replaces the data at once."""
    app.selectbox(key="data_sample").set_value("sine").run()
    assert not app.exception
    assert app.session_state["dataset"].name == "sine"
    assert app.metric[0].value == "600 points"


def test_upload_csv_then_pick_columns(app: AppTest) -> None:
    """An uploaded CSV offers its columns; the chosen target, date and feature columns are used."""
    app.file_uploader(key="data_upload").upload("prices.csv", CSV.encode(), "text/csv")
    app.run()
    assert not app.exception
    assert app.selectbox(key="data_upload_target").options == ["price", "volume"]
    assert "day" in app.selectbox(key="data_upload_date").options
    assert app.session_state["dataset"].name == "airline-passengers"  # nothing replaced before "Use this file"
    app.selectbox(key="data_upload_date").set_value("day")
    app.selectbox(key="data_upload_target").set_value("volume")
    app.multiselect(key="data_upload_features").set_value(["price"])
    app.button(key="data_upload_submit").click().run()
    assert not app.exception and not errors(app)
    dataset = app.session_state["dataset"]
    assert (dataset.name, dataset.target, dataset.features, len(dataset)) == ("prices.csv", "volume", ("price",), 30)
    assert app.session_state["data_config"].source == "upload:prices.csv"
    assert app.metric[0].value == "30 points"


def test_bad_upload_shows_a_sentence_and_keeps_the_data(app: AppTest) -> None:
    """A file that is not a usable table gives one st.error sentence; the airline data stays loaded."""
    app.file_uploader(key="data_upload").upload("notes.csv", b"hello\nworld\n", "text/csv").run()
    assert not app.exception
    assert len(errors(app)) == 1 and errors(app)[0].endswith(".")
    assert app.session_state["dataset"].name == "airline-passengers"


def test_upload_over_the_size_limit_is_refused(app: AppTest) -> None:
    """A file over the 10 MB limit is refused with a sentence naming the limit."""
    big = b"a,b\n" + b"1,2\n" * (2_700_000)  # about 10.8 MB
    app.file_uploader(key="data_upload").upload("big.csv", big, "text/csv").run()
    assert not app.exception
    assert any("limit" in message for message in errors(app)), errors(app)
    assert app.session_state["dataset"].name == "airline-passengers"


class FakeTicker:
    """Stands in for yfinance.Ticker: 60 business days of prices with a timezone, as Yahoo sends them."""

    def __init__(self, ticker: str) -> None:
        self.ticker = ticker

    def history(self, **kwargs: object) -> pd.DataFrame:
        index = pd.bdate_range("2024-01-01", periods=60, tz="America/New_York", name="Date")
        close = 100 + np.cumsum(np.linspace(-1, 1, 60))
        return pd.DataFrame(
            {"Open": close, "High": close + 1, "Low": close - 1, "Close": close, "Volume": 1e6, "Dividends": 0.0},
            index=index,
        )


def test_yahoo_fetch_with_yfinance_mocked(app: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A ticker fetch (network replaced by a fake yfinance.Ticker) loads prices with Close as the target."""
    monkeypatch.setattr(yfinance, "Ticker", FakeTicker)
    app.text_input(key="data_yahoo_ticker").set_value("msft")
    app.selectbox(key="data_yahoo_period").set_value("3mo")
    app.button(key="data_yahoo_submit").click().run()
    assert not app.exception and not errors(app)
    dataset = app.session_state["dataset"]
    assert (dataset.target, len(dataset)) == ("Close", 60)
    assert app.session_state["data_config"].source == "yahoo:MSFT"


def test_yahoo_unreachable_shows_a_sentence_and_keeps_the_data(app: AppTest) -> None:
    """With Yahoo really unreachable, the page says so in one st.error and the loaded data stays."""
    app.button(key="data_yahoo_submit").click().run()
    assert not app.exception
    if not errors(app):
        pytest.skip("Yahoo Finance is reachable from this machine")
    assert "Yahoo" in errors(app)[0]
    assert app.session_state["dataset"].name == "airline-passengers"
    assert len(app.get("plotly_chart")) == 1


@pytest.mark.parametrize("page", ["forecast", "gates", "runs"])
def test_pages_without_a_training_point_to_train(app: AppTest, page: str) -> None:
    """Forecast, Gates and Runs before any training show guidance and a link to the Train page."""
    switch(app, page)
    assert not app.exception
    assert len(app.info) == 1
    assert [link.proto.page for link in app.get("page_link")] == ["train"]
    assert not app.get("plotly_chart")


def test_learn_page_explains_the_six_equations(app: AppTest) -> None:
    """The Learn page shows the six equations and links them to the Gates page."""
    switch(app, "learn")
    assert not app.exception
    assert len(app.latex) >= 6
    linked = [link.proto.page for link in app.get("page_link")]
    assert "gates" in linked and "forecast" in linked


def test_navigation_keeps_the_loaded_data(app: AppTest) -> None:
    """Data chosen on the Data page is still there after visiting other pages."""
    app.selectbox(key="data_sample").set_value("monthly-sunspots").run()
    for page in ("train", "learn", "data"):
        switch(app, page)
        assert not app.exception
    assert app.session_state["dataset"].name == "monthly-sunspots"
    assert app.selectbox(key="data_sample").value == "monthly-sunspots"


@pytest.mark.parametrize(
    ("name", "columns"),
    [
        ("utf16_bom.csv", ["Date", "Température"]),
        ("latin1.csv", ["Datum", "Größe °C"]),
        ("excel_sep_hint.csv", ["Date", "Value"]),
        ("semicolon_decimal_comma.csv", ["Datum", "Wert", "Menge"]),
    ],
)
def test_date_choices_come_from_the_loaders_parser(app: AppTest, name: str, columns: list[str]) -> None:
    """The upload form lists the columns as the loader reads them (UTF-16, Latin-1, sep=, `;`), after auto and none."""
    from ui.session import loaders

    raw = (ROOT / "tests" / "fixtures" / "hostile" / name).read_bytes()
    app.file_uploader(key="data_upload").upload(name, raw, "text/csv").run()
    assert not app.exception and not errors(app)
    assert app.selectbox(key="data_upload_date").options == [loaders.AUTO_DATE, loaders.NO_DATE, *columns]
