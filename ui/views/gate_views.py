"""The epoch slider and its play button over a run's recorded gates (lstm_core.nn.probe.GateHistory).

The slider lives inside a fragment on the Gates page, so moving it redraws only the views that
depend on the epoch. Play is a toggle outside the fragment (a full rerun sets the fragment's
`run_every`); each tick moves the slider one recorded epoch on, looping back to the first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import streamlit as st

from lstm_core.nn.stop_reason import StopReason
from ui.charts import figures, inside_charts
from ui.text import i18n
from ui.text.equations import CELL_EQUATIONS, CELL_GATE_ORDER
from ui.text.format import unit_summary
from ui.text.gate_text import TEXT

__all__ = [
    "PLAY_SECONDS",
    "build_figures",
    "cached_figures",
    "draw_window_gates",
    "epoch_caption",
    "epoch_slider",
    "over_epochs",
    "play_interval",
    "play_toggle",
]

PLAY_SECONDS = 1.0


def _key(number: int) -> str:
    return f"gates_epoch_{number}"  # one slider per run: a newer run's epochs are other options


def play_toggle(history: Any) -> None:
    """The Play switch, shown when there are at least two recorded epochs."""
    if history is not None and len(history) > 1:
        st.toggle(TEXT["play"], key="gates_play", help=TEXT["play_help"])


def play_interval(history: Any) -> float | None:
    """`run_every` for the fragment holding the slider: PLAY_SECONDS while playing, else None."""
    playing = st.session_state.get("gates_play", False) and history is not None and len(history) > 1
    return PLAY_SECONDS if playing else None


def epoch_slider(history: Any, number: int) -> Any:
    """The recorded epoch to show (a probe.Snapshot), or None when nothing was recorded (the final network)."""
    if history is None or not len(history):
        st.caption(TEXT["no_history"])
        return None
    epochs = history.epochs.tolist()
    key = _key(number)
    if len(epochs) == 1:
        return history.snapshots[0]
    current = st.session_state.get(key, epochs[-1])
    if play_interval(history) is not None:
        following = epochs.index(current) + 1 if current in epochs else 0
        st.session_state[key] = epochs[following % len(epochs)]
    elif current not in epochs:
        st.session_state[key] = epochs[-1]
    chosen = st.select_slider(
        TEXT["epoch_slider"], options=epochs, value=epochs[-1] if key not in st.session_state else None,
        key=key, help=TEXT["epoch_help"],
    )  # fmt: skip
    return history.snapshots[epochs.index(chosen)]


def epoch_caption(history: Any, snapshot: Any, *, epochs_run: int, stop_reason: StopReason) -> str:
    """Which network the views show: the epoch, how many were recorded, and whether it is the final one."""
    if snapshot is None:
        return TEXT["no_history"]
    epochs = history.epochs
    stride = int(np.diff(epochs[:-1]).min()) if len(epochs) > 2 else 1
    text = TEXT["epoch_caption"].format(
        epoch=snapshot.epoch,
        epochs_run=epochs_run,
        recorded=len(epochs),
        every=TEXT["every"].format(n=stride) if stride > 1 else "",
    )
    if snapshot is history.snapshots[-1]:
        text += " " + (TEXT["epoch_restored"] if stop_reason == StopReason.EARLY_STOPPING else TEXT["epoch_final"])
    return text


def over_epochs(history: Any, layer: int, name: str = "f") -> tuple[np.ndarray, np.ndarray]:
    """Epochs (E,) and the probe window's mean `name` gate per unit after each, (E, units)."""
    return history.epochs, history.probe_gates(layer)[name].mean(axis=1)


def cached_figures(key: tuple, build: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Figures built once per `key` (run, window, layer) and kept for this visitor; the epoch only changes numbers.

    One entry: a new key replaces the old figures.
    """
    cached = st.session_state.get("gates_figures")
    if cached is None or cached[0] != key:
        cached = (key, build())
        st.session_state.gates_figures = cached
    return cached[1]


def draw_window_gates(gates: dict, gate_figures: dict[str, Any], saturated: dict, cell: str = "lstm") -> None:
    """One window's gates (each (1, window, units)) with their equations, the per-unit summary and table, and the
    saturation scatter, into the figures `build_figures` made."""
    for name in CELL_GATE_ORDER[cell]:
        st.latex(CELL_EQUATIONS[cell][name])
        st.caption(i18n.gate_caption(name, cell=cell))  # in the visitor's language (English / 中文)
        figure = inside_charts.set_gate_values(gate_figures[name], name, gates[name][0])
        st.plotly_chart(figure, key=f"gates_chart_{name}")

    keeper = {"lstm": "f", "gru": "z"}.get(cell)  # the gate that keeps the old state: none in a plain RNN
    if keeper is not None:
        st.subheader(i18n.text("gates.per_unit"))
        mean_keep = gates[keeper][0].mean(axis=0)  # (units,)
        st.plotly_chart(figures.forget_summary_figure(mean_keep, keeper), key="gates_forget_summary")
        order = np.argsort(mean_keep)
        show = min(3, len(order))
        unit = i18n.text("gates.unit")
        remember = ", ".join(f"{unit.format(n=u)} ({mean_keep[u]:.2f})" for u in order[::-1][:show])
        forget = ", ".join(f"{unit.format(n=u)} ({mean_keep[u]:.2f})" for u in order[:show])
        gate = i18n.text("gates.keeper_f" if keeper == "f" else "gates.keeper_z")
        st.markdown(i18n.text("gates.remember").format(g=gate, r=remember, f=forget))
    st.dataframe(unit_summary(gates), key="gates_unit_table")

    if saturated:
        st.subheader(TEXT["saturation_header"])
        st.caption(TEXT["saturation_caption"])
        figure = inside_charts.set_saturation_values(gate_figures["saturation"], saturated)
        st.plotly_chart(figure, key="gates_saturation")


def build_figures(
    gates: dict, times: Any, inputs: np.ndarray, target: str, saturated: dict, cell: str = "lstm"
) -> dict[str, Any]:
    """The gate heatmaps of one window (gates: each (1, window, units); an LSTM's six, a GRU's four, an RNN's h)
    and the saturation scatter (none for a plain RNN, which has no gates)."""
    gate_figures = {
        name: figures.gate_figure(name, gates[name][0], times, inputs, target=target) for name in CELL_GATE_ORDER[cell]
    }
    if saturated:
        gate_figures["saturation"] = inside_charts.saturation_figure(saturated)
    return gate_figures
