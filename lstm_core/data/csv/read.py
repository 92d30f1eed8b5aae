"""Read a CSV someone actually has into a clean `Dataset`, or say in one sentence why not.

Contract: `read_csv` takes a path, raw bytes or a binary/text file object and returns a
`Dataset` whose frame is float64 with no NaN or inf, indexed by a sorted, unique,
timezone-naive `DatetimeIndex` named "time" (or a `RangeIndex` named "step" when no date
column exists). Every cleaning step that changed the data is told in `Dataset.notes`.
Every problem the user can fix raises `LabError`; no pandas/NumPy/csv exception escapes.

What it copes with: UTF-8 with or without BOM, UTF-16 with BOM, Latin-1; `,` `;` tab `|`
separators; decimal commas and thousands separators; quoted fields; monthly dates like
`1949-01`; quarters, ISO weeks and time split over columns (see csvdates.py); year-less
labels (kept, rows in file order); row counters and text columns (left out); Yahoo Finance
exports; timezone-aware timestamps (converted to UTC); unsorted and duplicate timestamps;
missing or inf cells (interpolated); ragged rows; no header row; a footer line; text that
looks like spreadsheet formulas (never a number); thousands of columns (capped).
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from lstm_core.data.csv.dates import NO_DATE_COLUMN, TimeAxis, find_time_axis, match_name
from lstm_core.data.csv.text import COMMA_NUMBER, DOT_NUMBER, MISSING, Source, decode, head, read_bytes, split_rows
from lstm_core.data.dataset import Dataset
from lstm_core.errors import LabError

__all__ = ["MAX_COLUMNS", "MIN_ROWS", "NO_DATE_COLUMN", "column_names", "read_csv"]

MIN_ROWS = 10  # fewer usable rows than this cannot be split into train/validation/test windows
MAX_COLUMNS = 50  # numeric columns kept; more than this is a matrix, not a handful of series

_INF = {"inf", "+inf", "-inf", "infinity", "+infinity", "-infinity", "∞", "-∞"}
_COUNTER_NAMES = {"no", "index", "step", "id", "row", "rowid", "rownumber", "unnamed0"}  # letters and digits only
_STEP_NAMES = {"t", "time", "timestep", "steps", "period"}  # a time counted in steps: 0, 1, 2, ... (or 1, 2, 3, ...)


def read_csv(
    source: Source,
    *,
    column: str | None = None,
    date_column: str | None = None,
    features: tuple[str, ...] | list[str] = (),
    name: str | None = None,
    max_bytes: int | None = None,
) -> Dataset:
    """Read `source` into a clean `Dataset`; `column` picks the target, `date_column` the time axis."""
    raw, label = read_bytes(source, max_bytes=max_bytes)
    try:
        return _parse(raw, label, column=column, date_column=date_column, features=tuple(features), name=name)
    except LabError:
        raise
    except Exception as error:  # a bug or a file shape we did not foresee: still one sentence
        raise LabError(
            f"The file could not be read as a table ({type(error).__name__}: {str(error)[:120]}); "
            "save it as a plain CSV with one header row and one row per time step."
        ) from error


def column_names(raw: bytes, *, head_bytes: int = 256 * 1024) -> list[str]:
    """The column names `read_csv` gives the file (same decoding, separator and header rules), from its head."""
    notes: list[str] = []
    try:
        names = split_rows(decode(head(raw, head_bytes), notes), notes)[0]
    except LabError:
        return []
    return names


def _numbers(cells: np.ndarray, decimal_comma: bool | None, sep: str) -> tuple[np.ndarray, np.ndarray, dict[str, int]]:
    """Parse a (rows, cols) array of text cells; return float values, a numeric mask and counts.

    Each distinct cell text is parsed once (a long file repeats its years, hours and codes), then
    the results are spread back over the cells.
    """
    codes, distinct = pd.factorize(pd.Series(cells.ravel(), dtype=object))  # (cells,), (distinct,)
    weights = np.bincount(codes, minlength=len(distinct))  # how often each distinct text occurs
    flat = pd.Series(distinct, dtype=object)
    lower = flat.str.lower()
    missing = lower.isin(MISSING).to_numpy().copy()
    infinite = lower.isin(_INF).to_numpy().copy()
    dot = flat.str.fullmatch(DOT_NUMBER).to_numpy(dtype=bool)
    comma = flat.str.fullmatch(COMMA_NUMBER).to_numpy(dtype=bool)
    if decimal_comma is None:
        dot_only, comma_only = int(weights[dot & ~comma].sum()), int(weights[comma & ~dot].sum())
        # A tie ("4.216" reads either way) goes to the decimal comma only in a `;` file that has a comma in a number.
        any_comma = bool((comma & flat.str.contains(",", regex=False).to_numpy(dtype=bool)).any())
        decimal_comma = comma_only > dot_only or (comma_only == dot_only and sep == ";" and any_comma)
    if decimal_comma:
        ok = comma
        cleaned = flat.str.replace(r"[. \u00a0\u202f]", "", regex=True).str.replace(",", ".", regex=False)
    else:
        ok = dot
        cleaned = flat.str.replace(",", "", regex=False)
    values = pd.to_numeric(cleaned.where(ok), errors="coerce").to_numpy(dtype=np.float64, copy=True)
    infinite |= np.isinf(values)
    values[infinite] = np.nan
    numeric = (ok | infinite) & ~missing
    formula = flat.str.match(r"[=+\-@]").to_numpy(dtype=bool) & ~numeric & ~missing
    counts = {
        "inf": int(weights[infinite].sum()),
        "formula": int(weights[formula].sum()),
        "comma": int(decimal_comma),
    }
    shape = cells.shape
    nonempty = (~missing)[codes].reshape(shape)
    return values[codes].reshape(shape), np.stack([numeric[codes].reshape(shape), nonempty]), counts


def _parse(
    raw: bytes,
    label: str,
    *,
    column: str | None,
    date_column: str | None,
    features: tuple[str, ...],
    name: str | None,
) -> Dataset:
    notes: list[str] = []
    text = decode(raw, notes)
    names, rows, had_header, sep, row_numbers = split_rows(text, notes)
    if not rows:
        raise LabError("The file has a header row but no data rows; add at least 10 rows of data.")
    cells = np.array(rows, dtype=object)  # (rows, cols)
    table = pd.DataFrame(cells, columns=names, dtype=object)
    values, (numeric_mask, nonempty_mask), counts = _numbers(cells, None, sep)
    n_numeric, n_nonempty = numeric_mask.sum(axis=0), nonempty_mask.sum(axis=0)
    nonempty = dict(zip(names, n_nonempty.tolist(), strict=False))
    numeric_cols = [n for n, k, m in zip(names, n_numeric, n_nonempty, strict=False) if k > 0 and k >= 0.5 * m]

    all_values = pd.DataFrame(values, columns=names)
    axis = find_time_axis(table, all_values, numeric_cols, date_column, row_numbers)
    numeric_cols = [n for n in numeric_cols if n not in axis.columns]
    frame = all_values[numeric_cols]
    asked = {match_name(c, names) for c in (column, *features) if c is not None}
    row_counters = [c for c in numeric_cols if c not in asked and _is_named_counter(c, frame[c].to_numpy())]
    numeric_cols = [n for n in numeric_cols if n not in row_counters]
    frame = frame[numeric_cols]

    counters = {c for c in numeric_cols[:MAX_COLUMNS] if _is_counter(frame[c].to_numpy())}
    if not had_header and len(numeric_cols) == 1 and column is not None and match_name(column, names) is None:
        # A headerless file's only numeric column is renamed "value" below; asking for it by that name must work.
        column = numeric_cols[0] if column.strip().lower() == "value" else column
    target = _pick_target(column, names, numeric_cols, nonempty, axis, counters)
    for feature in features:
        if match_name(feature, numeric_cols) is None:
            if match_name(feature, list(axis.columns)) is not None:
                raise LabError(f"Feature column {feature!r} is part of the time ({axis.name}); choose another.")
            raise LabError(f"Feature column {feature!r} holds no numbers; choose from: {', '.join(numeric_cols)}.")
    wanted = [target] + [match_name(f, numeric_cols) or f for f in features if f != target]
    if len(numeric_cols) > MAX_COLUMNS:
        kept = list(dict.fromkeys(numeric_cols[:MAX_COLUMNS] + wanted))
        notes.append(f"The file has {len(numeric_cols)} numeric columns; only the first {MAX_COLUMNS} were kept.")
        frame = frame[kept]
    if not had_header:
        rename = {target: "value"} if len(frame.columns) == 1 else {}
        frame = frame.rename(columns=rename)
        target = rename.get(target, target)
        generated = ", ".join(map(str, frame.columns[:5]))
        notes.append(f"The file has no header row; the columns were named {generated}.")
    notes.extend(axis.notes)
    if row_counters:
        notes.append(f"Left out the row counter {', '.join(row_counters)}: a row number is not a measurement.")
    text_columns = [n for n in names if n not in numeric_cols and n not in axis.columns and n not in row_counters]
    if text_columns:
        shown = ", ".join(text_columns[:5]) + (" and others" if len(text_columns) > 5 else "")
        notes.append(f"Left out {len(text_columns)} text column(s) from the inputs (only numbers can be): {shown}.")
    if counts["formula"]:
        notes.append(
            f"{counts['formula']} cell(s) looked like spreadsheet formulas (starting with =, +, -, @) "
            "and were treated as text, not numbers."
        )
    if counts["comma"]:
        notes.append("Numbers use a decimal comma; they were read as such.")

    labels: tuple[str, ...] = ()
    if axis.kind == "dates":
        frame = _on_time_index(frame, axis, table, row_numbers, notes)
    elif axis.kind == "labels":
        labels = tuple(axis.labels.astype(str))

    if counts["inf"]:
        notes.append(f"{counts['inf']} infinite value(s) were treated as missing.")
    return _finish(frame, target, tuple(wanted[1:]), notes, name or Path(label).stem or "upload", label, labels)


def _on_time_index(
    frame: pd.DataFrame, axis: TimeAxis, table: pd.DataFrame, row_numbers: list[int], notes: list[str]
) -> pd.DataFrame:
    """The frame on the axis' timestamps: unreadable times dropped, sorted, one row per timestamp."""
    bad = axis.stamps.isna().to_numpy()
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        value = " ".join(table[c].iloc[first] for c in axis.columns)
        notes.append(
            f"Dropped {int(bad.sum())} row(s) whose time in {axis.name} could not be read "
            f"(the first: {value!r} in row {row_numbers[first]})."
        )
    frame = frame.loc[~bad]
    frame.index = pd.DatetimeIndex(axis.stamps[~bad]).as_unit("ns")
    if axis.had_tz:
        notes.append("Timestamps carried time zones; they were converted to UTC and the zone dropped.")
    if not frame.index.is_monotonic_increasing:
        frame = frame.sort_index(kind="stable")
        notes.append("Rows were not in time order; they were sorted by time.")
    duplicated = frame.index.duplicated(keep="last")
    if duplicated.any():
        frame = frame.loc[~duplicated]
        notes.append(f"Dropped {int(duplicated.sum())} row(s) with a repeated timestamp; the last one was kept.")
    frame.index.name = "time"
    return frame


