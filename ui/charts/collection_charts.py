"""A collection of series as small multiples: one small line chart per series in one plotly figure.

Pure: from a `Collection` (and each series' season) to a `go.Figure`, no Streamlit calls. Each panel has its own
axes (series of a collection differ in level and length); its title names the series, its length and its season.
At most `MAX_PANELS` series are drawn (the first ones, in the collection's order); the table beside lists them all.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lstm_core.data.collections import Collection
from ui.text.format import chart_text

__all__ = ["COLUMNS", "MAX_PANELS", "small_multiples"]

MAX_PANELS = 24
COLUMNS = 4
_PANEL_HEIGHT = 150  # pixels per row of panels
_LINE = "#2563eb"


def _panel_title(name: str, length: int, season: int | None) -> str:
    season_text = f"s={season}" if season else "no season"
    return f"{chart_text(name)[:24]} · {length} · {season_text}"


def small_multiples(collection: Collection, seasons: Mapping[str, int | None] | None = None) -> go.Figure:
    """The first `MAX_PANELS` series, `COLUMNS` to a row; `seasons` maps a series' name to its season (or None)."""
    shown = collection.series[:MAX_PANELS]
    seasons = seasons or {}
    rows = max(1, math.ceil(len(shown) / COLUMNS))
    titles = [_panel_title(item.name, len(item), seasons.get(item.name)) for item in shown]
    fig = make_subplots(
        rows=rows,
        cols=COLUMNS,
        subplot_titles=titles,
        horizontal_spacing=0.04,
        vertical_spacing=min(0.3 / rows, 0.12),
    )
    for k, item in enumerate(shown):
        fig.add_trace(
            go.Scatter(
                x=item.index,
                y=item.values,
                mode="lines",
                name=chart_text(item.name),
                line={"color": _LINE, "width": 1},
                hovertemplate="%{x}: %{y:.4g}<extra>" + chart_text(item.name) + "</extra>",
            ),
            row=k // COLUMNS + 1,
            col=k % COLUMNS + 1,
        )
    fig.update_annotations(font={"size": 11})
    fig.update_xaxes(showticklabels=True, tickfont={"size": 9}, nticks=4)
    fig.update_yaxes(tickfont={"size": 9}, nticks=4)
    fig.update_layout(
        height=60 + rows * _PANEL_HEIGHT,
        showlegend=False,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        hovermode="closest",
    )
    return fig
