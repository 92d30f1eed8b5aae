"""Plotly figure builders: pure functions from data to `go.Figure`, no Streamlit calls.

Every chart is in the user's units (the scaler is undone in lstm_core before we get here).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lstm_core.data.dataset import Dataset
from lstm_core.scoring.columns import ForecastColumn as Column
from lstm_core.scoring.columns import ForecastPart, band_levels, is_seed_column, lower_column, upper_column
from ui.text.format import chart_text
from ui.text.i18n import text

__all__ = [
    "COLORS",
    "GATE_TITLES",
    "UNIT_COLORS_BY_CELL",
    "add_bands",
    "epochs_frame",
    "forecast_figure",
    "forget_summary_figure",
    "gate_figure",
    "loss_figure",
    "runs_forecast_figure",
    "runs_loss_figure",
    "series_figure",
]

COLORS = {
    Column.ACTUAL: "#0f172a",
    "history": "#94a3b8",
    Column.LSTM: "#2563eb",
    Column.NAIVE: "#f97316",
    Column.SEASONAL_NAIVE: "#16a34a",
    Column.DRIFT: "#a855f7",
    Column.ETS: "#0891b2",
    Column.THETA: "#db2777",
    "loss": "#2563eb",
    "val_loss": "#f97316",
}
GATE_TITLES = {
    "i": "Input gate i: how much of the candidate is written",
    "f": "Forget gate f: how much of the old cell state is kept",
    "o": "Output gate o: how much of the cell state is shown",
    "g": "Candidate g: what could be written",
    "c": "Cell state c: the long-term memory",
    "h": "Hidden state h: what the layer outputs",
    "z": "Update gate z: how much of the old hidden state is kept",  # a GRU's
    "r": "Reset gate r: how much of the old hidden state the candidate sees",
    "n": "Candidate n: the new state proposed",
}
# One colour family per cell wherever cells are compared (LSTM blue, GRU green, RNN red).
UNIT_COLORS_BY_CELL = {
    "lstm": ["#2563eb", "#60a5fa", "#1e3a8a", "#93c5fd"],
    "gru": ["#16a34a", "#4ade80", "#14532d", "#86efac"],
    "rnn": ["#dc2626", "#f87171", "#7f1d1d", "#fca5a5"],
    "": ["#2563eb", "#f59e0b", "#16a34a", "#a855f7"],
}
_GATE_RANGE = {
    "i": (0.0, 1.0),
    "f": (0.0, 1.0),
    "o": (0.0, 1.0),
    "g": (-1.0, 1.0),
    "h": (-1.0, 1.0),
    "z": (0.0, 1.0),
    "r": (0.0, 1.0),
    "n": (-1.0, 1.0),
}


def _layout(fig: go.Figure, *, height: int = 380, y_title: str | None = None, x_title: str | None = None) -> go.Figure:
    titled = bool(fig.layout.title.text)
    fig.update_layout(
        height=height + (30 if titled else 0),
        # The title pinned to the top and room under it for a legend of two rows (a forecast with every baseline
        # and its bands has nine entries): the legend grows upwards from the plot and must not run into the title.
        margin={"l": 10, "r": 10, "t": 110 if titled else 40, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0},
        hovermode=fig.layout.hovermode or "x unified",
    )
    if titled:
        fig.update_layout(title={"y": 1.0, "yref": "container", "yanchor": "top", "pad": {"t": 12}})
    if y_title:
        fig.update_yaxes(title_text=y_title)
    if x_title:
        fig.update_xaxes(title_text=x_title)
    return fig


def series_figure(dataset: Dataset) -> go.Figure:
    """The target series with a range slider under it."""
    series = dataset.series
    fig = go.Figure(
        go.Scatter(
            x=series.index,
            y=series.to_numpy(),
            mode="lines",
            name=chart_text(dataset.target),
            line={"color": COLORS[Column.LSTM], "width": 1.5},
        )
    )
    fig.update_xaxes(rangeslider={"visible": True})
    title = f"{chart_text(dataset.name)}: {chart_text(dataset.target)}"
    fig.update_layout(showlegend=False, title={"text": title, "x": 0})
    return _layout(fig, height=420, y_title=chart_text(dataset.target))


def epochs_frame(reports: Sequence[Any]) -> pd.DataFrame:
    """EpochReports (as a TrainingJob collects them) as a history frame: epoch, loss, val_loss, seconds."""
    return pd.DataFrame(
        [(r.epoch, r.loss, r.val_loss, r.seconds) for r in reports], columns=["epoch", "loss", "val_loss", "seconds"]
    )


def loss_figure(history: pd.DataFrame, *, title: str = "Loss (mean squared error, scaled units)") -> go.Figure:
    """Training and validation loss per epoch; log scale once the loss spans a wide range."""
    fig = go.Figure()
    for column, name in (("loss", "training loss"), ("val_loss", "validation loss")):
        if column in history and history[column].notna().any():
            fig.add_trace(
                go.Scatter(
                    x=history["epoch"],
                    y=history[column],
                    mode="lines+markers",
                    name=name,
                    line={"color": COLORS[column]},
                    marker={"size": 4},
                )
            )
    losses = history[["loss", "val_loss"]].to_numpy(dtype=float) if len(history) else np.empty((0, 2))
    positive = losses[np.isfinite(losses) & (losses > 0)]
    if positive.size and positive.max() / positive.min() > 50:
        fig.update_yaxes(type="log")
    fig.update_layout(title={"text": title, "x": 0})
    return _layout(fig, height=340, x_title="epoch", y_title="loss")


def forecast_figure(forecast: pd.DataFrame, history: pd.Series | None = None, *, title: str = "") -> go.Figure:
    """Test part: actual vs LSTM and the baselines; then the future forecast continuing the chart."""
    fig = go.Figure()
    test = forecast[forecast[Column.PART] == ForecastPart.TEST]
    future = forecast[forecast[Column.PART] == ForecastPart.FUTURE]
    if history is not None and len(test):
        before = history[history.index < test.index[0]]
        fig.add_trace(
            go.Scatter(
                x=before.index,
                y=before.to_numpy(),
                mode="lines",
                name="history (train + validation)",
                line={"color": COLORS["history"], "width": 1.2},
            )
        )
    fig.add_trace(
        go.Scatter(
            x=test.index,
            y=test[Column.ACTUAL],
            mode="lines",
            name="actual",
            line={"color": COLORS[Column.ACTUAL], "width": 2},
        )
    )
    _seed_band(fig, forecast)
    for column, name, dash in (
        (Column.LSTM, "LSTM", None),
        (Column.NAIVE, "naive", "dot"),
        (Column.SEASONAL_NAIVE, "seasonal naive", "dot"),
        (Column.ETS, "ETS", "dash"),
        (Column.THETA, "Theta", "dash"),
    ):
        if column in test and test[column].notna().any():  # a run kept from before ETS and Theta has no column
            fig.add_trace(
                go.Scatter(
                    x=test.index,
                    y=test[column],
                    mode="lines",
                    name=name,
                    line={"color": COLORS[column], "dash": dash, "width": 1.6},
                )
            )
    if len(future) and future[Column.LSTM].notna().any():
        # Start the future line at the last actual value so it visibly continues the series.
        x = [test.index[-1], *future.index] if len(test) else list(future.index)
        y = [test[Column.ACTUAL].iloc[-1], *future[Column.LSTM]] if len(test) else list(future[Column.LSTM])
        fig.add_trace(
            go.Scatter(
                x=x,
                y=y,
                mode="lines+markers",
                name="LSTM future (recursive)",
                line={"color": COLORS[Column.LSTM], "dash": "dash"},
                marker={"size": 4},
            )
        )
    add_bands(fig, forecast)
    if len(test):
        fig.add_vline(x=_vline_x(test.index[0]), line={"color": "#cbd5e1", "dash": "dot"})
    fig.update_xaxes(rangeslider={"visible": True})
    fig.update_layout(title={"text": title, "x": 0})
    return _layout(fig, height=460)


def _seed_band(fig: go.Figure, forecast: pd.DataFrame) -> None:
    """A seed ensemble's range: the lowest to the highest member's prediction at each step, shaded."""
    members = [name for name in forecast.columns if is_seed_column(name)]
    if len(members) < 2:
        return
    values = forecast[members].to_numpy(dtype=float)  # (rows, N)
    low, high = values.min(axis=1), values.max(axis=1)
    fig.add_trace(
        go.Scatter(x=forecast.index, y=high, mode="lines", line={"width": 0}, showlegend=False, hoverinfo="skip")
    )
    fig.add_trace(
        go.Scatter(
            x=forecast.index,
            y=low,
            mode="lines",
            line={"width": 0},
            fill="tonexty",
            fillcolor="rgba(37, 99, 235, 0.15)",
            name=f"LSTM seeds (range of {len(members)})",
        )
    )


def add_bands(fig: go.Figure, rows: pd.DataFrame, *, x: Any = None) -> None:
    """Shade the LSTM's prediction intervals (`lower_<L>`, `upper_<L>` columns), the widest level lightest."""
    levels = sorted(band_levels(rows.columns), key=float, reverse=True)
    x = rows.index if x is None else x
    for rank, level in enumerate(levels):
        lower, upper = rows[lower_column(float(level))], rows[upper_column(float(level))]
        if not lower.notna().any():
            continue
        opacity = 0.12 + 0.1 * rank
        fig.add_trace(go.Scatter(x=x, y=upper, mode="lines", line={"width": 0}, showlegend=False, hoverinfo="skip"))
        fig.add_trace(
            go.Scatter(
                x=x,
                y=lower,
                mode="lines",
                line={"width": 0},
                fill="tonexty",
                fillcolor=f"rgba(37, 99, 235, {opacity:.2f})",
                name=f"{level}% band",
                hoverinfo="skip",
            )
        )


