"""The Runs page's parallel-coordinates chart (each run a line through its settings, coloured by skill), and the
headers of its tables in the visitor's language.

The tables' columns are named by their English headers (`LSTM RMSE`, `skill vs naive`, `12% covered`), which the
page filters and sorts by and the downloaded CSV keeps; `header` gives each one's header in the visitor's language
(ui/text/<lang>.toml, `runs.columns.`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ui.text.i18n import language, text, texts

__all__ = ["SETTINGS", "header", "kind_label", "parallel_figure", "shown_table"]

SETTINGS = ("units", "layers", "window", "dropout", "learning rate", "batch", "epochs run")
_COVERED = "% covered"  # a backtest's "<level>% covered" columns


def header(column: str) -> str:
    """The header of the table column `column` in the visitor's language."""
    if column.endswith(_COVERED):
        return text("runs.covered").format(l=column.removesuffix(_COVERED))
    key = "samples_per_second" if column == "samples/s" else column.lower().replace(" ", "_")
    return text(f"runs.columns.{key}")


def kind_label(kind: str) -> str:
    """A stored entry's kind ("run", "backtest", "sweep_trial" or "sweep trial", "benchmark") in words."""
    return text(f"runs.kinds.{kind.replace(' ', '_')}")


def _ended(reason: object) -> object:
    """Why a training ended (a StopReason, its underscores as spaces) in words; anything else as it is."""
    words = texts(language())
    return words.get(f"runs.ended.{str(reason).replace(' ', '_')}", reason)


def shown_table(table: pd.DataFrame) -> pd.DataFrame:
    """`table` as the page shows it: its headers, kinds and reasons for ending in the visitor's language."""
    if "kind" in table:
        table = table.assign(kind=table["kind"].map(kind_label))
    if "ended" in table:
        table = table.assign(ended=table["ended"].map(_ended))
    return table.rename(columns=header)


def parallel_figure(table: pd.DataFrame) -> go.Figure | None:
    """Settings against skill vs naive for the runs that have a skill; None when fewer than two have one."""
    rows = table.dropna(subset=["skill vs naive"])
    if len(rows) < 2:
        return None
    dimensions = []
    for name in SETTINGS:
        values = pd.to_numeric(rows[name], errors="coerce").fillna(0.0).to_numpy(dtype=float)  # (R,)
        if name == "learning rate":
            label = text("runs.parallel_log_rate")
            dimensions.append({"label": label, "values": np.log10(np.maximum(values, 1e-12))})
        else:
            dimensions.append({"label": header(name), "values": values})
    skill = rows["skill vs naive"].to_numpy(dtype=float)  # (R,)
    dimensions.append({"label": header("skill vs naive"), "values": skill})
    colorbar = {"title": text("runs.parallel_skill")}
    fig = go.Figure(
        go.Parcoords(
            line={"color": skill, "colorscale": "RdBu", "cmid": 0.0, "showscale": True, "colorbar": colorbar},
            dimensions=dimensions,
        )
    )
    fig.update_layout(
        title={"text": text("runs.parallel_title"), "x": 0},
        height=420,
        margin={"l": 60, "r": 40, "t": 80, "b": 30},
    )
    return fig
