"""LSTM Lab: train an LSTM on a time series, watch it learn, and see what its gates do.

Run with `streamlit run app.py`. This file is the router: per-visitor defaults, the jobs' collection, the
shared sidebar (with every job's line, so a running training, backtest or sweep is watched from every page),
and `st.navigation` over the pages. It imports no Keras: the Data page opens without TensorFlow.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:  # `ui` and `lstm_core` live next to this file
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from lstm_core.runtime import configure_threads  # noqa: E402
from ui import pages  # noqa: E402
from ui.jobs import backtests, benchmarks, compares, runtime, sweeps, trainings  # noqa: E402
from ui.session import keys, share  # noqa: E402
from ui.text import i18n  # noqa: E402
from ui.text.format import plain  # noqa: E402

configure_threads()  # before TensorFlow starts (it is imported by the first training)
runtime.keep_keras_state_between_reruns()
runtime.warm_workers()  # trainings run in worker processes (lstm_core.jobs.pool): one is kept ready

st.set_page_config(page_title="LSTM Lab", page_icon=":material/neurology:", layout="wide")

keys.init()  # every session-state key, made where missing
share.on_every_run()  # the workspace stays in the URL across pages; a share link opens once
JOBS = (trainings.SLOT, backtests.SLOT, sweeps.SLOT, compares.SLOT, benchmarks.SLOT)
for slot in JOBS:
    slot.collect()  # a job that finished since the last run becomes its record, once

i18n.init_language()  # a shared link's language (?lang=zh), before the page titles are drawn in it
titles = {item.name: i18n.text(f"pages.{item.name}") for item in pages.PAGES}
here, navigation = pages.navigation(titles)  # the page chosen in the sidebar (PAGES in ui/pages.py)

with st.sidebar:
    i18n.language_switch()  # English / 中文, kept in the URL (?lang=zh)
    dataset = st.session_state.dataset
    words = i18n.text("sidebar.data").format(d=plain(dataset.name), n=f"{len(dataset):,}", t=plain(dataset.target))
    st.caption(words)
    # Every job is watched from every page (its heartbeat); its own page polls it itself, so the sidebar there
    # only shows it.
    for slot in JOBS:
        slot.sidebar(here=here.name == slot.page)
    if st.session_state.runs:
        st.caption(i18n.text("sidebar.runs").format(n=len(st.session_state.runs)))

navigation.run()
