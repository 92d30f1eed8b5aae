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

st.title(i18n.text("train.title"))
dataset = st.session_state.dataset
running = trainings.SLOT.running()

name, target = plain(dataset.name), plain(dataset.target)
facts = i18n.text("train.data").format(d=name, n=f"{len(dataset):,}", t=target)
st.caption(f"{facts} {trainings.devices_text()}")
settings.fill_missing_widgets(st.session_state.config)
if applied := st.session_state.applied_suggestion:  # a diagnostic's suggestion from the Forecast page, said once
    st.session_state.applied_suggestion = None
    st.info(i18n.text("forecast.applied").format(changes=applied), icon=":material/tune:")
st.button(
    i18n.text("train.seed_preset"),
    key="train_seed_preset",
    on_click=settings.apply_seed_preset,
    disabled=running,
    help=i18n.text("train.seed_preset_help"),
)

with st.form("train_form", border=True):
    settings.draw_form_fields()
    submitted = st.form_submit_button(i18n.text("train.train"), type="primary", key="train_submit", disabled=running)

share_link.draw_share_link()
if st.session_state.data_config.data_source.kind == SourceKind.UPLOAD:
    st.checkbox(
        i18n.text("train.keep_data"),
        key="store_keep_data",
        help=i18n.text("train.keep_data_help"),
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
        i18n.text("train.stop"),
        key="train_stop",
        on_click=trainings.SLOT.stop,
        disabled=trainings.SLOT.current().stopping,
        help=i18n.text("train.stop_help"),
    )
    trainings.live_training()
    st.stop()

if st.session_state.train_error:
    st.error(st.session_state.train_error)

record = state.latest_record()
if record is None:
    st.info(i18n.text("train.empty"))
    st.stop()

st.subheader(i18n.text("train.last_run").format(r=plain(record.label)))
(st.warning if record.stop_reason in (StopReason.STOPPED, StopReason.TIME_LIMIT) else st.success)(record.message)
metrics = record.metrics
columns = st.columns(5)
columns[0].metric(i18n.text("train.lstm_rmse"), number(metrics.rmse(Column.LSTM)))
columns[1].metric(i18n.text("train.naive_rmse"), number(metrics.rmse(Column.NAIVE)))
skill = metrics.skill_vs_naive
columns[2].metric(i18n.text("train.skill"), "—" if skill is None else f"{skill:.1%}")
columns[3].metric(i18n.text("train.epochs_time"), f"{metrics.epochs_run} · {duration(metrics.train_seconds)}")
columns[4].metric(i18n.text("train.speed_device"), f"{metrics.samples_per_second:,.0f} · {metrics.device}")
beats, sentence = skill_sentence(metrics)
(st.success if beats else st.warning)(sentence)
st.plotly_chart(figures.loss_figure(record.history), key="train_result_loss")
pages.link("forecast", i18n.text("train.link_forecast"))
pages.link("gates", i18n.text("train.link_gates"))
