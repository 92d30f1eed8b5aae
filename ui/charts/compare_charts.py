"""Plotly figures of the Compare page: every cell's loss curves on one chart.

Pure functions from frames to `go.Figure`; no Streamlit calls. The gradient reach chart is
`gradient_charts.reach_figure`, one line per cell.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ui.charts.figures import UNIT_COLORS_BY_CELL, _layout

__all__ = ["CELL_NAMES", "loss_overlay_figure"]

CELL_NAMES = {"lstm": "LSTM", "gru": "GRU", "rnn": "RNN"}  # what the page calls each cell


def loss_overlay_figure(histories: Mapping[str, pd.DataFrame], names: Mapping[str, str] = CELL_NAMES) -> go.Figure:
    """Validation loss (solid) and training loss (dotted) per epoch, one colour per cell (`cell -> history`)."""
    fig = go.Figure()
    lowest, highest = np.inf, 0.0
    for cell, history in histories.items():
        color = UNIT_COLORS_BY_CELL.get(cell, UNIT_COLORS_BY_CELL[""])[0]
        for column, dash, label in (("val_loss", "solid", "validation"), ("loss", "dot", "training")):
            if column not in history or not history[column].notna().any():
                continue
            values = history[column].to_numpy(dtype=float)  # (epochs,)
            finite = values[np.isfinite(values) & (values > 0)]
            if len(finite):
                lowest, highest = min(lowest, finite.min()), max(highest, finite.max())
            fig.add_trace(
                go.Scatter(
                    x=history["epoch"],
                    y=values,
                    mode="lines+markers",  # a marker per epoch: a one-epoch run is a point, not nothing
                    name=f"{names.get(cell, cell)} {label}",
                    line={"color": color, "dash": dash},
                    marker={"size": 4},
                )
            )
    if highest > 0 and np.isfinite(lowest) and highest / lowest > 20:
        fig.update_yaxes(type="log")  # a loss that spans decades reads better on a log scale
    fig.update_layout(title={"text": "Loss per epoch, every cell (mean squared error, scaled units)", "x": 0})
    return _layout(fig, height=340, x_title="epoch", y_title="loss")
