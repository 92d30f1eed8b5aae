"""Daily (or other) prices from Yahoo Finance as a `Dataset`, with an on-disk cache.

Contract: `fetch_yahoo(ticker, period=..., interval=...)` returns a `Dataset` whose frame has
plain columns Open, High, Low, Close, Volume (those Yahoo sent; Dividends, Stock Splits and
Capital Gains dropped), float64, no NaN/inf, a sorted unique timezone-naive DatetimeIndex
named "time" (the exchange's local clock), and target "Close".

The cache folder is `$LSTM_LAB_CACHE/yahoo` (default `~/.cache/lstm-lab/yahoo`); one CSV per
ticker + period + interval. A copy younger than `max_age_hours` is used without any network
call; when Yahoo fails and an older copy exists, that copy is returned with a note saying
how old it is. The network call runs in a daemon thread with a hard deadline, so a caller
waits at most about `timeout + 2` seconds. Every failure is a `LabError` with a sentence
that says which of these happened: Yahoo unreachable, rate limited, too slow, unknown
ticker (empty answer), or an unexpected column layout. yfinance is imported lazily.

Several tickers at once: `split_tickers("AAPL, MSFT GOOG")` reads the list, `fetch_yahoo_collection(text, ...)`
fetches each in turn (each through the cache) into a `Collection`, one series (Close) per ticker on its own index.
An unknown ticker among others is left out with a sentence naming it; an unreachable, slow or rate-limiting Yahoo
(`YahooUnavailable`) ends the whole fetch at once with its one sentence, as for one ticker.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from lstm_core.data.collections import Collection, from_datasets
from lstm_core.data.dataset import Dataset
from lstm_core.errors import LabError

__all__ = [
    "MAX_TICKERS",
    "VALID_INTERVALS",
    "VALID_PERIODS",
    "YahooUnavailable",
    "cache_folder",
    "default_timeout",
    "fetch_yahoo",
    "fetch_yahoo_collection",
    "split_tickers",
]

VALID_PERIODS = ("1d", "5d", "1mo", "3mo", "6mo", "1y", "2y", "5y", "10y", "ytd", "max")
VALID_INTERVALS = ("1m", "2m", "5m", "15m", "30m", "60m", "90m", "1h", "1d", "5d", "1wk", "1mo", "3mo")
PRICE_COLUMNS = ("Open", "High", "Low", "Close", "Volume")
_TICKER = re.compile(r"[A-Za-z0-9.\-^=]{1,15}")
_FREQ = {
    "1d": "B",
    "5d": "5B",
    "1wk": "W-MON",
    "1mo": "MS",
    "3mo": "QS",
    "1h": "h",
    "60m": "h",
    "90m": "90min",
}
_MIN_ROWS = 10
MAX_TICKERS = 24  # as many as the Data page draws as small multiples


class YahooUnavailable(LabError):
    """Yahoo could not be asked at all (unreachable, too slow, rate limiting): no other ticker would fare better."""


def cache_folder() -> Path:
    """The folder Yahoo answers are cached in: `$LSTM_LAB_CACHE/yahoo`, else `~/.cache/lstm-lab/yahoo`."""
    root = os.environ.get("LSTM_LAB_CACHE")
    if root:
        return Path(root).expanduser() / "yahoo"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "lstm-lab" / "yahoo"


def default_timeout() -> float:
    """Seconds to wait for Yahoo: env `LSTM_LAB_YAHOO_TIMEOUT` (a host with a slow route may want more), else 10."""
    try:
        return float(os.environ.get("LSTM_LAB_YAHOO_TIMEOUT", "10"))
    except ValueError:
        return 10.0


def fetch_yahoo(
    ticker: str,
    *,
    period: str = "5y",
    interval: str = "1d",
    cache_dir: str | Path | None = None,
    timeout: float | None = None,
    max_age_hours: float = 12,
) -> Dataset:
    """Prices for `ticker` from Yahoo Finance (or the local cache), target Close.

    `timeout` (seconds) defaults to `LSTM_LAB_YAHOO_TIMEOUT`, else 10.
    """
    timeout = default_timeout() if timeout is None else timeout
    ticker = _check(ticker, period, interval, timeout)
    folder = Path(cache_dir) if cache_dir is not None else cache_folder()
    cached = folder / f"{_safe(ticker)}_{period}_{interval}.csv"
    age = _age_hours(cached)
    if age is not None and age < max_age_hours:
        frame = _read_cache(cached)
        if frame is not None:
            return _dataset(frame, ticker, period, interval, [f"Loaded from the local cache (saved {_ago(age)})."])
    try:
        frame = _normalise(_download(ticker, period, interval, timeout), ticker, period, interval)
    except LabError as error:
        frame = _read_cache(cached) if age is not None else None
        if frame is None:
            raise
        reason = str(error).split(";")[0].rstrip(".")
        note = f"{reason}; using the copy cached {_ago(age or 0.0)}."
        return _dataset(frame, ticker, period, interval, [note])
    _write_cache(frame, cached)
    return _dataset(frame, ticker, period, interval, [])


def split_tickers(text: str) -> list[str]:
    """The tickers in "AAPL, MSFT GOOG" (commas, semicolons or spaces between them), upper case, each once."""
    found = [part.strip().upper() for part in re.split(r"[,;\s]+", str(text)) if part.strip()]
    if not found:
        raise LabError("Give a ticker, for example AAPL, or several separated by commas: AAPL, MSFT, GOOG.")
    if len(found) > MAX_TICKERS:
        raise LabError(f"At most {MAX_TICKERS} tickers at once. Received: {len(found)}.")
    return list(dict.fromkeys(found))


def fetch_yahoo_collection(
    text: str,
    *,
    period: str = "5y",
    interval: str = "1d",
    cache_dir: str | Path | None = None,
    timeout: float | None = None,
) -> Collection:
    """Several tickers' Close prices as a collection (see the module docstring); raises LabError when none is left."""
    tickers = split_tickers(text)
    datasets, left_out, notes = [], [], []
    for ticker in tickers:
        try:
            dataset = fetch_yahoo(ticker, period=period, interval=interval, cache_dir=cache_dir, timeout=timeout)
        except YahooUnavailable:
            raise  # the same for every ticker: one sentence, at once
        except LabError as error:
            left_out.append((ticker, str(error).split(";")[0].rstrip(".")))
            continue
        datasets.append(dataset)
        notes.extend(f"{ticker}: {note}" for note in dataset.notes)
    if not datasets:
        why = "; ".join(f"{ticker} ({reason})" for ticker, reason in left_out)
        raise LabError(f"Yahoo has prices for none of the tickers: {why}.")
    name = ", ".join(tickers)
    collection = from_datasets(
        name, datasets, source=f"Yahoo Finance: {name}, period {period}, interval {interval}", left_out=left_out
    )
    return replace(collection, notes=(*collection.notes, *notes))


