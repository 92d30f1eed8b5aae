"""Plotly figures for looking inside the network: gates over epochs, saturation, whole-series states.

Pure functions from arrays to `go.Figure`; no Streamlit calls (see ui/charts/figures.py for the others).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ui.charts.figures import COLORS, GATE_TITLES, _layout
from ui.text.format import chart_text

__all__ = [
    "live_gate_figure",
    "saturation_figure",
    "set_gate_values",
    "set_saturation_values",
    "states_figure",
    "unit_epochs_figure",
]

PART_COLORS = {"train": "rgba(148,163,184,0.10)", "validation": "rgba(249,115,22,0.10)", "test": "rgba(37,99,235,0.08)"}
SELECTION_COLOR = "rgba(250,204,21,0.35)"
MATCH_COLOR = "rgba(22,163,74,0.25)"
UNIT_COLORS = ["#2563eb", "#dc2626", "#16a34a", "#a855f7", "#f59e0b", "#0891b2", "#db2777", "#65a30d"]


def live_gate_figure(values: np.ndarray, name: str, epoch: int) -> go.Figure:
    """The probe window's gate `name` (window, units) after `epoch`, as a heatmap of unit × step."""
    low, high = (-1.0, 1.0) if name in ("g", "h", "n") else (0.0, 1.0)  # n: a GRU's candidate
    if name == "c":
        bound = float(np.nanmax(np.abs(values))) if np.isfinite(values).any() else 1.0
        low, high = -(bound or 1.0), bound or 1.0
    fig = go.Figure(
        go.Heatmap(
            z=values.T,  # (units, window)
            x=np.arange(1, values.shape[0] + 1),
            zmin=low,
            zmax=high,
            colorscale="RdBu_r" if low < 0 else "Viridis",
            hovertemplate="unit %{y}, step %{x}<br>" + name + " = %{z:.3f}<extra></extra>",
        )
    )
    fig.update_layout(title={"text": f"{GATE_TITLES.get(name, name)} — epoch {epoch}", "x": 0}, hovermode="closest")
    return _layout(fig, height=340, x_title="step of the probe window", y_title="unit")


def unit_epochs_figure(epochs: np.ndarray, means: np.ndarray, name: str = "f") -> go.Figure:
    """Mean gate per unit against epoch: epochs (E,), means (E, units) -> a unit × epoch heatmap."""
    fig = go.Figure(
        go.Heatmap(
            z=means.T,  # (units, E)
            x=epochs,
            zmin=0.0,
            zmax=1.0,
            colorscale="Viridis",
            colorbar={"title": {"text": f"mean {name}"}},
            hovertemplate="unit %{y} after epoch %{x}<br>mean " + name + " = %{z:.3f}<extra></extra>",
        )
    )
    fig.update_layout(title={"text": f"Mean {name} per unit over training", "x": 0}, hovermode="closest")
    return _layout(fig, height=240 + min(means.shape[1], 64) * 5, x_title="epoch", y_title="unit")


def saturation_figure(result: dict[str, tuple[np.ndarray, np.ndarray]], *, title: str = "") -> go.Figure:
    """One scatter per gate: each unit's fraction of time below 0.1 (x) against above 0.9 (y)."""
    names = list(result)
    fig = make_subplots(rows=1, cols=len(names), subplot_titles=[GATE_TITLES[n].split(":")[0] for n in names])
    for col, name in enumerate(names, start=1):
        below, above = result[name]
        fig.add_trace(
            go.Scatter(
                x=below,
                y=above,
                mode="markers",
                name=name,
                text=[f"unit {u}" for u in range(len(below))],
                marker={"size": 7, "color": UNIT_COLORS[col - 1], "opacity": 0.75},
                hovertemplate="%{text}<br>below 0.1: %{x:.0%}<br>above 0.9: %{y:.0%}<extra></extra>",
                showlegend=False,
            ),
            row=1,
            col=col,
        )
        fig.add_trace(
            go.Scatter(x=[0, 1], y=[1, 0], mode="lines", line={"color": "#cbd5e1", "dash": "dot"}, showlegend=False),
            row=1,
            col=col,
        )
        fig.update_xaxes(range=[-0.03, 1.03], title_text="fraction < 0.1", row=1, col=col)
        fig.update_yaxes(range=[-0.03, 1.03], title_text="fraction > 0.9" if col == 1 else None, row=1, col=col)
    fig.update_layout(title={"text": title, "x": 0}, hovermode="closest")
    return _layout(fig, height=360)


