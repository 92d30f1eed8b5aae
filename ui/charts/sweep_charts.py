"""The Sweep page's charts: each trial's score with the best so far, settings against the score (parallel
coordinates), and parameter importance. The score and its name are the study's (`lstm_core.sweep.score`): the
validation RMSE of one series, the mean validation MASE of a collection's global model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lstm_core.sweep.results import best_so_far
from lstm_core.sweep.score import TrialScore

__all__ = ["importance_figure", "parallel_figure", "progress_figure"]

_LAYOUT = {"height": 360, "margin": {"l": 60, "r": 30, "t": 60, "b": 40}}


def progress_figure(frame: pd.DataFrame, score: TrialScore) -> go.Figure:
    """Each complete trial's score (dots) and the best so far (a step line), by trial number."""
    complete = frame[frame["state"] == "complete"]
    fig = go.Figure()
    fig.add_scatter(x=complete["number"], y=complete[score.column], mode="markers", name="trial")
    fig.add_scatter(
        x=frame["number"], y=best_so_far(frame, score.column), mode="lines", line_shape="hv", name="best so far"
    )
    pruned = frame[frame["state"].isin(["pruned", "stopped"])]
    if len(pruned):
        fig.add_scatter(
            x=pruned["number"],
            y=np.full(len(pruned), complete[score.column].max() if len(complete) else 0.0),
            mode="markers",
            marker={"symbol": "x", "color": "grey"},
            name="pruned (no value)",
        )
    fig.update_layout(
        title={"text": f"Validation {score.metric} per trial ({score.scale}) and the best so far", "x": 0},
        xaxis_title="trial",
        yaxis_title=score.label,
        **_LAYOUT,
    )
    return fig


def parallel_figure(frame: pd.DataFrame, parameters: list[str], score: TrialScore) -> go.Figure | None:
    """One line per complete trial through its settings, coloured by its score; None below two trials."""
    rows = frame[frame["state"] == "complete"]
    if len(rows) < 2 or not parameters:
        return None
    dimensions = []
    for name in parameters:
        values = rows[name]
        if name == "learning_rate":
            dimensions.append({"label": "log10 learning rate", "values": np.log10(values.astype(float))})
        elif values.dtype == object:  # categorical (differences, bases): numbered ticks
            levels = sorted(values.astype(str).unique())
            codes = values.astype(str).map({level: i for i, level in enumerate(levels)})
            ticks = {"tickvals": list(range(len(levels))), "ticktext": levels}
            dimensions.append({"label": name, "values": codes, **ticks})
        else:
            dimensions.append({"label": name.replace("_", " "), "values": values.astype(float)})
    objective = rows[score.column].to_numpy(dtype=float)  # (R,)
    dimensions.append({"label": score.label, "values": objective})
    colorbar = {"title": score.metric}
    fig = go.Figure(
        go.Parcoords(
            line={"color": objective, "colorscale": "Viridis_r", "showscale": True, "colorbar": colorbar},
            dimensions=dimensions,
        )
    )
    title = f"Settings against {score.label} (drag along an axis to filter)"
    fig.update_layout(title={"text": title, "x": 0}, **_LAYOUT)
    return fig


def importance_figure(importances: dict[str, float], score: TrialScore) -> go.Figure:
    """How much of the score's variation each setting explains (Optuna's fANOVA), largest on top."""
    names = list(importances)[::-1]
    fig = go.Figure(go.Bar(x=[importances[n] for n in names], y=[n.replace("_", " ") for n in names], orientation="h"))
    fig.update_layout(
        title={"text": f"Parameter importance (share of the {score.label}'s variation)", "x": 0},
        xaxis_title="importance",
        **_LAYOUT,
    )
    return fig
