"""One column of text cells as timestamps: calendar dates, quarters, ISO weeks, years, Unix times.

Contract: `read_time_column(name, cells)` returns (datetime64 Series aligned with `cells`, NaT where a
cell cannot be read; whether the cells carried time zones, converted to UTC; what they held:
"dates", "quarters" or "weeks"). A cell must name its year: labels without one ("1-01", "12:00")
are never given the current year by a parser. Missing cells (`csvtext.MISSING`) are NaT.
"""

from __future__ import annotations

import re
import warnings

import pandas as pd

from lstm_core.data.csv.text import MISSING

__all__ = ["DATE_NAME", "is_present", "numeric_time", "read_time_column", "time_named"]

DATE_NAME = re.compile(r"(date|time|month|timestamp|day|period|week|quarter|^ds$|^dt$)", re.IGNORECASE)
_TZ_SUFFIX = re.compile(r"\d:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|UTC|GMT|[+-]\d{2}:?\d{2})$", re.IGNORECASE)
_QUARTER = re.compile(r"(?:(?P<y1>\d{4})\s*[-/ ]?\s*Q(?P<q1>[1-4])|Q(?P<q2>[1-4])\s*[-/ ]?\s*(?P<y2>\d{4}))", re.I)
_WEEK = re.compile(r"(?P<y>\d{4})\s*-?\s*W(?P<w>\d{1,2})(?:-?(?P<d>[1-7]))?", re.IGNORECASE)
_YEAR_NAME = re.compile(r"year|yr|jahr|ann[ée]e|año", re.IGNORECASE)


def read_time_column(name: str, cells: pd.Series) -> tuple[pd.Series, bool, str]:
    """One column as timestamps (NaT where unreadable), whether it had time zones, and what it held."""
    present = cells[is_present(cells)]
    nothing = pd.Series(pd.NaT, index=cells.index, dtype="datetime64[ns]")
    if not len(present):
        return nothing, False, "dates"
    for how, reader in (("quarters", _quarters), ("weeks", _weeks)):
        stamps = reader(cells)
        if stamps.notna().sum() >= 0.5 * len(present):
            return stamps, False, how
    numeric = numeric_time(name, cells, any_name=True)
    if numeric is not None:
        return numeric, False, "dates"
    # A calendar date names its year: four digits, or three numbers (day, month, two-digit year). Without one
    # ("1-01", "12:00") a parser would invent the current year, so the labels are not read as dates.
    has_year = present.str.contains(r"\d{4}") | (present.str.count(r"\d+") >= 3)
    if has_year.sum() < 0.5 * len(present):
        return nothing, False, "dates"
    stamps, had_tz = _parse_dates(cells.where(is_present(cells)))
    return stamps, had_tz, "dates"


def is_present(cells: pd.Series) -> pd.Series:
    return ~cells.str.lower().isin(MISSING)  # cells come stripped from csvtext.split_rows


def _quarters(cells: pd.Series) -> pd.Series:
    parts = cells.str.strip().str.extract(f"^(?:{_QUARTER.pattern})$", flags=re.IGNORECASE)
    year = pd.to_numeric(parts["y1"].fillna(parts["y2"]), errors="coerce")
    quarter = pd.to_numeric(parts["q1"].fillna(parts["q2"]), errors="coerce")
    frame = pd.DataFrame({"year": year, "month": (quarter - 1) * 3 + 1, "day": 1.0})
    return pd.to_datetime(frame.where(year.notna()), errors="coerce")


def _weeks(cells: pd.Series) -> pd.Series:
    parts = cells.str.strip().str.extract(f"^(?:{_WEEK.pattern})$", flags=re.IGNORECASE).astype(object)
    if parts["y"].isna().all():
        return pd.Series(pd.NaT, index=cells.index, dtype="datetime64[ns]")
    text = parts["y"] + "-W" + parts["w"].str.zfill(2) + "-" + parts["d"].fillna("1")
    return pd.to_datetime(text, format="%G-W%V-%u", errors="coerce")


def time_named(name: str) -> bool:
    """Whether a column's name lets `numeric_time` read its numbers as time: named like `year`, or like a date."""
    return bool(_YEAR_NAME.fullmatch(name.strip()) or DATE_NAME.search(name))


def numeric_time(name: str, cells: pd.Series, *, any_name: bool = False) -> pd.Series | None:
    """Distinct years in a column named like `year`, or Unix seconds/milliseconds in one named like `time`."""
    year_named, time_named = bool(_YEAR_NAME.fullmatch(name.strip())), any_name or bool(DATE_NAME.search(name))
    if not (year_named or time_named):  # the name decides first: a wide file's thousands of columns cost nothing
        return None
    present = cells[cells != ""]
    if len(present) == 0 or not present.str.fullmatch(r"\d+").all():
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if year_named and present.str.fullmatch(r"[12]\d{3}").all() and present.is_unique:
            return pd.to_datetime(cells, format="%Y", errors="coerce")
        if time_named and present.str.fullmatch(r"\d{10}|\d{13}").all():
            unit = "s" if len(present.iloc[0]) == 10 else "ms"
            return pd.to_datetime(pd.to_numeric(cells, errors="coerce"), unit=unit, errors="coerce")
    return None


_YEAR_FIRST = r"\s*\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?!\d)"


def _parse_dates(text: pd.Series) -> tuple[pd.Series, bool]:
    """Parse text cells (NaN where missing) as timestamps; return (datetime64 with NaT where unreadable, had_tz)."""
    present = text.dropna()
    nothing = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    had_tz = bool(present.head(50).str.contains(_TZ_SUFFIX).any())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if present.str.fullmatch(r"\d{8}").all():
            return pd.to_datetime(text, format="%Y%m%d", errors="coerce"), False
        if not present.str.contains(r"[-/.:\sA-Za-z]").any():
            return nothing, False  # bare numbers are not dates
        best: pd.Series | None = None
        # Year first (ISO 8601, 2000-02-01) is always year-month-day: trying day-first there would read monthly
        # dates as daily ones (2000-02-01 as 2 January), whose spacing looks more regular than months'.
        year_first = bool(present.str.match(_YEAR_FIRST).all())
        for options in ({},) if year_first else ({}, {"dayfirst": True}):
            best = _better(best, text, utc=had_tz, **options)
        if best is None or 0.2 * len(present) <= best.notna().sum() < 0.9 * len(present):
            for dayfirst in (False,) if year_first else (False, True):
                best = _better(best, text, utc=had_tz, format="mixed", dayfirst=dayfirst)
    if best is None:
        return nothing, False
    if had_tz:
        best = best.dt.tz_convert("UTC").dt.tz_localize(None)
    return best, had_tz


def _better(best: pd.Series | None, text: pd.Series, **options: object) -> pd.Series | None:
    """The better of `best` and a new parse: more cells read, then more regular spacing (day-first or not)."""
    try:
        parsed = pd.to_datetime(text, errors="coerce", **options)
    except (ValueError, TypeError, OverflowError):
        return best
    if best is None:
        return parsed

    def score(series: pd.Series) -> tuple[int, int]:
        steps = series.dropna().drop_duplicates().sort_values().diff().nunique()
        return int(series.notna().sum()), -int(steps)

    return parsed if score(parsed) > score(best) else best
