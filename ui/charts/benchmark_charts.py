"""A benchmark's figure and tables: pure functions of its scores and summary, no Streamlit calls.

Every label a visitor reads comes in as an argument (the page takes it from ui/text/<lang>.toml).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lstm_core.scoring.published import published
from ui.charts.figures import COLORS, _layout

__all__ = ["Duel", "duel", "mase_scatter", "published_table", "summary_table"]


def _interval(block: Mapping[str, Any] | None, digits: int) -> str:
    if not block or block.get("mean") is None or not block.get("ci95") or None in block["ci95"]:
        return "—"
    low, high = block["ci95"]
    return f"[{low:.{digits}f}, {high:.{digits}f}]"


def _mean(block: Mapping[str, Any] | None) -> float | None:
    return None if not block else block.get("mean")


def summary_table(summary: Mapping[str, Any], columns: Mapping[str, str]) -> pd.DataFrame:
    """One row per model: mean sMAPE and MASE with their 95% intervals over series, OWA, seconds.

    `columns`: the column titles by key (model, smape, smape_ci, mase, mase_ci, owa, seconds)."""
    seconds = summary.get("seconds") or {}
    rows = []
    for model, block in (summary.get("models") or {}).items():
        rows.append(
            {
                columns["model"]: model,
                columns["smape"]: _mean(block.get("smape")),
                columns["smape_ci"]: _interval(block.get("smape"), 2),
                columns["mase"]: _mean(block.get("mase")),
                columns["mase_ci"]: _interval(block.get("mase"), 3),
                columns["owa"]: block.get("owa"),
                columns["seconds"]: seconds.get(model),
            }
        )
    return pd.DataFrame(rows)


def published_table(collection: str, columns: Mapping[str, str]) -> pd.DataFrame | None:
    """The competition's published figures for `collection` (method, metric, value, source), or None."""
    figures = published(collection)
    if not figures:
        return None
    return pd.DataFrame(
        [
            {
                columns["method"]: f.method,
                columns["metric"]: "MASE" if f.metric == "mase" else "sMAPE",
                columns["value"]: f.value,
                columns["source"]: f.source,
            }
            for f in figures
        ]
    )


@dataclass(frozen=True)
class Duel:
    """A network against another model, series by series (MASE): where it wins, and both means."""

    network: str
    other: str
    wins: int  # series on which the network's MASE is below the other's
    series: int  # series where both have a MASE
    network_mean: float
    other_mean: float


def _mase(scores: pd.DataFrame) -> pd.DataFrame:
    return scores.pivot(index="series", columns="model", values="mase").astype(float)


def duel(scores: pd.DataFrame, network: str, other: str) -> Duel | None:
    """`network` against `other` on the series where both have a MASE; None when either is missing."""
    table = _mase(scores)
    if network not in table or other not in table:
        return None
    both = table[[network, other]].dropna()
    if both.empty:
        return None
    wins = int((both[network] < both[other]).sum())
    return Duel(network, other, wins, len(both), float(both[network].mean()), float(both[other].mean()))


def mase_scatter(scores: pd.DataFrame, network: str, other: str, *, x_title: str, y_title: str) -> go.Figure | None:
    """Each series' MASE of `network` (y) against `other`'s (x), on log axes with the diagonal: a point below it is
    a series where the network wins. Hovering shows the series id. None when either model is missing."""
    table = _mase(scores)
    if network not in table or other not in table:
        return None
    both = table[[network, other]].dropna()
    both = both[(both[network] > 0) & (both[other] > 0)]  # a log axis cannot show 0
    if both.empty:
        return None
    low = float(min(both.min())) / 1.2
    high = float(max(both.max())) * 1.2
    wins = both[network] < both[other]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=[low, high], y=[low, high], mode="lines", line={"color": "#94a3b8", "dash": "dash"}, hoverinfo="skip",
            showlegend=False,
        )
    )  # fmt: skip
    fig.add_trace(
        go.Scatter(
            x=both[other],
            y=both[network],
            mode="markers",
            marker={"color": np.where(wins, COLORS["lstm"], COLORS["naive"]), "size": 8, "opacity": 0.8},
            text=[str(name) for name in both.index],
            hovertemplate="%{text}<br>" + x_title + ": %{x:.3f}<br>" + y_title + ": %{y:.3f}<extra></extra>",
            showlegend=False,
        )
    )
    fig.update_xaxes(type="log", range=[np.log10(low), np.log10(high)])
    fig.update_yaxes(type="log", range=[np.log10(low), np.log10(high)], scaleanchor="x")
    fig.update_layout(hovermode="closest")
    return _layout(fig, height=440, x_title=x_title, y_title=y_title)
