"""Sweep: search settings with Optuna on the loaded data; watch the trials arrive; train the best one."""

import streamlit as st

from lstm_core.config.sweep import SweepConfig
from lstm_core.errors import LabError
from lstm_core.sweep.results import importances, trials_frame
from lstm_core.sweep.score import trial_score
from lstm_core.sweep.study import default_storage_url, public_url
from ui import pages
from ui.charts import sweep_charts
from ui.forms import sweep_form
from ui.jobs import sweeps
from ui.text import i18n
from ui.text.format import number

REFRESH_SECONDS = 2.0


def _text(key: str) -> str:
    return i18n.text(f"sweep.{key}")


st.title(_text("title"))
dataset, config = st.session_state.dataset, st.session_state.config
default_space = sweep_form.fill_missing_widgets(dataset, config)
job = sweeps.SLOT.current()
running = sweeps.SLOT.running()

st.caption(_text("caption").format(d=dataset.name, e=config.train.epochs, s=config.windows.scaler))
if "seasonal" in (default_space.difference or ()):
    st.caption(i18n.text("sweep.seasonal_default").format(window=default_space.window[1]))
if sweeps.storage_fixed():
    st.caption(_text("kept_in").format(u=public_url(default_storage_url())))
else:
    st.text_input(
        _text("storage"),
        key="sweep_storage",
        placeholder=public_url(default_storage_url()),
        help=_text("storage_help"),
    )
with st.form("sweep_form", border=True):
    sweep_form.draw_space()
    sweep_form.draw_budget()
    st.text_input(_text("study_name"), key="sweep_study")
    submitted = st.form_submit_button(_text("start"), type="primary", key="sweep_start", disabled=running)

storage = "" if sweeps.storage_fixed() else st.session_state.get("sweep_storage", "").strip()
storage = storage or default_storage_url()
if (collection := st.session_state.get("collection")) is not None:
    with st.expander(_text("global").format(n=collection.name, s=len(collection))):
        st.caption(_text("global_caption"))
        with st.form("sweep_global_form", border=False):
            horizon = st.number_input(
                _text("global_horizon"),
                min_value=0,
                max_value=1000,
                value=0,
                key="sweep_global_horizon",
            )
            trials = st.number_input(_text("trials"), min_value=1, max_value=500, value=8, key="sweep_global_trials")
            global_pressed = st.form_submit_button(_text("global_start"), key="sweep_global_start", disabled=running)
    if global_pressed:
        try:
            sweeps.start_collection(
                SweepConfig(trials=int(trials)),
                horizon=int(horizon) or None,
                study_name=st.session_state.sweep_study,
                storage=storage,
            )
        except LabError as error:
            st.error(str(error))
        else:
            st.session_state.sweep_rename = True
            st.rerun()
if submitted:
    try:
        space, sweep = sweep_form.space_from_widgets(), sweep_form.sweep_from_widgets()
        sweeps.start(space, sweep, study_name=st.session_state.sweep_study, storage=storage)
    except LabError as error:
        st.error(str(error))  # bad range, busy server: the form keeps its values
    else:
        st.session_state.sweep_rename = True  # the next sweep gets a fresh name
        st.rerun()

with st.expander(_text("open_study")):
    name = st.text_input(_text("open_name"), key="sweep_open_name")
    if st.button(_text("open"), key="sweep_open"):
        try:
            sweeps.open_view(storage, name)
        except LabError as error:
            st.error(str(error))

if running:
    st.button(_text("stop"), key="sweep_stop", on_click=sweeps.SLOT.stop, disabled=job.stopping,
              help=_text("stop_help"))  # fmt: skip


following = st.session_state.get("sweep_view") is not None and st.toggle(
    _text("follow"), value=True, key="sweep_follow", help=_text("follow_help").format(n=f"{REFRESH_SECONDS:g}")
)


@st.fragment(run_every=REFRESH_SECONDS if running or following else None)
def live_trials() -> None:
    sweeps.draw_status()  # the heartbeat; at the sweep's end a rerun of the whole page (Start and Stop change)
    try:
        opened = sweeps.view()
    except LabError as error:
        st.error(str(error))
        return
    if opened is None:
        st.info(_text("empty"))
        return
    study, setup = opened
    score = trial_score(setup)  # validation RMSE of one series, mean validation MASE of a collection
    frame = trials_frame(study, score.column)
    st.subheader(_text("study").format(n=study.study_name, t=len(frame)))
    if frame.empty:
        st.caption(_text("no_trial"))
        return
    best = frame[score.column].min()
    st.caption(_text("best").format(s=score.label, b=number(best), w=frame["worker"].nunique()))
    st.caption(_text("objective").format(o=score.text))
    st.dataframe(frame, hide_index=True, key=f"sweep_table_{len(frame)}")
    st.plotly_chart(sweep_charts.progress_figure(frame, score), key="sweep_progress_chart")
    parameters = [name for name in setup.space.searched if name in frame.columns]
    parallel = sweep_charts.parallel_figure(frame, parameters, score)
    if parallel is not None:
        st.plotly_chart(parallel, key="sweep_parallel_chart")
    weights = importances(study)
    if weights:
        st.plotly_chart(sweep_charts.importance_figure(weights, score), key="sweep_importance_chart")
    if setup.collection is not None:
        st.caption(_text("global_best"))
        return
    # In the fragment: a click reruns only the fragment, so the switch to Train must happen here.
    if frame["state"].eq("complete").any() and st.button(
        _text("train_best"),
        key="sweep_train_best",
        type="primary",
        help=_text("train_best_help"),
    ):
        try:
            sweeps.train_best(study, setup)
        except LabError as error:
            st.error(str(error))  # a busy server or a training already running: the sweep stays as it is
        else:
            pages.switch("train")


live_trials()