def _is_named_counter(name: str, values: np.ndarray) -> bool:
    """A column named like a row counter (No, index, step, id) holding whole numbers, or a time in steps."""
    word = re.sub(r"[^a-z0-9]", "", name.lower())
    present = values[~np.isnan(values)]
    whole = len(present) > 0 and bool(np.all(present == np.round(present)))
    if word in _STEP_NAMES:  # `time` 0, 1, 2, ...: the step index itself
        return whole and len(present) == len(values) and _is_counter(present)
    return word in _COUNTER_NAMES and whole


def _is_counter(values: np.ndarray) -> bool:
    """A row number column (0, 1, 2, ... as pandas writes its index) is never the default target."""
    return len(values) > 2 and bool(np.all(np.diff(values) == 1))


def _pick_target(
    column: str | None,
    names: list[str],
    numeric_cols: list[str],
    nonempty: dict[str, int],
    axis: TimeAxis,
    counters: set[str],
) -> str:
    if column is not None:
        match = match_name(column, names)
        if match is None:
            raise LabError(f"Column {column!r} is not in the file. Choose one of: {', '.join(names)}.")
        if match in axis.columns:
            raise LabError(
                f"Column {match!r} is part of the time ({axis.name}), not a series; choose a column to forecast "
                f"from: {', '.join(numeric_cols) or 'none found'}."
            )
        if match not in numeric_cols:
            if nonempty[match] == 0:
                raise LabError(f"Column {match!r} has no values (every cell is empty); choose another column.")
            choices = ", ".join(numeric_cols) or "none found"
            raise LabError(f"Column {match!r} holds no numbers; choose a numeric column ({choices}).")
        return match
    if not numeric_cols:
        empty = [n for n in names if nonempty[n] == 0 and n not in axis.columns]
        if empty:
            raise LabError(
                f"Column {empty[0]!r} has no values (every cell is empty or missing); "
                "fill it in or choose a file with numbers."
            )
        raise LabError("No column holds numbers; choose a file with at least one numeric column to forecast.")
    for preferred in ("Close", "Adj Close"):  # a Yahoo Finance export: forecast the closing price
        if preferred in numeric_cols:
            return preferred
    return next((c for c in numeric_cols if c not in counters), numeric_cols[0])


