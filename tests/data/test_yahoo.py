"""fetch_yahoo: validation before any network call, normalising, the disk cache, and one clear error per failure.

Only `yfinance.Ticker` is replaced (the network); one test calls the real yfinance, which
cannot reach Yahoo from the test machine, and expects the "could not reach" error quickly.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yfinance
from yfinance.exceptions import YFRateLimitError, YFTickerMissingError

from lstm_core.data.yahoo import MAX_TICKERS, cache_folder, fetch_yahoo, fetch_yahoo_collection, split_tickers
from lstm_core.errors import LabError


def prices(n: int = 30, *, tz: str | None = "America/New_York") -> pd.DataFrame:
    """A frame shaped like `Ticker.history()`: tz-aware index, prices, volume, dividends and splits."""
    index = pd.bdate_range("2024-01-02", periods=n, tz=tz, name="Date")
    close = 100 + np.arange(n, dtype=float)
    return pd.DataFrame(
        {
            "Open": close - 0.5,
            "High": close + 1,
            "Low": close - 1,
            "Close": close,
            "Volume": np.full(n, 1_000_000),
            "Dividends": 0.0,
            "Stock Splits": 0.0,
        },
        index=index,
    )


class FakeTicker:
    """Stands in for yfinance.Ticker: returns `answer` or raises it; counts calls."""

    calls = 0
    answer: object = None
    delay = 0.0

    def __init__(self, symbol: str) -> None:
        self.symbol = symbol

    def history(self, *, period: str, interval: str, timeout: float) -> pd.DataFrame:
        type(self).calls += 1
        time.sleep(type(self).delay)
        if isinstance(type(self).answer, BaseException):
            raise type(self).answer
        return type(self).answer


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> type[FakeTicker]:
    """Replace yfinance.Ticker by FakeTicker, fresh for each test."""

    class Fake(FakeTicker):
        calls = 0
        answer = prices()
        delay = 0.0

    monkeypatch.setattr(yfinance, "Ticker", Fake)
    return Fake


def test_prices_are_normalised(fake: type[FakeTicker], tmp_path: Path) -> None:
    """A tz-aware answer becomes naive midnight dates, plain price columns, target Close, freq B."""
    dataset = fetch_yahoo("aapl", cache_dir=tmp_path)
    assert list(dataset.frame.columns) == ["Open", "High", "Low", "Close", "Volume"]
    assert dataset.target == "Close" and dataset.freq == "B" and dataset.name == "AAPL"
    assert dataset.frame.index.tz is None and dataset.frame.index[0] == pd.Timestamp("2024-01-02")
    assert dataset.frame.dtypes.eq(np.float64).all()
    assert "Yahoo Finance: AAPL" in dataset.source


def test_fresh_cache_is_used_without_network(fake: type[FakeTicker], tmp_path: Path) -> None:
    """A second call within max_age_hours reads the cached CSV and never calls Yahoo."""
    first = fetch_yahoo("MSFT", period="1y", cache_dir=tmp_path)
    assert (tmp_path / "MSFT_1y_1d.csv").is_file()
    fake.answer = RuntimeError("must not be called")
    second = fetch_yahoo("MSFT", period="1y", cache_dir=tmp_path)
    assert fake.calls == 1
    pd.testing.assert_frame_equal(first.frame, second.frame, check_freq=False)
    assert any("local cache" in note for note in second.notes)


def test_stale_cache_is_used_when_yahoo_fails(fake: type[FakeTicker], tmp_path: Path) -> None:
    """When Yahoo cannot be reached, an old cached copy comes back with a note saying its age."""
    fetch_yahoo("^GSPC", cache_dir=tmp_path)
    (cached,) = tmp_path.iterdir()
    three_hours_ago = time.time() - 3 * 3600 - 60
    os.utime(cached, (three_hours_ago, three_hours_ago))
    fake.answer = ConnectionError("Failed to perform, curl: (6) Could not resolve host: query2.finance.yahoo.com")
    dataset = fetch_yahoo("^GSPC", cache_dir=tmp_path, max_age_hours=1)
    assert dataset.notes == ("Could not reach Yahoo Finance (ConnectionError); using the copy cached 3 hours ago.",)
    assert len(dataset) == 30


def test_cache_folder_follows_the_environment(
    fake: type[FakeTicker], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """LSTM_LAB_CACHE decides where the yahoo cache lives when no cache_dir is given."""
    monkeypatch.setenv("LSTM_LAB_CACHE", str(tmp_path))
    assert cache_folder() == tmp_path / "yahoo"
    fetch_yahoo("EURUSD=X", cache_dir=None)
    assert [p.name for p in (tmp_path / "yahoo").iterdir()] == ["EURUSD%3DX_5y_1d.csv"]


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (YFRateLimitError(), "rate-limiting requests"),
        (RuntimeError("429 Client Error: Too Many Requests for url"), "rate-limiting requests"),
        (ConnectionError("Could not resolve host"), "Could not reach Yahoo Finance"),
        (OSError("Network is unreachable"), "Could not reach Yahoo Finance"),
        (TimeoutError("Operation timed out after 3001 ms"), "did not answer within 10 seconds"),
        (RuntimeError("curl: (28) Connection timed out after 3001 ms"), "Could not reach Yahoo Finance"),
        (YFTickerMissingError("ZZZZ", "no timezone found"), "Yahoo has no prices for 'ZZZZ'"),
        (pd.DataFrame(), "Yahoo has no prices for 'ZZZZ'"),
        (None, "Yahoo has no prices for 'ZZZZ'"),
        (prices().drop(columns="Close"), "unexpected column layout (no Close column"),
        (pd.concat({"ZZZZ": prices()}, axis=1), "unexpected column layout (two-level columns)"),
        (prices(3), "returned only 3 row(s)"),
        (KeyError("chart"), "Yahoo Finance failed for ZZZZ (KeyError"),
    ],
)
def test_each_failure_has_its_own_sentence(
    fake: type[FakeTicker], tmp_path: Path, answer: object, message: str
) -> None:
    """Rate limits, unreachable network, slowness, unknown tickers and odd layouts each say what happened."""
    fake.answer = answer
    with pytest.raises(LabError, match=message.replace("(", r"\(").replace(")", r"\)")):
        fetch_yahoo("ZZZZ", cache_dir=tmp_path)


def test_slow_answer_is_cut_off(fake: type[FakeTicker], tmp_path: Path) -> None:
    """A Yahoo that never answers costs the caller at most about timeout + 2 seconds."""
    fake.delay = 5.0
    started = time.monotonic()
    with pytest.raises(LabError, match=r"did not answer within 0\.5 seconds"):
        fetch_yahoo("SLOW", cache_dir=tmp_path, timeout=0.5)
    assert time.monotonic() - started < 3.5


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"ticker": "AAPL; rm -rf"}, "Ticker 'AAPL; rm -rf' is not valid"),
        ({"ticker": "A" * 16}, "at most 15 characters"),
        ({"ticker": ""}, "is not valid"),
        ({"ticker": "AAPL", "period": "7y"}, "`period` must be one of"),
        ({"ticker": "AAPL", "interval": "2d"}, "`interval` must be one of"),
        ({"ticker": "AAPL", "timeout": 0}, "`timeout` must be more than 0"),
    ],
)
def test_bad_input_is_refused_before_any_network_call(
    fake: type[FakeTicker], tmp_path: Path, options: dict, message: str
) -> None:
    """Bad tickers, periods, intervals and timeouts raise LabError without calling Yahoo."""
    with pytest.raises(LabError, match=message):
        fetch_yahoo(cache_dir=tmp_path, **options)
    assert fake.calls == 0


def test_real_yfinance_without_network_fails_clearly_and_quickly(tmp_path: Path) -> None:
    """The real yfinance on a machine without internet gives the 'could not reach Yahoo' error within 15 s."""
    started = time.monotonic()
    with pytest.raises(LabError, match="Could not reach Yahoo Finance"):
        fetch_yahoo("AAPL", period="1mo", cache_dir=tmp_path, timeout=3)
    assert time.monotonic() - started < 15


def test_several_tickers_load_as_a_collection_each_on_its_own_index(
    fake: type[FakeTicker], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "AAPL, msft GOOG, ZZZZ": one series per known ticker (Close, its own length), the unknown one left out and
    named in a sentence; the list is read once per ticker, upper case."""
    answers = {"AAPL": prices(30), "MSFT": prices(20, tz=None), "GOOG": prices(25), "ZZZZ": pd.DataFrame()}

    class BySymbol(FakeTicker):
        def history(self, *, period: str, interval: str, timeout: float) -> pd.DataFrame:
            return answers[self.symbol]

    monkeypatch.setattr(yfinance, "Ticker", BySymbol)
    collection = fetch_yahoo_collection("AAPL, msft GOOG;ZZZZ, AAPL", cache_dir=tmp_path)
    assert [item.name for item in collection] == ["AAPL", "MSFT", "GOOG"]
    assert [len(item) for item in collection] == [30, 20, 25]
    np.testing.assert_array_equal(collection.series[1].values, answers["MSFT"]["Close"].to_numpy())
    assert collection.series[1].index[0] == pd.Timestamp("2024-01-02") and collection.series[0].freq == "B"
    assert collection.left_out[0][0] == "ZZZZ" and "1 series left out: ZZZZ (Yahoo has no prices" in collection.notes[0]


def test_an_unreachable_yahoo_ends_a_fetch_of_several_tickers_in_one_sentence(
    fake: type[FakeTicker], tmp_path: Path
) -> None:
    """No network: one sentence after the first ticker, not one failure per ticker."""
    fake.answer = ConnectionError("Could not resolve host: query2.finance.yahoo.com")
    with pytest.raises(LabError, match="Could not reach Yahoo Finance") as raised:
        fetch_yahoo_collection("AAPL, MSFT, GOOG", cache_dir=tmp_path)
    assert fake.calls == 1 and str(raised.value).count(".") == 1


def test_ticker_lists_are_checked() -> None:
    """An empty list and more than MAX_TICKERS tickers are refused in one sentence; repeats count once."""
    assert split_tickers(" aapl,AAPL  msft ") == ["AAPL", "MSFT"]
    with pytest.raises(LabError, match="Give a ticker"):
        split_tickers(" , ")
    with pytest.raises(LabError, match=f"At most {MAX_TICKERS} tickers"):
        split_tickers(",".join(f"T{k}" for k in range(MAX_TICKERS + 1)))
