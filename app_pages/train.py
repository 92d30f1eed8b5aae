"""Train: settings in a form, Train and Stop, the live loss curve, and the result when it is done."""

import streamlit as st

from lstm_core.config.source import SourceKind
from lstm_core.errors import LabError
from lstm_core.nn.stop_reason import StopReason
from lstm_core.scoring.columns import ForecastColumn as Column
from ui import pages
from ui.charts import figures
from ui.forms import settings, share_link
from ui.jobs import trainings
from ui.session import runstore, state
from ui.text import i18n
from ui.text.format import duration, number, plain, skill_sentence

st.title("Train")
dataset = st.session_state.dataset
running = trainings.SLOT.running()

name, target = plain(dataset.name), plain(dataset.target)
st.caption(f"Data: **{name}**, {len(dataset):,} points, forecasting {target}. {trainings.devices_text()}")
settings.fill_missing_widgets(st.session_state.config)
if applied := st.session_state.applied_suggestion:  # a diagnostic's suggestion from the Forecast page, said once
    st.session_state.applied_suggestion = None
    st.info(i18n.text("forecast.applied").format(changes=applied), icon=":material/tune:")
st.button(
    "Seed preset",
    key="train_seed_preset",
    on_click=settings.apply_seed_preset,
    disabled=running,
    help=(
        "The classic example: LSTM(50), window 10, batch 32, Adam lr 0.001, MSE, 1 layer, no dropout, "
        "min-max scaled levels."
    ),
)

with st.form("train_form", border=True):
    settings.draw_form_fields()
    submitted = st.form_submit_button("Train", type="primary", key="train_submit", disabled=running)

share_link.draw_share_link()
if st.session_state.data_config.data_source.kind == SourceKind.UPLOAD:
    st.checkbox(
        "Keep my data with the run",
        key="store_keep_data",
        help="Off: the run store keeps only a fingerprint of your file and the run's results, not the file.",
    )
if problem := runstore.problem():
    st.warning(plain(problem))

choice = st.session_state.get("train_device", "auto")
if choice == "gpu" or (choice == "auto" and trainings.gpu_detected()):
    advice = settings.gpu_advice()
    if advice:
        st.caption(advice)

if submitted:
    try:
        trainings.start(settings.config_from_widgets(st.session_state.config))
    except LabError as error:
        st.error(str(error))  # a bad setting or a busy server: data and settings stay as they are
    else:
        st.rerun()  # redraw with the job running, the sidebar monitor included

if running:
    st.button(
        "Stop",
        key="train_stop",
        on_click=trainings.SLOT.stop,
        disabled=trainings.SLOT.current().stopping,
        help="Ends within about a second; the epochs so far and the weights reached are kept.",
    )
    trainings.live_training()
    st.stop()

if st.session_state.train_error:
    st.error(st.session_state.train_error)

record = state.latest_record()
if record is None:
    st.info("Choose settings and press **Train**. Changing a setting never retrains by itself.")
    st.stop()

st.subheader(f"Last run: {plain(record.label)}")
(st.warning if record.stop_reason in (StopReason.STOPPED, StopReason.TIME_LIMIT) else st.success)(record.message)
metrics = record.metrics
columns = st.columns(5)
columns[0].metric("LSTM RMSE (test)", number(metrics.rmse(Column.LSTM)))
columns[1].metric("Naive RMSE (test)", number(metrics.rmse(Column.NAIVE)))
skill = metrics.skill_vs_naive
columns[2].metric("Skill vs naive", "—" if skill is None else f"{skill:.1%}")
columns[3].metric("Epochs · time", f"{metrics.epochs_run} · {duration(metrics.train_seconds)}")
columns[4].metric("Samples/s · device", f"{metrics.samples_per_second:,.0f} · {metrics.device}")
beats, sentence = skill_sentence(metrics)
(st.success if beats else st.warning)(sentence)
st.plotly_chart(figures.loss_figure(record.history), key="train_result_loss")
pages.link("forecast", "See the forecast")
pages.link("gates", "See the gates of this network")