def _finish(
    frame: pd.DataFrame,
    target: str,
    features: tuple[str, ...],
    notes: list[str],
    name: str,
    label: str,
    labels: tuple[str, ...] = (),
) -> Dataset:
    real = int(frame[target].notna().sum())
    if real == 0:
        raise LabError(f"Column {target!r} has no values (every cell is empty or missing); choose another column.")
    if real < MIN_ROWS:
        raise LabError(
            f"The file has only {real} usable row(s) with a value in {target!r}; at least {MIN_ROWS} are needed."
        )
    empty = [c for c in frame.columns if c != target and frame[c].notna().sum() == 0]
    for c in empty:
        if c in features:
            raise LabError(f"Feature column {c!r} has no values; choose another feature column.")
    if empty:
        frame = frame.drop(columns=empty)
        notes.append(f"Dropped {len(empty)} column(s) with no values: {', '.join(empty[:5])}.")
    missing = frame.isna().sum()
    if missing.sum():
        has_dates = isinstance(frame.index, pd.DatetimeIndex)
        filled = frame.interpolate(method="time" if has_dates else "linear", limit_direction="both")
        # Between two values near the float limit, interpolation itself can overflow: keep the nearest value there.
        nearest = frame.ffill().bfill()
        frame = filled.where(np.isfinite(filled), nearest).ffill().bfill()
        detail = ", ".join(f"{int(k)} in {c!r}" for c, k in missing.items() if k)
        how = "time-based interpolation" if has_dates else "linear interpolation"
        notes.append(f"Filled {int(missing.sum())} missing value(s) by {how} ({detail}).")
    frame = frame.astype(np.float64)
    freq = None
    if isinstance(frame.index, pd.DatetimeIndex):
        freq = infer_frequency(frame.index)
        gap_note = _gap_note(frame.index, freq)
        if gap_note:
            notes.append(gap_note)
    else:
        frame = frame.reset_index(drop=True)
        frame.index = pd.RangeIndex(len(frame), name="step")
    series = frame[target]
    if series.nunique() == 1:
        notes.append(
            f"The target {target!r} is constant ({series.iloc[0]:g}); a model can learn nothing but that value."
        )
    return Dataset(
        frame=frame,
        target=target,
        features=features,
        name=name,
        source=label,
        freq=freq,
        notes=tuple(notes),
        labels=labels,
    )


