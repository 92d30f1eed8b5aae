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

st.title("Sweep")
dataset, config = st.session_state.dataset, st.session_state.config
default_space = sweep_form.fill_missing_widgets(dataset, config)
job = sweeps.SLOT.current()
running = sweeps.SLOT.running()

st.caption(
    f"Each trial trains on **{dataset.name}** with the Train form's other settings ({config.train.epochs} epochs, "
    f"scaler {config.windows.scaler}) and is scored on the validation part (RMSE in the series' units: one step "
    "ahead, or the mean over a backtest's folds, as chosen below); the test part is scored once, when you train "
    "the best trial."
)
if "seasonal" in (default_space.difference or ()):
    st.caption(i18n.text("sweep.seasonal_default").format(window=default_space.window[1]))
if sweeps.storage_fixed():
    st.caption(f"Studies are kept in {public_url(default_storage_url())}.")
else:
    st.text_input(
        "Study storage (a database URL; empty: the run store)",
        key="sweep_storage",
        placeholder=public_url(default_storage_url()),
        help="Workers on other machines join a study through a shared database, e.g. postgresql://user@host/lab.",
    )
with st.form("sweep_form", border=True):
    sweep_form.draw_space()
    sweep_form.draw_budget()
    st.text_input("Study name (other workers join it by this name)", key="sweep_study")
    submitted = st.form_submit_button("Start sweep", type="primary", key="sweep_start", disabled=running)

storage = "" if sweeps.storage_fixed() else st.session_state.get("sweep_storage", "").strip()
storage = storage or default_storage_url()
if (collection := st.session_state.get("collection")) is not None:
    with st.expander(f"Sweep one global model over the collection {collection.name} ({len(collection)} series)"):
        st.caption(
            "Each trial trains one network over every series of the collection (window, units, layers, learning "
            "rate, dropout, base forecast, windows per series, and calendar inputs where the series have dates, "
            "searched; 40 epochs with patience 5, batch 128) and is scored by the mean over series of the MASE of "
            "its forecast of each series' validation part (the horizon's steps before its test part). The test "
            "parts are not read here: score the best settings once against ETS, Theta and the naive forecasts with "
            "`python -m lstm_core sweep --data ... --out DIR`, or on the Benchmark page."
        )
        with st.form("sweep_global_form", border=False):
            horizon = st.number_input(
                "Horizon: validation and test steps of each series (0: the collection's own)",
                min_value=0,
                max_value=1000,
                value=0,
                key="sweep_global_horizon",
            )
            trials = st.number_input("Trials", min_value=1, max_value=500, value=8, key="sweep_global_trials")
            global_pressed = st.form_submit_button("Start global sweep", key="sweep_global_start", disabled=running)
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

with st.expander("Open a study by name (trials of every worker, as they arrive)"):
    name = st.text_input("Study name", key="sweep_open_name")
    if st.button("Open", key="sweep_open"):
        try:
            sweeps.open_view(storage, name)
        except LabError as error:
            st.error(str(error))

if running:
    st.button("Stop", key="sweep_stop", on_click=sweeps.SLOT.stop, disabled=job.stopping,
              help="Ends the running trial within about a second and starts no other.")  # fmt: skip


following = st.session_state.get("sweep_view") is not None and st.toggle(
    "Follow the study live", value=True, key="sweep_follow", help="Reads the study's trials every 2 seconds."
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
        st.info("Set the ranges and the budget, then press **Start sweep**, or open a study by name.")
        return
    study, setup = opened
    score = trial_score(setup)  # validation RMSE of one series, mean validation MASE of a collection
    frame = trials_frame(study, score.column)
    st.subheader(f"Study {study.study_name}: {len(frame)} trial(s)")
    if frame.empty:
        st.caption("No trial yet; the first one includes loading Keras and compiling the model.")
        return
    best = frame[score.column].min()
    st.caption(f"Best {score.label} so far: {number(best)} · workers: {frame['worker'].nunique()}")
    st.caption(f"Objective: {score.text}.")
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
        st.caption(
            "A global model's best settings are scored on the test parts by the command line's `sweep ... --out "
            "DIR` (beside ETS, Theta and the naive forecasts); Train the best is for a sweep of one series."
        )
        return
    # In the fragment: a click reruns only the fragment, so the switch to Train must happen here.
    if frame["state"].eq("complete").any() and st.button(
        "Train the best",
        key="sweep_train_best",
        type="primary",
        help="Opens the best trial as a normal run: Train, then Forecast and Gates.",
    ):
        try:
            sweeps.train_best(study, setup)
        except LabError as error:
            st.error(str(error))  # a busy server or a training already running: the sweep stays as it is
        else:
            pages.switch("train")


live_trials()
