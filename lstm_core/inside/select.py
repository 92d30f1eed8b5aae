"""Select and match, after LSTMVis (Strobelt et al., TVCG 2018): which hidden units pick out a pattern.

Select: the user picks a time range [start, end) of the series. A unit is *on* at a step when its
hidden state is above `threshold`. Units that are on for most of the range (`min_inside`) are
ranked by how much more often they are on inside the range than outside it; the best `max_units`
form the selected set.

Match: every other range of the series where all the selected units are on at once, for at least
`min_length` steps (by default half the selection's length), is a match: the places where the
network "sees" the same thing again.

Pure NumPy on h (T, U) from `lstm_core.inside.states`; NaN steps (no full window yet) count as off.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Selection", "on_ranges", "select_and_match"]


@dataclass(frozen=True, eq=False)
class Selection:
    start: int  # the selected range is [start, end), 0-based steps of the series
    end: int
    threshold: float
    units: np.ndarray  # (K,) selected units, best first (may be empty)
    inside: np.ndarray  # (U,) fraction of the range's steps each unit is on
    outside: np.ndarray  # (U,) fraction of the other steps each unit is on
    matches: tuple[tuple[int, int], ...]  # other [start, end) ranges where every selected unit is on

    @property
    def score(self) -> np.ndarray:
        return self.inside - self.outside  # (U,)


def on_ranges(on: np.ndarray) -> list[tuple[int, int]]:
    """The [start, end) runs of True in a boolean array (T,)."""
    on = np.asarray(on, dtype=bool)
    edges = np.diff(np.concatenate([[False], on, [False]]).astype(np.int8))  # (T+1,)
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


def select_and_match(
    h: np.ndarray,
    start: int,
    end: int,
    *,
    threshold: float = 0.3,
    max_units: int = 5,
    min_inside: float = 0.8,
    min_length: int | None = None,
) -> Selection:
    """Rank units on inside [start, end) and off outside it, then find where the selected set is on again.

    h: (T, U). Raises ValueError for a range that is empty or leaves the series.
    """
    h = np.asarray(h, dtype=np.float32)  # (T, U)
    steps = h.shape[0]
    if not 0 <= start < end <= steps:
        raise ValueError(f"The range must lie inside the series (0 to {steps}). Received: start={start}, end={end}")
    with np.errstate(invalid="ignore"):
        on = h > threshold  # (T, U); NaN compares False: off
    inside = on[start:end].mean(axis=0)  # (U,)
    outside_steps = steps - (end - start)
    outside_count = on[:start].sum(axis=0) + on[end:].sum(axis=0)  # (U,)
    outside = outside_count / outside_steps if outside_steps else np.zeros(h.shape[1])  # (U,)
    score = inside - outside
    candidates = np.flatnonzero((inside >= min_inside) & (score > 0))
    units = candidates[np.argsort(-score[candidates], kind="stable")][:max_units]
    matches: list[tuple[int, int]] = []
    if len(units):
        together = on[:, units].all(axis=1)  # (T,)
        shortest = min_length if min_length is not None else max(1, (end - start) // 2)
        for first, last in on_ranges(together):
            if last - first >= shortest and (last <= start or first >= end):
                matches.append((first, last))
    return Selection(
        start=start,
        end=end,
        threshold=threshold,
        units=units,
        inside=inside.astype(np.float64),
        outside=np.asarray(outside, dtype=np.float64),
        matches=tuple(matches),
    )
