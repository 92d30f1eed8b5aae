"""Backtest: walk-forward folds with the Train page's model, against the baselines, with measured band coverage."""

import streamlit as st

from lstm_core.errors import LabError
from lstm_core.nn.stop_reason import StopReason
from ui.charts import backtest_charts
from ui.forms import backtest_form, settings
from ui.jobs import backtests
from ui.text import i18n
from ui.text.format import plain, time_label


def _text(key: str) -> str:
    return i18n.text(f"backtest.{key}")


st.title(_text("title"))
dataset = st.session_state.dataset
job = backtests.SLOT.current()
running = backtests.SLOT.running()
config = st.session_state.config.replace(data=st.session_state.data_config)
model = config.model
shape = f"{model.layers}×LSTM({model.units})"
words = {"n": f"{len(dataset):,}", "m": shape, "w": config.windows.window, "d": config.windows.difference}
st.caption(_text("caption").format(**words))

backtest_form.fill_missing_widgets(config)
with st.form("backtest_form", border=True):
    left, middle, right = st.columns(3)
    with left:
        for name in ("start", "horizon", "stride"):
            settings.draw_setting(name, key_prefix="backtest_")
    with middle:
        for name in ("window_type", "retrain", "strategy"):
            settings.draw_setting(name, key_prefix="backtest_")
    with right:
        for name in ("levels", "epochs"):
            settings.draw_setting(name, key_prefix="backtest_")
    submitted = st.form_submit_button(_text("run"), type="primary", key="backtest_submit", disabled=running)

if submitted:
    try:
        chosen, backtest = backtest_form.settings_from_widgets(config)
        backtests.start(dataset, chosen, backtest)
    except LabError as error:
        st.error(plain(error))  # a bad setting or a busy server: data and settings stay as they are
    else:
        st.rerun()

if running:
    stop, stop_help = _text("stop"), _text("stop_help")
    st.button(stop, key="backtest_stop", on_click=backtests.SLOT.stop, disabled=job.stopping, help=stop_help)
    backtests.SLOT.live_progress()
    st.stop()

if st.session_state.backtest_error:
    st.error(plain(st.session_state.backtest_error))
if not st.session_state.backtests:
    st.info(_text("empty"))
    st.stop()

record = st.session_state.backtests[-1]
result, summary = record.result, record.result.summary
st.subheader(_text("last"))
st.text(record.label)  # the data's name is the user's: plain text, not markdown
if result.stop_reason == StopReason.STOPPED:
    st.warning(_text("stopped").format(n=result.folds))
for note in result.notes:
    st.info(plain(note))

frame = result.frame
series = dataset.series if record.dataset_name == dataset.name else None
if series is not None and result.folds:
    fold = st.slider(_text("fold"), 1, result.folds, result.folds, key="backtest_fold") if result.folds > 1 else 1
    st.plotly_chart(backtest_charts.fold_figure(series, frame, fold), key="backtest_fold_chart")
    origins = frame["origin"].unique()
    first, last = time_label(origins[0]), time_label(origins[-1])
    st.caption(_text("origins").format(n=result.folds, a=first, b=last))

st.subheader(_text("errors"))
beats, sentence = backtest_charts.strongest_sentence(summary)
if sentence:
    (st.success if beats else st.warning)(sentence)
st.dataframe(backtest_charts.models_table(summary), key="backtest_models_table")
st.caption(_text("errors_caption"))
st.plotly_chart(backtest_charts.per_step_figure(summary["per_step_rmse"]), key="backtest_per_step_chart")

st.subheader(_text("coverage"))
if summary["coverage"]:
    table = backtest_charts.coverage_table(summary)
    percent = {c: st.column_config.NumberColumn(c, format="percent") for c in ("nominal", "covered")}
    st.dataframe(table, hide_index=True, column_config=percent, key="backtest_coverage_table")
    for level, block in summary["coverage"].items():
        st.write(backtest_charts.coverage_sentence(level, block))
    st.caption(_text("coverage_caption"))
else:
    st.caption(_text("no_levels"))
st.caption(_text("time").format(n=summary["trainings"], s=f"{summary['seconds']:.1f}"))