def _vline_x(value: Any) -> Any:
    # plotly's add_vline cannot average pandas Timestamps in every version; give it epoch milliseconds.
    if isinstance(value, pd.Timestamp):
        return value.timestamp() * 1000
    return value


def gate_figure(
    name: str,
    values: np.ndarray,  # (window, units)
    times: pd.Index,  # (window,)
    inputs: np.ndarray,  # (window,) the target over the window, user units
    *,
    target: str = "value",
) -> go.Figure:
    """The input window as a line on top and one gate as a heatmap (units × time) under it, same time axis."""
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.28, 0.72], vertical_spacing=0.04)
    fig.add_trace(
        go.Scatter(
            x=times,
            y=inputs,
            mode="lines+markers",
            name=chart_text(target),
            line={"color": COLORS[Column.ACTUAL]},
            marker={"size": 4},
            showlegend=False,
        ),
        row=1,
        col=1,
    )
    low, high = _GATE_RANGE.get(name, (None, None))
    if low is None:
        bound = float(np.abs(values).max()) or 1.0
        low, high = -bound, bound
    units = values.shape[1]
    fig.add_trace(
        go.Heatmap(
            z=values.T,  # (units, window)
            x=times,
            y=[f"unit {u}" for u in range(units)],
            zmin=low,
            zmax=high,
            colorscale="RdBu_r" if low < 0 else "Viridis",
            colorbar={"len": 0.7, "y": 0.36},
            hovertemplate="%{y} at %{x}<br>" + name + " = %{z:.3f}<extra></extra>",
        ),
        row=2,
        col=1,
    )
    fig.update_yaxes(title_text=chart_text(target), row=1, col=1)
    fig.update_yaxes(title_text="unit", row=2, col=1, showticklabels=units <= 32)
    fig.update_layout(title={"text": GATE_TITLES.get(name, name), "x": 0}, hovermode="closest")
    return _layout(fig, height=260 + min(units, 64) * 6)