def infer_frequency(index: pd.DatetimeIndex) -> str | None:
    """A pandas offset alias for a sorted, unique index: exact if regular, else from the median spacing."""
    if len(index) < 3:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            exact = pd.infer_freq(index)
        except (TypeError, ValueError):
            exact = None
    if exact is not None:
        return getattr(exact, "freqstr", exact)
    step = pd.Series(index).diff().median()
    days = step / pd.Timedelta(days=1)
    if days < 1:
        return pd.tseries.frequencies.to_offset(step).freqstr
    if days == 1:
        weekend = (index.dayofweek >= 5).any()
        return "D" if weekend or (index[-1] - index[0]).days < 7 else "B"
    if days == 7:
        return f"W-{index[0].day_name()[:3].upper()}"
    if 28 <= days <= 31:
        return "ME" if index.is_month_end.all() else "MS"
    if 89 <= days <= 92:
        return "QS"
    if 365 <= days <= 366:
        return "YS"
    return f"{round(days)}D" if days == round(days) else pd.tseries.frequencies.to_offset(step).freqstr


def _gap_note(index: pd.DatetimeIndex, freq: str | None) -> str | None:
    if freq is None:
        return "The timestamps are too few or too irregular to infer a frequency."
    try:
        grid = pd.date_range(index[0], index[-1], freq=freq)
    except (ValueError, TypeError):
        return None
    if len(grid) > 10 * len(index) + 1000:
        return f"The timestamps are irregular; the typical step ({freq}) was used as the frequency."
    if not index.isin(grid).all():
        return f"The timestamps are irregular; the typical step ({freq}) was used as the frequency."
    missing = len(grid) - len(index)
    if missing:
        what = "business day(s)" if freq == "B" else f"time step(s) (frequency {freq})"
        return f"{missing} {what} between the first and last date have no row; the gaps were left as they are."
    return None
