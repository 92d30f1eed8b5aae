"""Gates: what the trained network's gates do, step by step, for one test window, at any recorded epoch."""

import streamlit as st

from lstm_core.inside.states import saturation_over_test
from lstm_core.nn.gates import network_gates
from ui import pages
from ui.charts import inside_charts
from ui.charts.compare_charts import CELL_NAMES
from ui.session import state
from ui.text import i18n
from ui.text.format import plain, time_label
from ui.text.gate_text import TEXT
from ui.views import gate_views, global_views, gradient_views, whatif_views
from ui.views.network_cache import per_network


def _text(key: str) -> str:
    return i18n.text(f"gates.{key}")


st.title(_text("title"))
view = global_views.current()  # a series of the last benchmark's global LSTM, when the visitor chose one
if view is None:
    state.require_trained_record(_text("untrained"))
# a comparison of cells leaves one run per cell, a benchmark its global LSTM: choose whose gates to see
record = global_views.choose("gates_run", view)
if isinstance(record, global_views.GlobalSeriesView):
    global_views.draw_gates(record)
    pages.link("inside", _text("link_inside"))
    st.stop()

run = record.run
windows, index = run.windows, run.dataset.frame.index
if len(windows.x_test) == 0:
    state.stop_with_link_to_train(_text("no_test_windows"))

lag = windows.lag  # 1: inputs are step-to-step changes; s: changes since the same step last season; 0: levels
differences = lag > 0
caption = _text("caption").format(r=plain(record.label))
if differences:
    since = _text("since_step") if lag == 1 else _text("since_season").format(n=lag)
    caption += " " + _text("differences").format(s=since)
st.caption(caption)
member = 0
if len(run.members) > 1:
    seed = run.config.train.seed
    member = st.selectbox(
        _text("member"),
        range(len(run.members)),
        format_func=[_text("seed").format(n=seed + k) for k in range(len(run.members))].__getitem__,
        key="gates_member",
    )
cell = run.weights.cell  # lstm, gru or rnn: which arrays and equations there are
cell_name = CELL_NAMES[cell]
layer_count = len(run.weights.lstm)
layer = 0
if layer_count > 1:
    layer = st.selectbox(
        _text("layer_of").format(c=cell_name),
        range(layer_count),
        format_func=[_text("layer").format(n=k + 1) for k in range(layer_count)].__getitem__,
        key="gates_layer",
    )
last = len(windows.x_test) - 1
position = st.slider(_text("test_window"), 1, last + 1, value=last + 1, key="gates_window") - 1  # 0-based from here
start, end = windows.val_end + position - windows.window, windows.val_end + position  # inputs [start, end)
times = index[start:end]
levels = run.dataset.series.to_numpy()  # (T,)
change = _text("change").format(c=f"{levels[end] - levels[end - lag]:+.4g}") if differences else ""
window_words = {"i": position + 1, "n": last + 1, "a": time_label(times[0]), "b": time_label(times[-1])}
st.markdown(_text("window").format(**window_words, p=time_label(index[end]), v=f"{levels[end]:.4g}", c=change))
if layer > 0:
    st.caption(_text("deeper_layer").format(n=layer + 1, m=layer))
if differences:  # start >= lag always: the first window starts after the first difference that exists
    inputs, input_label = (
        levels[start:end] - levels[start - lag : end - lag],
        _text("change_in").format(t=run.dataset.target),
    )
else:
    inputs, input_label = levels[start:end], run.dataset.target  # (window,)
history = run.gate_history if member == 0 else None  # recorded over training for the first member only
gate_views.play_toggle(history)


@st.fragment(run_every=gate_views.play_interval(history))
def gates_at_epoch() -> None:
    """Everything that depends on the epoch: moving the slider reruns only this."""
    snapshot = gate_views.epoch_slider(history, record.number)
    weights = (run.members[member] if run.members else run.weights) if snapshot is None else snapshot.weights
    epochs_run = len(record.history)
    st.caption(gate_views.epoch_caption(history, snapshot, epochs_run=epochs_run, stop_reason=record.stop_reason))
    gates = network_gates(windows.x_test[[position]], weights)[layer]  # each (1, window, units)
    saturated = per_network(  # the same for every window and what-if edit: computed once per network
        weights, ("saturation", layer), lambda: saturation_over_test(windows.x_test, weights, layer)
    )
    gate_figures = gate_views.cached_figures(
        (record.number, position, layer, cell),
        lambda: gate_views.build_figures(gates, times, inputs, input_label, saturated, cell),
    )
    gate_views.draw_window_gates(gates, gate_figures, saturated, cell)
    gradient_views.draw_gradients(run, weights, position, times)  # moves with the epoch slider
    whatif_views.draw_whatif(run, weights, position, times, inputs, input_label)


gates_at_epoch()

keeper = {"lstm": "f", "gru": "z"}.get(cell)
if history is not None and len(history) > 1 and keeper is not None:
    st.subheader(TEXT["over_epochs_header"])
    st.caption(TEXT["over_epochs_caption" if keeper == "f" else "over_epochs_caption_gru"])
    epochs, means = gate_views.over_epochs(history, layer, keeper)
    st.plotly_chart(inside_charts.unit_epochs_figure(epochs, means, keeper), key="gates_over_epochs")
pages.link("inside", _text("link_inside"))
pages.link("learn", _text("link_learn"))
