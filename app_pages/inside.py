"""Inside: hidden and cell states over the whole series, and select and match (after LSTMVis)."""

import streamlit as st

from lstm_core.inside.select import select_and_match
from ui import pages
from ui.charts import inside_charts
from ui.session import state
from ui.text import i18n
from ui.text.format import plain, time_label
from ui.text.gate_text import TEXT
from ui.views import global_views, inside_views


def _text(key: str) -> str:
    return i18n.text(f"inside.{key}")


st.title(_text("title"))
view = global_views.current()  # a series of the last benchmark's global LSTM, when the visitor chose one
if view is None:
    state.require_trained_record(_text("untrained"))
record = global_views.choose("inside_run", view, always=False)  # the newest run, or the global LSTM's series
shown = inside_views.shown(record)  # the series, its index, the network and its parts, from the run or the view
index, weights, window = shown.index, shown.weights, shown.window
steps = len(index)
inside_views.apply_brush("inside_chart", index, "inside_start", "inside_end")
st.caption(_text("caption").format(r=plain(record.label)))
if shown.note:
    st.caption(shown.note)

columns = st.columns(3)
if shown.readings == ("windows",):  # a global network never reads a whole series as one sequence
    reading = "windows"
    columns[0].markdown(_text("reading_only").format(r=inside_views.reading_words(reading)))
else:
    reading = columns[0].radio(
        _text("reading"), inside_views.READINGS, format_func=inside_views.readings_words().get, key="inside_reading"
    )
state_names = ["h", "c"] if weights.cell == "lstm" else ["h"]  # a GRU and a plain RNN have no cell state
if st.session_state.get("inside_state") not in (None, *state_names):  # "c" left from an LSTM run
    del st.session_state["inside_state"]
state_name = columns[1].radio(
    _text("state"),
    state_names,
    format_func={name: _text(f"state_{name}") for name in state_names}.get,
    key="inside_state",
)
layer = 0
if len(weights.lstm) > 1:
    layer = columns[2].selectbox(
        i18n.text("gates.layer_of").format(c=weights.cell.upper()),
        range(len(weights.lstm)),
        format_func=[i18n.text("gates.layer").format(n=k + 1) for k in range(len(weights.lstm))].__getitem__,
        key="inside_layer",
    )
st.caption(TEXT["inside_readings"].format(window=window, first=window - 1))
layers = inside_views.states_for(record, reading)
hidden = layers[layer]["h"]  # (T, U)

st.subheader(_text("select"))
st.caption(TEXT["select_caption"])
columns = st.columns(4)
first = columns[0].number_input(_text("start"), 0, steps - 1, value=None, step=1, key="inside_start")
last = columns[1].number_input(_text("end"), 0, steps - 1, value=None, step=1, key="inside_end")
threshold = columns[2].slider(_text("threshold"), -1.0, 1.0, 0.3, 0.05, key="inside_threshold")
max_units = columns[3].number_input(_text("max_units"), 1, 16, 5, key="inside_max_units")
units = range(hidden.shape[1])
unit = i18n.text("gates.unit")
extra = st.multiselect(_text("more_units"), units, format_func=lambda u: unit.format(n=u), key="inside_units")

selection = None
if first is not None and last is not None:
    if last < first:
        st.error(_text("end_before_start"))
    else:
        selection = select_and_match(hidden, int(first), int(last) + 1, threshold=threshold, max_units=int(max_units))
        st.markdown(_text("selected").format(a=time_label(index[int(first)]), b=time_label(index[int(last)])))
        if selection.units.size:
            st.success(inside_views.match_sentence(selection, index))
        else:
            st.warning(TEXT["no_units"].format(threshold=threshold))
drawn = list(dict.fromkeys([*(selection.units.tolist() if selection is not None else []), *extra]))
drawn = drawn or list(range(min(3, hidden.shape[1])))
figure = inside_charts.states_figure(
    index,
    shown.values,
    layers[layer][state_name][:, drawn],
    drawn,
    state_name=state_name,
    target=shown.target,
    parts=shown.parts,
    selection=(selection.start, selection.end) if selection is not None else None,
    matches=selection.matches if selection is not None else (),
)
st.plotly_chart(figure, key="inside_chart", on_select="rerun", selection_mode="box")
if selection is not None and selection.units.size:
    ranked = inside_views.ranking_table(selection)
    st.dataframe(ranked, key="inside_ranking")
pages.link("gates", _text("link_gates"))