def forget_summary_figure(mean_forget: np.ndarray, name: str = "f") -> go.Figure:
    """Mean forget gate (a GRU's update gate, `name` "z") per unit over the window: near 1 remembers, near 0
    forgets."""
    units = np.arange(len(mean_forget))
    fig = go.Figure(
        go.Bar(
            x=[f"unit {u}" for u in units],
            y=mean_forget,
            marker={"color": mean_forget, "colorscale": "Viridis", "cmin": 0, "cmax": 1},
        )
    )
    fig.add_hline(y=0.5, line={"color": "#94a3b8", "dash": "dot"})
    fig.update_yaxes(range=[0, 1])
    gate = "update" if name == "z" else "forget"
    fig.update_layout(title={"text": f"Mean {gate} gate per unit (1 = keeps its memory, 0 = forgets)", "x": 0})
    return _layout(fig, height=320, y_title=f"mean {name}")


# One colour per compared run, the same in the loss and the forecast chart (plotly's default colourway would
# shift by one in the forecast chart, whose first trace is the actual series).
RUN_COLORS = ["#2563eb", "#dc2626", "#16a34a", "#a855f7", "#f59e0b", "#0891b2", "#db2777", "#65a30d"]


def _run_color(position: int) -> str:
    return RUN_COLORS[position % len(RUN_COLORS)]


def runs_loss_figure(records: Sequence[Any]) -> go.Figure:
    """Validation loss (or training loss where there is none) of several runs, overlaid."""
    fig = go.Figure()
    for position, record in enumerate(records):
        history = record.history
        column = "val_loss" if history["val_loss"].notna().any() else "loss"
        fig.add_trace(
            go.Scatter(
                x=history["epoch"],
                y=history[column],
                mode="lines",
                name=f"{chart_text(record.label)} ({text(f'runs.losses.{column}')})",
                line={"color": _run_color(position)},
            )
        )
    fig.update_layout(title={"text": text("runs.loss_title"), "x": 0})
    return _layout(fig, height=380, x_title=text("runs.epoch_axis"), y_title=text("runs.loss_axis"))


def runs_forecast_figure(records: Sequence[Any]) -> go.Figure:
    """The test and future forecasts of several runs over the actual values of each run's test part."""
    fig = go.Figure()
    seen_actual: set[str] = set()
    for position, record in enumerate(records):
        frame = record.forecast
        test = frame[frame[Column.PART] == ForecastPart.TEST]
        if record.dataset_name not in seen_actual:
            seen_actual.add(record.dataset_name)
            fig.add_trace(
                go.Scatter(
                    x=test.index,
                    y=test[Column.ACTUAL],
                    mode="lines",
                    name=text("runs.actual").format(d=chart_text(record.dataset_name)),
                    line={"color": COLORS[Column.ACTUAL], "width": 2},
                )
            )
        fig.add_trace(
            go.Scatter(
                x=frame.index,
                y=frame[Column.LSTM],
                mode="lines",
                name=chart_text(record.label),
                line={"color": _run_color(position)},
            )
        )
    fig.update_layout(title={"text": text("runs.forecast_title"), "x": 0})
    return _layout(fig, height=420)
