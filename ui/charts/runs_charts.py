"""The Runs page's parallel-coordinates chart: each run a line through its settings, coloured by skill."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

__all__ = ["SETTINGS", "parallel_figure"]

SETTINGS = ("units", "layers", "window", "dropout", "learning rate", "batch", "epochs run")


def parallel_figure(table: pd.DataFrame) -> go.Figure | None:
    """Settings against skill vs naive for the runs that have a skill; None when fewer than two have one."""
    rows = table.dropna(subset=["skill vs naive"])
    if len(rows) < 2:
        return None
    dimensions = []
    for name in SETTINGS:
        values = pd.to_numeric(rows[name], errors="coerce").fillna(0.0).to_numpy(dtype=float)  # (R,)
        if name == "learning rate":
            dimensions.append({"label": "log10 learning rate", "values": np.log10(np.maximum(values, 1e-12))})
        else:
            dimensions.append({"label": name, "values": values})
    skill = rows["skill vs naive"].to_numpy(dtype=float)  # (R,)
    dimensions.append({"label": "skill vs naive", "values": skill})
    fig = go.Figure(
        go.Parcoords(
            line={"color": skill, "colorscale": "RdBu", "cmid": 0.0, "showscale": True, "colorbar": {"title": "skill"}},
            dimensions=dimensions,
        )
    )
    fig.update_layout(
        title={"text": "Settings against skill vs naive (blue beats naive; drag along an axis to filter)", "x": 0},
        height=420,
        margin={"l": 60, "r": 40, "t": 80, "b": 30},
    )
    return fig
