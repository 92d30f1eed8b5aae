"""Plotly figures for gradients through time and input attribution (lstm_core.nn.gradients).

Pure functions from arrays to `go.Figure`; no Streamlit calls.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ui.charts.figures import UNIT_COLORS_BY_CELL, _layout

__all__ = ["attribution_figure", "reach_figure"]


def reach_figure(curves: dict[str, np.ndarray], *, cells: Sequence[str] = ()) -> go.Figure:
    """‖∂ŷ/∂h_{T−1−k}‖ against the lag k on a log scale, one line per curve (name -> (T,) in step order)."""
    fig = go.Figure()
    for position, (name, norms) in enumerate(curves.items()):
        norms = np.asarray(norms, dtype=np.float64)[::-1]  # (T,): lag 0 first
        cell = cells[position] if position < len(cells) else ""
        fig.add_trace(
            go.Scatter(
                x=np.arange(len(norms)),
                y=np.where(norms > 0, norms, np.nan),  # a log axis cannot show 0
                mode="lines+markers",
                name=name,
                line={"color": UNIT_COLORS_BY_CELL.get(cell, UNIT_COLORS_BY_CELL[""])[position % 4]},
                marker={"size": 4},
                hovertemplate="lag %{x}<br>‖∂ŷ/∂h‖ = %{y:.3g}<extra>" + name + "</extra>",
            )
        )
    fig.update_yaxes(type="log")
    fig.update_layout(title={"text": "How far back the prediction still reaches: ‖∂ŷ/∂h_t‖ against the lag", "x": 0})
    return _layout(fig, height=340, x_title="lag k (steps before the last input)", y_title="‖∂ŷ/∂h‖ (log)")


def attribution_figure(attributions: np.ndarray, times: Sequence, features: Sequence[str]) -> go.Figure:
    """Integrated gradients per step, one bar group per feature: attributions (window, F)."""
    fig = go.Figure()
    for k, feature in enumerate(features):
        values = attributions[:, k]
        fig.add_trace(
            go.Bar(
                x=list(times),
                y=values,
                name=str(feature),
                marker={"color": np.where(values >= 0, "#2563eb", "#dc2626")} if len(features) == 1 else None,
                hovertemplate="%{x}<br>attribution %{y:+.4g}<extra>" + str(feature) + "</extra>",
            )
        )
    fig.add_hline(y=0, line={"color": "#94a3b8", "width": 1})
    fig.update_layout(
        barmode="group", title={"text": "What the prediction used: integrated gradients per step", "x": 0}
    )
    return _layout(fig, height=320, y_title="attribution (scaled units)")