def _check(ticker: str, period: str, interval: str, timeout: float) -> str:
    cleaned = str(ticker).strip().upper()
    if not _TICKER.fullmatch(cleaned):
        raise LabError(
            f"Ticker {ticker!r} is not valid: use letters, digits and . - ^ = only, at most 15 characters "
            "(for example AAPL, ^GSPC or EURUSD=X)."
        )
    if period not in VALID_PERIODS:
        raise LabError(f"`period` must be one of {', '.join(VALID_PERIODS)}. Received: period={period!r}.")
    if interval not in VALID_INTERVALS:
        raise LabError(f"`interval` must be one of {', '.join(VALID_INTERVALS)}. Received: interval={interval!r}.")
    if not timeout > 0:
        raise LabError(f"`timeout` must be more than 0 seconds. Received: timeout={timeout!r}.")
    return cleaned


def _safe(ticker: str) -> str:
    return re.sub(r"[^A-Z0-9.-]", lambda m: f"%{ord(m.group()):02X}", ticker)


def _download(ticker: str, period: str, interval: str, timeout: float) -> pd.DataFrame:
    """Run `yfinance.Ticker(ticker).history(...)` in a daemon thread with a hard deadline."""
    result: dict[str, object] = {}
    failures = _NetworkFailures()

    def work() -> None:
        failures.thread = threading.get_ident()
        try:
            import yfinance

            result["frame"] = yfinance.Ticker(ticker).history(period=period, interval=interval, timeout=timeout)
        except BaseException as error:  # handed back to the caller's thread below
            result["error"] = error

    thread = threading.Thread(target=work, name=f"yahoo-{ticker}", daemon=True)
    thread.start()
    thread.join(timeout + 2.0)
    logging.getLogger("yfinance").removeHandler(failures)
    if thread.is_alive():
        raise YahooUnavailable(_slow(timeout))
    if "error" in result:
        raise _explain(result["error"], ticker, timeout) from result["error"]  # type: ignore[arg-type]
    frame = result.get("frame")
    empty = not isinstance(frame, pd.DataFrame) or frame.empty
    if empty and failures.seen:
        # yfinance logs a failed connection and returns an empty frame: that is not an unknown ticker.
        raise YahooUnavailable(
            f"Could not reach Yahoo Finance ({failures.seen}); check the internet connection, or upload a CSV instead."
        )
    return frame  # type: ignore[return-value]


class _NetworkFailures(logging.Handler):
    """Catches the connection failures yfinance logs (instead of raising) in the fetching thread."""

    _WORDS = ("dnserror", "resolve", "connection", "connect", "unreachable", "ssl", "proxy", "failed to perform")

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.thread: int | None = None
        self.seen: str | None = None
        logging.getLogger("yfinance").addHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        if self.seen is None and record.thread == self.thread:
            message = record.getMessage()
            if any(word in message.lower() for word in self._WORDS):
                match = re.search(r"\((\w*Error)\)", message)
                self.seen = match.group(1) if match else "connection failed"


def _slow(timeout: float) -> str:
    return f"Yahoo did not answer within {timeout:g} seconds; try again later, or upload a CSV instead."


