"""The Sweep page's charts: validation RMSE per trial with the best so far, settings against the objective
(parallel coordinates), and parameter importance."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lstm_core.sweep.results import best_so_far

__all__ = ["importance_figure", "parallel_figure", "progress_figure"]

_LAYOUT = {"height": 360, "margin": {"l": 60, "r": 30, "t": 60, "b": 40}}


def progress_figure(frame: pd.DataFrame) -> go.Figure:
    """Each complete trial's validation RMSE (dots) and the best so far (a step line), by trial number."""
    complete = frame[frame["state"] == "complete"]
    fig = go.Figure()
    fig.add_scatter(x=complete["number"], y=complete["val_rmse"], mode="markers", name="trial")
    fig.add_scatter(x=frame["number"], y=best_so_far(frame), mode="lines", line_shape="hv", name="best so far")
    pruned = frame[frame["state"].isin(["pruned", "stopped"])]
    if len(pruned):
        fig.add_scatter(
            x=pruned["number"],
            y=np.full(len(pruned), complete["val_rmse"].max() if len(complete) else 0.0),
            mode="markers",
            marker={"symbol": "x", "color": "grey"},
            name="pruned (no value)",
        )
    fig.update_layout(
        title={"text": "Validation RMSE per trial (series units) and the best so far", "x": 0},
        xaxis_title="trial",
        yaxis_title="validation RMSE",
        **_LAYOUT,
    )
    return fig


def parallel_figure(frame: pd.DataFrame, parameters: list[str]) -> go.Figure | None:
    """One line per complete trial through its settings, coloured by validation RMSE; None below two trials."""
    rows = frame[frame["state"] == "complete"]
    if len(rows) < 2 or not parameters:
        return None
    dimensions = []
    for name in parameters:
        values = rows[name]
        if name == "learning_rate":
            dimensions.append({"label": "log10 learning rate", "values": np.log10(values.astype(float))})
        elif values.dtype == object:  # categorical (differences): numbered ticks
            levels = sorted(values.astype(str).unique())
            codes = values.astype(str).map({level: i for i, level in enumerate(levels)})
            ticks = {"tickvals": list(range(len(levels))), "ticktext": levels}
            dimensions.append({"label": name, "values": codes, **ticks})
        else:
            dimensions.append({"label": name.replace("_", " "), "values": values.astype(float)})
    objective = rows["val_rmse"].to_numpy(dtype=float)  # (R,)
    dimensions.append({"label": "validation RMSE", "values": objective})
    fig = go.Figure(
        go.Parcoords(
            line={"color": objective, "colorscale": "Viridis_r", "showscale": True, "colorbar": {"title": "RMSE"}},
            dimensions=dimensions,
        )
    )
    title = "Settings against validation RMSE (drag along an axis to filter)"
    fig.update_layout(title={"text": title, "x": 0}, **_LAYOUT)
    return fig


def importance_figure(importances: dict[str, float]) -> go.Figure:
    """How much of the objective's variation each setting explains (Optuna's fANOVA), largest on top."""
    names = list(importances)[::-1]
    fig = go.Figure(go.Bar(x=[importances[n] for n in names], y=[n.replace("_", " ") for n in names], orientation="h"))
    fig.update_layout(
        title={"text": "Parameter importance (share of the validation RMSE's variation)", "x": 0},
        xaxis_title="importance",
        **_LAYOUT,
    )
    return fig
