"""The time axis of a CSV table: which column(s) hold the time, and how they read.

Contract: `find_time_axis` looks at a table of text cells and returns a `TimeAxis`:
- kind "dates": `stamps` (datetime64, NaT where a row's time cannot be read) from one column of
  calendar dates, quarters (`1990 Q1`, `Q1-1990`), ISO weeks (`2020-W05`), years or Unix times,
  or from the time split over columns (year, month, day, hour, minute; any case, short names,
  month names), or from a date column plus a time-of-day (`13:45`) or `hour` column;
- kind "labels": time labels that are not calendar dates (year-less `1-01`, a split time without
  a year): `labels` keeps them, and rows are steps in file order;
- kind "none": no time column (or `date_column="none"`): rows are steps in file order.
`columns` are the columns the axis used: they are never the target nor a feature. A file is
never refused for its dates, except when a column chosen explicitly cannot be read as dates:
then one sentence names its first failing value and row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lstm_core.data.csv.cells import DATE_NAME, is_present, numeric_time, read_time_column, time_named
from lstm_core.errors import LabError

__all__ = ["NO_DATE_COLUMN", "TimeAxis", "find_time_axis", "match_name", "wants_no_date"]

NO_DATE_COLUMN = "none"  # date_column="none" (any case): no date column, rows in file order
MIN_DATE_SHARE = 0.8  # share of non-empty cells that must read as dates for a column to be found as the time axis

UNITS = ("year", "month", "day", "hour", "minute")
_UNIT_NAMES = {
    "year": {"year", "years", "yr", "yrs", "yyyy"},
    "month": {"month", "months", "mon", "mo", "mm", "mth", "mnth"},
    "day": {"day", "days", "dd", "dy", "dom", "dayofmonth"},
    "hour": {"hour", "hours", "hr", "hrs", "hh"},
    "minute": {"minute", "minutes", "min", "mins", "mi", "mn"},
}
_MONTHS = {
    m: k + 1 for k, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))
}
_CLOCK = re.compile(r"\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?")
_TIME_OF_DAY_NAMES = {"time", "timeofday", "clock", "zeit", "heure", "hora"}
_UNIT_RANGE = {"year": (1, 9999), "month": (1, 12), "day": (1, 366), "hour": (0, 24), "minute": (0, 60)}


@dataclass(frozen=True, eq=False)
class TimeAxis:
    kind: str  # "dates" | "labels" | "none"
    columns: tuple[str, ...] = ()
    stamps: pd.Series | None = None  # kind "dates": datetime64, NaT where unreadable
    labels: pd.Series | None = None  # kind "labels": the file's own text, one per row
    had_tz: bool = False
    notes: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return ", ".join(self.columns)


def wants_no_date(date_column: str | None) -> bool:
    """Whether `date_column` asks for no date column (the string "none", any case)."""
    return date_column is not None and date_column.strip().lower() == NO_DATE_COLUMN


def match_name(wanted: str, names: list[str]) -> str | None:
    if wanted in names:
        return wanted
    folded = {n.strip().lower(): n for n in names}
    return folded.get(wanted.strip().lower())


def find_time_axis(
    table: pd.DataFrame, values: pd.DataFrame, numeric: list[str], date_column: str | None, row_numbers: list[int]
) -> TimeAxis:
    """The time axis of `table` (text cells; `values` the same as numbers, NaN where not one).

    `numeric` names the columns that hold numbers; `date_column` None finds the axis, "none" asks for none.
    """
    names = list(table.columns)
    if wants_no_date(date_column):
        return TimeAxis("none", notes=("No date column was chosen; rows are steps in file order.",))
    values = _month_names(table, values)
    split = _split_time(table, values)
    if date_column is not None:
        match = match_name(date_column, names)
        if match is None:
            raise LabError(f"Date column {date_column!r} is not in the file. Choose one of: {', '.join(names)}.")
        if match in split.values():
            return _combine(table, values, split)
        stamps, had_tz, how = read_time_column(match, table[match])
        present = is_present(table[match])
        if present.any() and stamps.notna().sum() >= 0.5 * present.sum():
            axis = TimeAxis("dates", (match,), stamps, had_tz=had_tz, notes=_how_note(match, how))
            return _with_time_of_day(table, axis)
        raise LabError(_unreadable(match, table[match], stamps, row_numbers))
    if len(split) >= 2:
        return _combine(table, values, split)
    for name in filter(time_named, names):  # years in a `year` column, Unix times in a `time` column
        stamps = numeric_time(name, table[name])
        if stamps is not None:
            return TimeAxis("dates", (name,), stamps)
    named = [n for n in names if DATE_NAME.search(n)]
    others = [n for n in names if n not in named and n not in numeric]
    for name in (named + others)[:10]:
        present = int(is_present(table[name]).sum())
        stamps, had_tz, how = read_time_column(name, table[name])
        if present and stamps.notna().sum() >= MIN_DATE_SHARE * present:
            axis = TimeAxis("dates", (name,), stamps, had_tz=had_tz, notes=_how_note(name, how))
            return _with_time_of_day(table, axis)
    labels = _label_column(table, named, numeric)
    if labels is not None:
        cells = table[labels]
        shown = f"{cells.iloc[0]!r} … {cells.iloc[-1]!r}"
        note = (
            f"The labels in {labels!r} ({shown}) are not calendar dates; they were kept as row labels, "
            "and rows are steps in file order."
        )
        return TimeAxis("labels", (labels,), labels=cells, notes=(note,))
    return TimeAxis("none", notes=("No date column was found; rows are steps in file order.",))


def _how_note(name: str, how: str) -> tuple[str, ...]:
    if how == "quarters":
        return (f"The quarters in {name!r} were read as the first day of each quarter.",)
    if how == "weeks":
        return (f"The ISO weeks in {name!r} were read as the Monday of each week.",)
    return ()


def _unreadable(name: str, cells: pd.Series, stamps: pd.Series, row_numbers: list[int]) -> str:
    failing = is_present(cells) & stamps.isna()
    if not failing.any():
        return f"Column {name!r} has no values to read as dates; choose another date column, or none."
    position = int(np.flatnonzero(failing.to_numpy())[0])
    return (
        f"Column {name!r} cannot be read as dates: its value {cells.iloc[position]!r} in row "
        f"{row_numbers[position]} is not a date; choose another date column, or none (rows in file order)."
    )


def _split_time(table: pd.DataFrame, values: pd.DataFrame) -> dict[str, str]:
    """unit -> column for a time split over columns (year, month, day, hour, minute); {} if there is none."""
    found: dict[str, str] = {}
    for name in table.columns:
        unit = next((u for u, words in _UNIT_NAMES.items() if re.sub(r"[^a-z]", "", name.lower()) in words), None)
        if unit is None or unit in found:
            continue
        present = is_present(table[name]).to_numpy()
        numbers = values[name].to_numpy()[present]
        if len(numbers) == 0 or np.isnan(numbers).any() or not np.all(numbers == np.round(numbers)):
            continue
        low, high = _UNIT_RANGE[unit]
        if numbers.min() >= low and numbers.max() <= high:
            found[unit] = name
    chain: list[str] = []
    for unit in UNITS:
        if unit in found:
            chain.append(unit)
        elif chain and not (unit == "month" and chain == ["year"]):  # year and day of year is a known layout
            break
    if "day" in chain and "month" in chain and values[found["day"]].max() > 31:
        chain = chain[: chain.index("day")]
    return {unit: found[unit] for unit in chain} if len(chain) >= 2 else {}


def _combine(table: pd.DataFrame, values: pd.DataFrame, split: dict[str, str]) -> TimeAxis:
    """One timestamp from the time split over columns, or row labels when there is no year."""
    columns = tuple(split.values())
    shown = ", ".join(columns)
    numbers = {unit: values[name].set_axis(table.index) for unit, name in split.items()}
    stamps = None
    if "year" in numbers and numbers["year"].between(1678, 2261).any():
        year = numbers["year"].where(numbers["year"].between(1678, 2261))
        if "month" in numbers:
            day = numbers.get("day", pd.Series(1.0, index=table.index))
            parts = pd.DataFrame({"year": year, "month": numbers["month"], "day": day})
            stamps = pd.to_datetime(parts, errors="coerce")
        else:  # the day, if any, is the day of the year
            stamps = pd.to_datetime(year.astype("Int64").astype(str), format="%Y", errors="coerce")
            stamps = stamps + pd.to_timedelta(numbers.get("day", pd.Series(1.0, index=table.index)) - 1, unit="D")
        for unit, step in (("hour", "h"), ("minute", "min")):
            if unit in numbers:
                stamps = stamps + pd.to_timedelta(numbers[unit], unit=step)
    if stamps is not None and stamps.notna().sum() >= MIN_DATE_SHARE * len(stamps):
        note = f"The time is split over the columns {shown}; they were combined into one timestamp."
        return TimeAxis("dates", columns, stamps.astype("datetime64[ns]"), notes=(note,))
    labels = table[columns[0]].str.cat([table[c] for c in columns[1:]], sep=" ")
    note = (
        f"The time is split over the columns {shown} but gives no calendar dates (no year, or years out of range); "
        "they are kept as row labels, and rows are steps in file order."
    )
    return TimeAxis("labels", columns, labels=labels, notes=(note,))


def _month_names(table: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    """`values` with month names ("Jan", "January") as numbers 1-12 in a column named like a month."""
    for name in table.columns:
        if re.sub(r"[^a-z]", "", name.lower()) not in _UNIT_NAMES["month"]:
            continue
        cells = table[name][is_present(table[name])]
        if len(cells) and cells.str.fullmatch(r"[A-Za-z]{3,9}\.?").all():
            months = table[name].str.lower().str[:3].map(_MONTHS)
            if months[cells.index].notna().all():
                values = values.copy()
                values[name] = months.astype(float).to_numpy()
    return values


def _with_time_of_day(table: pd.DataFrame, axis: TimeAxis) -> TimeAxis:
    """A date-only axis plus the time of day from a separate `time` ("13:45") or `hour` (0-24) column."""
    stamps = axis.stamps.dropna()
    if not len(stamps) or (stamps.dt.normalize() != stamps).any():
        return axis
    for name in table.columns:
        word = re.sub(r"[^a-z]", "", name.lower())
        if name in axis.columns or (word not in _TIME_OF_DAY_NAMES and word not in _UNIT_NAMES["hour"]):
            continue  # only a column named like a time of day can hold one
        cells = table[name].where(is_present(table[name]))
        present = cells.dropna()
        if not len(present):
            continue
        if word in _TIME_OF_DAY_NAMES and present.str.fullmatch(_CLOCK).all():
            clock = cells.str.replace(r"^(\d{1,2}:\d{2})$", r"\1:00", regex=True)
            offset = pd.to_timedelta(clock, errors="coerce")
        elif (
            word in _UNIT_NAMES["hour"] and present.str.fullmatch(r"\d{1,2}").all() and present.astype(int).le(24).all()
        ):
            offset = pd.to_timedelta(pd.to_numeric(cells, errors="coerce"), unit="h")
        else:
            continue
        note = f"The date in {axis.columns[0]!r} and the time of day in {name!r} were combined into one timestamp."
        return TimeAxis(
            "dates", (*axis.columns, name), axis.stamps + offset, had_tz=axis.had_tz, notes=(*axis.notes, note)
        )
    return axis


def _label_column(table: pd.DataFrame, named: list[str], numeric: list[str]) -> str | None:
    """A column of time labels that are not dates: named like a time, or first, not numbers, mostly distinct."""
    first = [table.columns[0]] if len(table.columns) else []
    for name in dict.fromkeys(named + first):
        if name in numeric:
            continue
        cells = table[name][is_present(table[name])]
        if len(cells) and cells.nunique() >= 0.9 * len(cells) and cells.str.contains(r"\d").mean() >= MIN_DATE_SHARE:
            return name
    return None