def _explain(error: BaseException, ticker: str, timeout: float) -> LabError:
    kind, text = type(error).__name__, str(error)
    lowered = text.lower()
    if kind == "YFRateLimitError" or "too many requests" in lowered or "rate limit" in lowered or " 429" in text:
        return YahooUnavailable(
            "Yahoo is rate-limiting requests from this server (Too Many Requests); "
            "wait a few minutes and try again, or upload a CSV exported from Yahoo Finance."
        )
    if kind in ("YFTickerMissingError", "YFPricesMissingError", "YFTzMissingError", "YFInvalidPeriodError"):
        return _unknown(ticker)
    if "connection timed out" in lowered or "connect timeout" in lowered:
        return YahooUnavailable(
            f"Could not reach Yahoo Finance ({kind}); check the internet connection, or upload a CSV instead."
        )
    if "timed out" in lowered or "timeout" in kind.lower() or "timeout" in lowered:
        return YahooUnavailable(_slow(timeout))
    network_words = (
        "resolve host",
        "connect",
        "network",
        "unreachable",
        "failed to perform",
        "dns",
        "ssl",
        "proxy",
    )
    if isinstance(error, OSError) or any(word in lowered or word in kind.lower() for word in network_words):
        return YahooUnavailable(
            f"Could not reach Yahoo Finance ({kind}); check the internet connection, or upload a CSV instead."
        )
    return LabError(f"Yahoo Finance failed for {ticker} ({kind}: {text[:100]}); try again later or upload a CSV.")


def _unknown(ticker: str) -> LabError:
    return LabError(
        f"Yahoo has no prices for {ticker!r} (unknown or delisted ticker, or an empty answer); "
        "check the symbol, for example AAPL, ^GSPC or EURUSD=X."
    )


def _normalise(frame: object, ticker: str, period: str, interval: str) -> pd.DataFrame:
    if frame is None or not isinstance(frame, pd.DataFrame) or frame.empty:
        raise _unknown(ticker)
    if isinstance(frame.columns, pd.MultiIndex):
        raise LabError(
            "Yahoo answered with an unexpected column layout (two-level columns); "
            "upload a CSV exported from Yahoo Finance instead."
        )
    columns = {str(c).strip().title(): c for c in frame.columns}
    if "Close" not in columns:
        got = ", ".join(columns)[:60]
        raise LabError(
            f"Yahoo answered with an unexpected column layout (no Close column; got {got}); "
            "upload a CSV exported from Yahoo Finance instead."
        )
    if not isinstance(frame.index, pd.DatetimeIndex):
        try:
            frame = frame.set_axis(pd.DatetimeIndex(pd.to_datetime(frame.index, utc=True)), axis=0)
        except (ValueError, TypeError) as error:
            raise LabError(
                "Yahoo answered with an unexpected layout (the index is not dates); upload a CSV instead."
            ) from error
    keep = [c for c in PRICE_COLUMNS if c in columns]
    out = pd.DataFrame({c: pd.to_numeric(frame[columns[c]], errors="coerce") for c in keep}, index=frame.index)
    index = out.index
    if index.tz is not None:
        index = index.tz_localize(None)  # keep the exchange's local clock: daily bars stay at midnight
    out.index = pd.DatetimeIndex(index).as_unit("ns")
    out = out.replace([np.inf, -np.inf], np.nan).astype(np.float64)
    out = out[out["Close"].notna()]
    out = out[~out.index.duplicated(keep="last")].sort_index()
    out = out.interpolate(method="time", limit_direction="both").ffill().bfill().fillna(0.0)
    out.index.name = "time"
    if len(out) < _MIN_ROWS:
        raise LabError(
            f"Yahoo returned only {len(out)} row(s) for {ticker} (period {period}, interval {interval}); "
            f"choose a longer period so there are at least {_MIN_ROWS}."
        )
    return out


def _dataset(frame: pd.DataFrame, ticker: str, period: str, interval: str, notes: list[str]) -> Dataset:
    source = f"Yahoo Finance: {ticker}, period {period}, interval {interval}"
    return Dataset(
        frame=frame,
        target="Close",
        name=ticker,
        source=source,
        freq=_FREQ.get(interval, interval.replace("m", "min") if interval.endswith("m") else None),
        notes=tuple(notes),
    )


def _age_hours(path: Path) -> float | None:
    try:
        return max(0.0, (time.time() - path.stat().st_mtime) / 3600)
    except OSError:
        return None


def _ago(hours: float) -> str:
    if hours < 1:
        minutes = int(hours * 60)
        return "just now" if minutes < 1 else f"{minutes} minute{'s' if minutes != 1 else ''} ago"
    if hours < 48:
        n = int(hours)
        return f"{n} hour{'s' if n != 1 else ''} ago"
    return f"{int(hours // 24)} days ago"


def _read_cache(path: Path) -> pd.DataFrame | None:
    try:
        frame = pd.read_csv(path, index_col=0, parse_dates=True)
        return _normalise(frame, path.stem, "", "")
    except (OSError, ValueError, TypeError, LabError, pd.errors.ParserError):
        return None  # a missing or damaged cache is the same as no cache


def _write_cache(frame: pd.DataFrame, path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        frame.to_csv(partial, index_label="time")
        os.replace(partial, path)
    except OSError:
        pass  # a read-only disk (some hosts) only costs the cache