def _x(index: pd.Index, position: int) -> Any:
    return index[min(max(position, 0), len(index) - 1)]


def states_figure(
    index: pd.Index,  # (T,)
    series: np.ndarray,  # (T,) the target in user units
    values: np.ndarray,  # (T, K) states of the chosen units
    units: Sequence[int],
    *,
    state_name: str,
    target: str,
    parts: tuple[int, int],  # train_end, val_end
    selection: tuple[int, int] | None = None,
    matches: Sequence[tuple[int, int]] = (),
) -> go.Figure:
    """The series on top and the chosen units' states under it on one time axis; parts, selection and matches
    shaded. Only the series has (tiny) markers, so a box drag selects its points, never the states'."""
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.35, 0.65], vertical_spacing=0.04)
    fig.add_trace(
        go.Scatter(
            x=index,
            y=series,
            mode="lines+markers",  # plotly selects points only on traces with markers
            name=chart_text(target),
            line={"color": COLORS["actual"], "width": 1.2},
            marker={"size": 2, "color": COLORS["actual"]},
        ),
        row=1,
        col=1,
    )
    for k, unit in enumerate(units):
        fig.add_trace(
            go.Scatter(
                x=index,
                y=values[:, k],
                mode="lines",
                name=f"unit {unit}",
                line={"color": UNIT_COLORS[k % len(UNIT_COLORS)], "width": 1.2},
            ),
            row=2,
            col=1,
        )
    train_end, val_end = parts
    spans = ((0, train_end), (train_end, val_end), (val_end, len(index)))
    for (first, last), part in zip(spans, PART_COLORS, strict=True):
        if last > first:
            fig.add_vrect(x0=_x(index, first), x1=_x(index, last - 1), fillcolor=PART_COLORS[part], line_width=0)
            fig.add_annotation(
                x=_x(index, first), y=1.0, yref="paper", text=part, showarrow=False, xanchor="left", yanchor="bottom"
            )
    shaded = [(m, MATCH_COLOR) for m in matches] + ([(selection, SELECTION_COLOR)] if selection else [])
    for (first, last), color in shaded:
        fig.add_vrect(x0=_x(index, first), x1=_x(index, last - 1), fillcolor=color, line_width=0, layer="below")
    fig.update_yaxes(title_text=chart_text(target), row=1, col=1)
    fig.update_yaxes(title_text=state_name, row=2, col=1)
    fig.update_layout(dragmode="select", selectdirection="h", hovermode="x unified")
    return _layout(fig, height=520)


def set_gate_values(fig: go.Figure, name: str, values: np.ndarray) -> go.Figure:
    """Put new gate values (window, units) into a figure made by `figures.gate_figure` for the same window.

    Moving the epoch slider changes only the heatmap's numbers; rebuilding six subplot figures costs
    several times more than replacing their z (bench/inside_speed.py).
    """
    heatmap = fig.data[1]
    heatmap.z = values.T  # (units, window)
    if name == "c":
        bound = float(np.nanmax(np.abs(values))) if np.isfinite(values).any() else 1.0
        heatmap.zmin, heatmap.zmax = -(bound or 1.0), bound or 1.0
    return fig


def set_saturation_values(fig: go.Figure, result: dict[str, tuple[np.ndarray, np.ndarray]]) -> go.Figure:
    """Put new fractions into a figure made by `saturation_figure` for the same gates."""
    markers = [trace for trace in fig.data if trace.mode == "markers"]
    for trace, (below, above) in zip(markers, result.values(), strict=True):
        trace.x, trace.y = below, above
    return fig
