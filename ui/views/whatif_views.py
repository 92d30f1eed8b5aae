"""What if: edit the Gates page's window (a spike, a step, or the window shifted back) and see the prediction,
the hidden states and the gradient's reach recomputed at once, the original drawn faintly beside.

Everything is NumPy from the weights of the epoch on the slider (gates.predict, gates.network_gates,
gradients.gradients): no backend, a few milliseconds for the seed model. Edits act on the target column, in the
units of the line above the gates (levels, or changes when the network predicts differences).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from lstm_core.nn.gates import network_gates, predict
from lstm_core.nn.gradients import gradients
from ui.charts import figures, gradient_charts
from ui.text.i18n import text

__all__ = ["draw_whatif", "edited_window"]

EDITS = ("spike", "step", "shift")  # the edits; their words are `gates.edit_<edit>`


def edited_window(x: np.ndarray, kind: str, step: int, size: float) -> np.ndarray:
    """x (window, F) with `size` (scaled units) added to the target at `step` (spike) or from `step` on (step)."""
    edited = np.array(x, dtype=np.float32)  # (window, F)
    if kind == "spike":
        edited[step, 0] += size
    elif kind == "step":
        edited[step:, 0] += size
    return edited


def draw_whatif(run: Any, weights: Any, position: int, times: Any, inputs: np.ndarray, input_label: str) -> None:
    """The what-if controls and their redrawn views, for test window `position` and the network `weights`."""
    windows = run.windows
    window, scale, offset = windows.window, float(windows.scaler.scale[0]), float(windows.scaler.offset[0])
    st.subheader(text("gates.whatif"))
    st.caption(text("gates.whatif_caption"))
    columns = st.columns(3)
    words = {edit: text(f"gates.edit_{edit}") for edit in EDITS}
    kind = columns[0].radio(text("gates.edit"), EDITS, format_func=words.get, key="gates_whatif_kind")
    start = windows.val_end + position - window  # the window's first row in windows.scaled
    original = windows.x_test[position]  # (window, F)
    if kind == "shift":
        furthest = max(1, min(start - windows.lag, 5 * window))
        back = columns[1].slider(text("gates.steps_back"), 1, furthest, min(furthest, 1), key="gates_whatif_back")
        edited = np.asarray(windows.scaled[start - back : start - back + window], dtype=np.float32)  # (window, F)
        edited_inputs = edited[:, 0] * scale + offset  # (window,): the shifted window in the line's units
    else:
        step = columns[1].slider(text("gates.at_step"), 1, window, window, key="gates_whatif_step") - 1
        typical = float(np.std(inputs)) or 1.0
        size = columns[2].number_input(
            text("gates.size").format(u=input_label), value=round(2 * typical, 3), key="gates_whatif_size"
        )
        edited = edited_window(original, kind, step, float(size) / scale)
        edited_inputs = np.array(inputs, dtype=np.float64)
        edited_inputs[step : step + 1 if kind == "spike" else None] += float(size)
    both = np.stack([original, edited])  # (2, window, F)
    before, after = predict(both, weights) * scale + offset  # the network's outputs in the line's units
    what = text("gates.predicted_change" if windows.lag else "gates.predicted_value")
    moved = {"a": f"{before:.4g}", "b": f"{after:.4g}", "d": f"{after - before:+.4g}", "u": input_label}
    st.markdown(text("gates.predicted").format(w=what, **moved))
    original_name, edited_name = text("gates.original"), text("gates.edited")
    figure = go.Figure()
    figure.add_scatter(x=list(times), y=inputs, name=original_name, line={"color": "#94a3b8", "dash": "dot"})
    figure.add_scatter(x=list(times), y=edited_inputs, name=edited_name, line={"color": "#2563eb"})
    st.plotly_chart(figures._layout(figure, height=240, y_title=input_label), key="gates_whatif_input")
    states = network_gates(both, weights)[0]["h"]  # (2, window, U)
    change = states[1] - states[0]  # (window, U)
    st.plotly_chart(
        figures.gate_figure(text("gates.change_in_h"), change, times, edited_inputs, target=input_label),
        key="gates_whatif_states",
    )
    norms = gradients(both, weights).state_gradient  # (2, window)
    curves = {original_name: norms[0], edited_name: norms[1]}
    st.plotly_chart(gradient_charts.reach_figure(curves, cells=("", weights.cell)), key="gates_whatif_reach")
