"""Helpers of the Inside page: whole-series states cached per run, a brushed box as a range, the match sentence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from lstm_core.inside.states import sequence_states, window_states
from ui.text.format import time_label
from ui.text.gate_text import TEXT
from ui.text.i18n import text

__all__ = [
    "READINGS",
    "Shown",
    "apply_brush",
    "match_sentence",
    "ranking_table",
    "reading_words",
    "readings_words",
    "shown",
    "states_for",
]

READINGS = ("sequence", "windows")  # how the network reads the series; their words are `inside.reading_<name>`


@dataclass(frozen=True, eq=False)
class Shown:
    """What the Inside page draws, from a run or from one series of a benchmark's global LSTM."""

    index: pd.Index  # (T,)
    values: np.ndarray  # (T,) the series drawn above the states
    target: str  # its name on the chart
    weights: Any  # NetworkWeights
    window: int
    parts: tuple[int, int]  # where validation and test begin
    readings: tuple[str, ...]  # the readings it has (`READINGS`' keys)
    note: str = ""  # a sentence saying in which units the series is drawn, where not its own


def shown(record: Any) -> Shown:
    """A run's series and network, or a global view's (ui.views.global_views: the series in the network's units)."""
    if hasattr(record, "inside"):  # a GlobalSeriesView
        inside = record.inside
        fitting = inside.train_length - inside.horizon
        return Shown(
            inside.index, inside.scaled, f"{record.series} / scale", record.weights, inside.window,
            (fitting, inside.train_length), ("windows",),
            note=text("inside.global_note")
            + (" " + text("inside.global_first").format(n=record.members, s=record.seed) if record.members > 1
               else ""),
        )  # fmt: skip
    run = record.run
    windows = run.windows
    return Shown(
        run.dataset.frame.index, run.dataset.series.to_numpy(), run.dataset.target, run.weights, windows.window,
        (windows.train_end, windows.val_end), READINGS,
    )  # fmt: skip


def states_for(record: Any, reading: str) -> list[dict[str, np.ndarray]]:
    """h and c of every layer over the whole series, in `reading`; computed once per run and reading.

    One cache per visitor (session state), holding only the latest run's two readings. A global view keeps its own
    (one series').
    """
    if hasattr(record, "inside"):
        return record.states()
    cache = st.session_state.inside_states
    key = (record.number, reading)
    if key not in cache:
        run = record.run
        if reading == "sequence":
            layers = sequence_states(run.windows.scaled, run.weights)
            layers = [{name: layer[name] for name in ("h", "c") if name in layer} for layer in layers]  # states only
        else:
            layers = window_states(run.windows.scaled, run.weights, run.windows.window)
        for old in [k for k in cache if k[0] != record.number]:
            del cache[old]
        cache[key] = layers
    return cache[key]


def _position(index: pd.Index, value: Any, side: str = "left") -> int:
    """The position of a chart x value (a date string for a date axis) in the index."""
    if isinstance(index, pd.DatetimeIndex):
        value = pd.Timestamp(value)
        if index.tz is not None and value.tzinfo is None:
            value = value.tz_localize(index.tz)
    return int(index.searchsorted(value, side=side))


def _brushed(selection: Any, index: pd.Index) -> tuple[int, int] | None:
    """The [first, last] positions of a box selection: its x range, else the series points it holds."""
    boxes = selection.get("box") or []
    if boxes and len(boxes[0].get("x") or []) >= 2:
        x0, x1 = boxes[0]["x"][:2]
        if _position(index, x1) < _position(index, x0):
            x0, x1 = x1, x0
        return _position(index, x0), _position(index, x1, "right") - 1  # the points inside [x0, x1]
    points = [p["point_index"] for p in selection.get("points") or [] if p.get("curve_number") == 0]
    return (min(points), max(points)) if points else None


def apply_brush(chart_key: str, index: pd.Index, start_key: str, end_key: str) -> None:
    """A new box drawn on the chart `chart_key` sets the range inputs (before they are drawn in this run)."""
    event = st.session_state.get(chart_key)
    brushed = _brushed((event or {}).get("selection") or {}, index)
    if brushed is None or st.session_state.get("inside_brushed") == brushed:
        return  # nothing drawn, or this box was applied already (the inputs may have been changed since)
    st.session_state.inside_brushed = brushed
    first = min(max(brushed[0], 0), len(index) - 1)
    last = min(max(brushed[1], first), len(index) - 1)
    st.session_state[start_key] = first
    st.session_state[end_key] = last  # inclusive


def match_sentence(selection: Any, index: pd.Index) -> str:
    """How many other ranges the selected units are on together, and where."""
    units = ", ".join(str(u) for u in selection.units)
    if not selection.matches:
        return TEXT["matches_none"].format(units=units)
    shown = selection.matches[:8]
    where = "; ".join(f"{time_label(index[a])} → {time_label(index[b - 1])}" for a, b in shown)
    if len(selection.matches) > len(shown):
        where += text("inside.more").format(n=len(selection.matches) - len(shown))
    count = len(selection.matches)
    return TEXT["matches_some"].format(units=units, count=count, s="" if count == 1 else "s", where=where)


def ranking_table(selection: Any, rows: int = 10) -> pd.DataFrame:
    """The best-ranked units: how often each is on inside the range and outside it, and whether it is selected."""
    order = np.argsort(-selection.score, kind="stable")[:rows]
    chosen = set(selection.units.tolist())
    unit = text("gates.unit")
    return pd.DataFrame(
        {
            text("inside.column_inside"): selection.inside[order].round(3),
            text("inside.column_outside"): selection.outside[order].round(3),
            text("inside.column_score"): selection.score[order].round(3),
            text("inside.column_selected"): [u in chosen for u in order],
        },
        index=pd.Index([unit.format(n=u) for u in order], name=text("inside.column_unit")),
    )


def reading_words(reading: str) -> str:
    """A reading of the series (one of `READINGS`) in the visitor's language."""
    return text(f"inside.reading_{reading}")


def readings_words() -> dict[str, str]:
    """Every reading in the visitor's language (a widget's labels, made when it is drawn)."""
    return {reading: reading_words(reading) for reading in READINGS}
