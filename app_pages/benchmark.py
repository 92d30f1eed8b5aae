"""Benchmark: every model on a sample of a competition collection's series, scored as the competitions score."""

import streamlit as st

from lstm_core.errors import LabError
from ui.jobs import benchmarks
from ui.text.format import plain
from ui.text.i18n import text
from ui.views import benchmark_views, global_views

st.title(text("benchmark.title"))
st.caption(text("benchmark.intro"))
running = benchmarks.SLOT.running()
benchmark_views.fill_missing_widgets()
if message := st.session_state.benchmark_message:
    st.session_state.benchmark_message = None  # shown once
    st.info(message)

with st.form("benchmark_form", border=True):
    benchmark_views.draw_form()
    submitted = st.form_submit_button(text("benchmark.run"), type="primary", key="benchmark_submit", disabled=running)

if submitted:
    try:
        benchmarks.start_from_widgets(st.session_state.config)
    except LabError as error:
        st.error(plain(error))  # bad settings or a busy server: the form keeps its values
    else:
        st.rerun()

if running:  # a second Stop ends the worker at once, so the button stays enabled while it stops
    st.button(
        text("benchmark.stop"), key="benchmark_stop", on_click=benchmarks.SLOT.stop, help=text("benchmark.stop_help")
    )
    benchmarks.SLOT.live_progress()
    st.stop()

if st.session_state.benchmark_error:
    st.error(plain(st.session_state.benchmark_error))
record = st.session_state.benchmark_result
if record is None:
    st.info(text("benchmark.empty"))
    st.stop()
benchmark_views.draw_result(record)
global_views.draw_chooser(record)  # the global LSTM's gates and states for any one series
