"""Gates: what the trained network's gates do, step by step, for one test window of your series."""

import numpy as np
import streamlit as st

from ui import charts, i18n, state
from ui.equations import EQUATIONS, GATE_ORDER
from ui.format import time_label, unit_summary

st.title("Gates")
record = state.require_trained_record("The gates come from a trained network: train one first.")

run = record.run
windows, index = run.windows, run.dataset.frame.index
if len(windows.x_test) == 0:
    state.stop_with_link_to_train("This run has no test windows; train with a larger test fraction.")

differences = windows.difference  # the network's inputs are step-to-step changes, not levels
caption = f"{record.label}. Recomputed in NumPy from the trained weights, from zero initial states."
if differences:
    caption += (
        " **Predict differences** is on: the network's inputs are the changes from one step to the next, "
        "so the line above each gate shows those changes, not the levels."
    )
st.caption(caption)
layer_count = len(run.weights.lstm)
layer = 0
if layer_count > 1:
    layer = st.selectbox("LSTM layer", range(layer_count), format_func=lambda k: f"Layer {k + 1}", key="gates_layer")
last = len(windows.x_test) - 1
position = st.slider("Test window", 1, last + 1, value=last + 1, key="gates_window") - 1  # 0-based from here
start, end = windows.val_end + position - windows.window, windows.val_end + position  # inputs [start, end)
times = index[start:end]
levels = run.dataset.series.to_numpy()  # (T,)
change = f", a change of {levels[end] - levels[end - 1]:+.4g}" if differences else ""
st.markdown(
    f"Window **{position + 1} of {last + 1}**: inputs {time_label(times[0])} → {time_label(times[-1])}, "
    f"predicting **{time_label(index[end])}** (actual {levels[end]:.4g}{change})."
)
if layer > 0:
    st.caption(f"Layer {layer + 1} reads the hidden states h of layer {layer}, not the series itself.")

gates = run.gates([position])[layer]  # each (1, window, units)
if differences:  # start >= 1 always: the first window starts after d_0, which does not exist
    inputs, input_label = levels[start:end] - levels[start - 1 : end - 1], f"change in {run.dataset.target}"
else:
    inputs, input_label = levels[start:end], run.dataset.target  # (window,)
for name in GATE_ORDER:
    st.latex(EQUATIONS[name])
    st.caption(i18n.gate_caption(name))  # in the visitor's language (English / 中文)
    figure = charts.gate_figure(name, gates[name][0], times, inputs, target=input_label)
    st.plotly_chart(figure, key=f"gates_chart_{name}")

st.subheader("Per unit: which units remember, which forget")
mean_forget = gates["f"][0].mean(axis=0)  # (units,)
st.plotly_chart(charts.forget_summary_figure(mean_forget), key="gates_forget_summary")
order = np.argsort(mean_forget)
show = min(3, len(order))
remember = ", ".join(f"unit {u} ({mean_forget[u]:.2f})" for u in order[::-1][:show])
forget = ", ".join(f"unit {u} ({mean_forget[u]:.2f})" for u in order[:show])
st.markdown(f"Remember most (forget gate near 1): {remember}. Forget most (near 0): {forget}.")
summary = unit_summary(gates)
st.dataframe(summary, key="gates_unit_table")
st.page_link("app_pages/learn.py", label="What do these equations mean?", icon=":material/school:")
