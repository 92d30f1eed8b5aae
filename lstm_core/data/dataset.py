"""The one data contract every loader returns and every later step reads.

A `Dataset` holds a clean frame: the index is either a sorted, unique `DatetimeIndex`
(timezone-naive) or a `RangeIndex` named "step"; every column is float64 with no NaN or
inf. With a step index, `labels` may keep the file's own time labels that are not calendar
dates (year-less "1-01", ...), one per row. `target` is the column to forecast; `features`
are extra input columns (never including the target). `notes` are sentences saying what cleaning was done, for the user.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from lstm_core.errors import LabError

__all__ = ["Dataset"]


@dataclass(frozen=True, eq=False)
class Dataset:
    frame: pd.DataFrame
    target: str
    features: tuple[str, ...] = ()
    name: str = "series"
    source: str = ""
    freq: str | None = None  # pandas offset alias ("MS", "D", "B", ...); None for a step index
    notes: tuple[str, ...] = field(default_factory=tuple)
    labels: tuple[str, ...] = ()  # a step index's own time labels from the file ("1-01", ...), one per row; or ()
    season_length: int | None = None  # the season its source states without dates (a competition series' period)

    def __post_init__(self) -> None:
        columns = list(self.frame.columns)
        if self.target not in columns:
            raise LabError(f"Column {self.target!r} is not in the data. Choose one of: {', '.join(map(str, columns))}.")
        missing = [f for f in self.features if f not in columns]
        if missing:
            raise LabError(
                f"Feature column(s) {', '.join(map(repr, missing))} are not in the data. "
                f"Choose from: {', '.join(map(str, columns))}."
            )
        object.__setattr__(self, "features", tuple(f for f in self.features if f != self.target))
        if self.labels and len(self.labels) != len(self.frame):
            raise LabError(f"`labels` must have one label per row ({len(self.frame)}). Received: {len(self.labels)}")

    @property
    def series(self) -> pd.Series:
        """The target column, with the time (or step) index."""
        return self.frame[self.target]

    @property
    def input_columns(self) -> list[str]:
        """The model's input columns: the target first, then the extra features."""
        return [self.target, *self.features]

    @property
    def has_dates(self) -> bool:
        return isinstance(self.frame.index, pd.DatetimeIndex)

    @property
    def values(self) -> np.ndarray:
        """Model inputs as float64, shape (T, F), target in column 0 (windows.prepare scales, then casts)."""
        return self.frame[self.input_columns].to_numpy(dtype=np.float64)  # (T, F)

    def __len__(self) -> int:
        return len(self.frame)

    def with_columns(self, *, target: str | None = None, features: tuple[str, ...] | None = None) -> Dataset:
        """The same data with another target and/or feature columns."""
        return replace(
            self,
            target=self.target if target is None else target,
            features=self.features if features is None else tuple(features),
        )
