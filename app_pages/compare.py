"""Compare cells: the Train page's settings trained with an LSTM, a GRU and a plain RNN, shown side by side."""

import streamlit as st

from lstm_core.errors import LabError
from ui import pages
from ui.jobs import compares, trainings
from ui.text import i18n
from ui.text.format import plain
from ui.views import compare_views


def say(key: str) -> str:
    return i18n.text(f"compare.{key}")


st.title(say("title"))
st.markdown(say("intro"))
compares.SLOT.collect()  # a comparison that finished since the last run becomes its record, once
config = compares.current_settings()
running = compares.SLOT.running()
settings = compare_views.settings_text(config)
st.caption(say("settings").format(s=settings, d=plain(st.session_state.dataset.name)))
pages.link("train", say("link_train"))

busy = running or trainings.SLOT.running()
with_backtest = st.checkbox(say("with_backtest"), key="compare_with_backtest", help=say("with_backtest_help"))
if st.button(say("start"), type="primary", key="compare_start", disabled=busy):
    try:
        compares.start(config, compares.backtest_settings() if with_backtest else None)
    except LabError as error:
        st.error(str(error))  # a bad setting or a busy server: data and settings stay as they are
    else:
        st.rerun()

if running:
    job = compares.SLOT.current()
    st.button(
        say("stop"), key="compare_stop", on_click=compares.SLOT.stop, disabled=job.stopping, help=say("stop_help")
    )
    compares.SLOT.live_progress()
    st.stop()

if st.session_state.compare_error:
    st.error(st.session_state.compare_error)

record = st.session_state.comparison
if record is None:
    st.info(say("none_yet").format(s=compare_views.long_memory_settings()))
    st.button(say("load_long_memory"), key="compare_long_memory", on_click=compares.use_long_memory)
    if st.session_state.dataset.name == compare_views.LONG_MEMORY:
        st.caption(say("loaded_long_memory").format(s=compare_views.long_memory_settings()))
    st.stop()

compare_views.draw_comparison(record)
pages.link("gates", say("link_gates"))
