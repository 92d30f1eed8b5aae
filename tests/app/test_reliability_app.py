"""Hostile input through the app (AppTest): the corpus uploaded once per kind of outcome, and every way Yahoo fails.

The loader and the command line read all 62 corpus files (tests/data, tests/cli); here each refusal sentence the
loader can give, and each kind of file that loads, goes through the uploader once.

Each case starts from a loaded `sine` sample, so "the data is kept" means the visitor's own
choice survives, not just the default. No test here trains, so none imports TensorFlow.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yfinance
from app_helpers import ROOT, errors, open_app
from streamlit.testing.v1 import AppTest
from yfinance.exceptions import YFRateLimitError, YFTickerMissingError

from lstm_core.data import yahoo
from lstm_core.data.csv.read import read_csv
from lstm_core.errors import LabError
from ui.text.format import plain

CORPUS = ROOT / "tests" / "fixtures" / "hostile"
FILES = sorted(p.name for p in CORPUS.iterdir())


@pytest.fixture()
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The app with the `sine` sample chosen and a private Yahoo cache."""
    monkeypatch.setenv("LSTM_LAB_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("LSTM_LAB_YAHOO_TIMEOUT", "3")  # a really unreachable Yahoo costs at most about 5 s
    at = open_app()
    at.selectbox(key="data_sample").set_value("sine").run()
    assert at.session_state["dataset"].name == "sine"
    return at


def assert_sine_kept(at: AppTest) -> None:
    assert at.session_state["dataset"].name == "sine"
    assert at.session_state["data_config"].source == "sample:sine"
    assert at.metric[0].value == "600 points"
    assert len(at.get("plotly_chart")) == 1


def _refusal_kind(name: str) -> str | None:
    """The loader's refusal sentence for a corpus file with names and numbers blanked out (None if the file loads)."""
    try:
        read_csv(CORPUS / name)
    except LabError as error:
        return re.sub(r"\d+(\.\d+)?", "N", re.sub(r"'[^']*'|\"[^\"]*\"|`[^`]*`", "Q", str(error)))
    return None


# One file per refusal sentence of the loader (the test below checks that none is missing).
REFUSED = [
    "binary_bytes.csv",
    "empty.csv",
    "gzip_renamed.csv",
    "header_only.csv",
    "html_error_page.csv",
    "no_numeric_column.csv",
    "ragged_most_rows.csv",
    "target_all_missing.csv",
    "too_short.csv",
    "xlsx_renamed.csv",
]
# The files that load, one per way the Data page shows them differently.
LOADED = [
    "day_first_dates.csv",  # no notes at all
    "missing_values.csv",  # an information note
    "duplicate_unsorted_timestamps.csv",  # a warning note (rows dropped)
    "formula_column_names.csv",  # a target named like a spreadsheet formula
    "markdown_in_names.csv",  # names that are markdown and LaTeX
    "utf16_bom.csv",  # not UTF-8, a non-ASCII target name
    "no_date_column.csv",  # rows are steps
    "yearless_labels_with_footer.csv",  # labels that are not dates, a footer skipped
    "split_time_columns.csv",  # the time over five columns, a row counter and a text column left out
    "thousands_of_columns.csv",  # 3,000 columns: the column pickers stay usable
]


def test_the_app_cases_cover_every_refusal_and_exist() -> None:
    """Each refusal sentence of the corpus has its file among the uploads, and every chosen file loads."""
    kinds = {name: _refusal_kind(name) for name in FILES}
    assert {kinds[name] for name in REFUSED} == set(kinds.values()) - {None}
    assert len(REFUSED) == len(set(kinds.values()) - {None}) and all(kinds[name] is None for name in LOADED)


@pytest.mark.parametrize("name", REFUSED + LOADED)
def test_corpus_file_through_uploader(app: AppTest, name: str) -> None:
    """Each hostile file gives one st.error sentence (sine kept) or loads as the dataset; nothing raises."""
    raw = (CORPUS / name).read_bytes()
    try:
        expected = read_csv(raw, name=name)
    except LabError as error:
        expected = error
    app.file_uploader(key="data_upload").upload(name, raw, "text/csv").run()
    assert not app.exception
    if isinstance(expected, LabError):
        assert errors(app) == [plain(expected)]
        assert errors(app)[0].endswith(".")
        assert_sine_kept(app)
        return
    assert not errors(app)
    assert_sine_kept(app)  # nothing replaced before "Use this file"
    app.button(key="data_upload_submit").click().run()
    assert not app.exception and not errors(app)
    dataset = app.session_state["dataset"]
    assert (dataset.name, len(dataset), dataset.target) == (name, len(expected), expected.target)
    assert app.session_state["data_config"].source == f"upload:{name}"
    assert len(app.get("plotly_chart")) == 1
    shown = [e.value for e in (*app.warning, *app.info)]
    assert all(plain(note) in shown for note in dataset.notes)


def test_upload_over_the_limit_keeps_the_data(app: AppTest) -> None:
    """A file just over 10 MB is refused with a sentence naming the size and the limit; sine stays."""
    big = b"date,value\n" + b"2020-01-01,1.0\n" * 700_000 + b"x" * 100_000  # 10.6 MB
    assert len(big) > 10 * 1024 * 1024
    app.file_uploader(key="data_upload").upload("big.csv", big, "text/csv").run()
    assert not app.exception
    assert errors(app) == [plain("The file is 10.1 MB, over the 10.0 MB limit; upload a smaller file.")]
    assert_sine_kept(app)


def test_bad_upload_after_a_good_one_keeps_the_good_one(app: AppTest) -> None:
    """A loaded upload stays the dataset when the next upload is refused."""
    good = (CORPUS / "semicolon_decimal_comma.csv").read_bytes()
    app.file_uploader(key="data_upload").upload("good.csv", good, "text/csv").run()
    app.button(key="data_upload_submit").click().run()
    assert app.session_state["dataset"].name == "good.csv"
    app.file_uploader(key="data_upload").upload("bad.csv", (CORPUS / "xlsx_renamed.csv").read_bytes(), "text/csv")
    app.run()
    assert not app.exception
    assert len(errors(app)) == 1 and plain("Excel/zip file") in errors(app)[0]
    assert app.session_state["dataset"].name == "good.csv"


# --- Yahoo Finance through the app, network replaced by a fake yfinance.Ticker --------------------------------


def prices(n: int = 60) -> pd.DataFrame:
    index = pd.bdate_range("2024-01-02", periods=n, tz="America/New_York", name="Date")
    close = 100 + np.cumsum(np.linspace(-1, 1, n))
    frame = {"Open": close, "High": close + 1, "Low": close - 1, "Close": close, "Volume": 1e6, "Dividends": 0.0}
    return pd.DataFrame(frame, index=index)


def fake_ticker(answer: object, delay: float = 0.0) -> type:
    class Fake:
        calls = 0

        def __init__(self, symbol: str) -> None:
            self.symbol = symbol

        def history(self, **kwargs: object) -> pd.DataFrame:
            type(self).calls += 1
            time.sleep(delay)
            if isinstance(answer, BaseException):
                raise answer
            return answer

    return Fake


def fetch(at: AppTest, ticker: str) -> AppTest:
    at.text_input(key="data_yahoo_ticker").set_value(ticker)
    at.selectbox(key="data_yahoo_period").set_value("3mo")
    return at.button(key="data_yahoo_submit").click().run()


YAHOO_FAILURES = {
    "rate-limit": (YFRateLimitError(), "Yahoo is rate-limiting requests from this server"),
    "http-429": (RuntimeError("429 Client Error: Too Many Requests"), "Yahoo is rate-limiting requests"),
    "unknown-ticker": (YFTickerMissingError("ZZZZ", "no timezone found"), "Yahoo has no prices for 'ZZZZ'"),
    "empty-answer": (pd.DataFrame(), "Yahoo has no prices for 'ZZZZ'"),
    "none-answer": (None, "Yahoo has no prices for 'ZZZZ'"),
    "no-close-column": (prices().drop(columns="Close"), "unexpected column layout (no Close column"),
    "two-level-columns": (pd.concat({"ZZZZ": prices()}, axis=1), "unexpected column layout (two-level columns)"),
    "index-not-dates": (prices().reset_index(drop=True).set_axis(["a"] * 60), "the index is not dates"),
    "all-close-missing": (prices().assign(Close=np.nan), "Yahoo returned only 0 row(s) for ZZZZ"),
    "dns-failure": (ConnectionError("Could not resolve host: query2.finance.yahoo.com"), "Could not reach Yahoo"),
    "timeout-error": (TimeoutError("Operation timed out after 10001 ms"), "did not answer within 3 seconds"),
    "unexpected-error": (KeyError("chart"), "Yahoo Finance failed for ZZZZ (KeyError"),
}


@pytest.mark.parametrize("case", sorted(YAHOO_FAILURES))
def test_yahoo_failure_in_the_app(app: AppTest, monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    """Each Yahoo failure shows one st.error sentence saying what happened; the loaded data stays."""
    answer, message = YAHOO_FAILURES[case]
    monkeypatch.setattr(yfinance, "Ticker", fake_ticker(answer))
    fetch(app, "zzzz")
    assert not app.exception
    assert len(errors(app)) == 1 and message in errors(app)[0], errors(app)
    assert_sine_kept(app)


def test_yahoo_slow_answer_is_cut_off_in_the_app(app: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Yahoo that hangs costs the page at most timeout + 2 s (timeout shortened to 1 s here); data stays."""
    monkeypatch.setitem(yahoo.fetch_yahoo.__kwdefaults__, "timeout", 1.0)
    monkeypatch.setattr(yfinance, "Ticker", fake_ticker(prices(), delay=8.0))
    started = time.monotonic()
    fetch(app, "SLOW")
    waited = time.monotonic() - started
    assert not app.exception
    assert errors(app) == ["Yahoo did not answer within 1 seconds; try again later, or upload a CSV instead."]
    assert waited < 6.0, waited
    assert_sine_kept(app)


def test_yahoo_really_unreachable_in_the_app(app: AppTest) -> None:
    """The real yfinance, with no route to Yahoo from this machine, gives the 'could not reach' sentence quickly."""
    started = time.monotonic()
    fetch(app, "IBM")
    assert not app.exception
    if not errors(app):
        pytest.skip("Yahoo Finance is reachable from this machine")
    assert len(errors(app)) == 1 and re.search("Could not reach Yahoo Finance|did not answer", errors(app)[0])
    assert time.monotonic() - started < 3 + 2 + 5  # LSTM_LAB_YAHOO_TIMEOUT, the thread's grace, the app's rerun
    assert_sine_kept(app)


def test_yahoo_cached_copy_used_when_yahoo_fails(app: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    """After one good fetch, a failing Yahoo still loads the cached copy: fresh silently, stale with its age."""
    good = fake_ticker(prices())
    monkeypatch.setattr(yfinance, "Ticker", good)
    fetch(app, "msft")
    assert not errors(app) and app.session_state["dataset"].name == "MSFT"
    app.selectbox(key="data_sample").set_value("airline-passengers").run()

    failing = fake_ticker(ConnectionError("Network is unreachable"))
    monkeypatch.setattr(yfinance, "Ticker", failing)
    fetch(app, "msft")
    assert not app.exception and not errors(app)
    assert failing.calls == 0  # a fresh copy needs no network
    assert app.session_state["dataset"].name == "MSFT" and len(app.session_state["dataset"]) == 60
    assert any("Loaded from the local cache" in m.value for m in (*app.info, *app.warning))

    (cached,) = (Path(os.environ["LSTM_LAB_CACHE"]) / "yahoo").iterdir()
    old = time.time() - 30 * 3600
    os.utime(cached, (old, old))
    app.selectbox(key="data_sample").set_value("sine").run()
    fetch(app, "msft")
    assert not app.exception and not errors(app)
    assert failing.calls == 1
    assert app.session_state["dataset"].name == "MSFT"
    warnings = [w.value for w in app.warning]
    assert plain("Could not reach Yahoo Finance (ConnectionError); using the copy cached 30 hours ago.") in warnings


def test_damaged_cache_and_failing_yahoo_give_the_yahoo_sentence(tmp_path: Path, monkeypatch) -> None:
    """A damaged cached file is ignored: the caller gets Yahoo's failure, not a parse error."""
    folder = tmp_path / "yahoo"
    folder.mkdir()
    (folder / "MSFT_5y_1d.csv").write_bytes(b"\x00\xff garbage,\n1,2,3\n")
    monkeypatch.setattr(yfinance, "Ticker", fake_ticker(ConnectionError("Network is unreachable")))
    with pytest.raises(LabError, match="Could not reach Yahoo Finance"):
        yahoo.fetch_yahoo("MSFT", cache_dir=folder)


@pytest.mark.parametrize("name", ["no_header_row.csv", "no_header_single_column.csv"])
def test_headerless_file_can_be_read_again_by_its_target_name(name: str) -> None:
    """The name a headerless file's target is given ("value") picks that column when the file is read again."""
    first = read_csv(CORPUS / name)
    again = read_csv(CORPUS / name, column=first.target)
    assert again.target == first.target == "value"
    pd.testing.assert_frame_equal(again.frame, first.frame)
