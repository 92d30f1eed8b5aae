"""Backtest: walk-forward folds with the Train page's model, against the baselines, with measured band coverage."""

import streamlit as st

from lstm_core.errors import LabError
from lstm_core.nn.stop_reason import StopReason
from ui.charts import backtest_charts
from ui.forms import backtest_form, settings
from ui.jobs import backtests
from ui.text.format import plain, time_label

st.title("Backtest")
dataset = st.session_state.dataset
job = backtests.SLOT.current()
running = backtests.SLOT.running()
config = st.session_state.config.replace(data=st.session_state.data_config)
model = config.model
st.caption(
    f"{len(dataset):,} points. Model from the Train page: {model.layers}×LSTM({model.units}), "
    f"window {config.windows.window}, differences: {config.windows.difference}. Each fold forecasts from an origin "
    "using only the data before it; the scaler, the training and the bands never see a later value."
)

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
    submitted = st.form_submit_button("Run backtest", type="primary", key="backtest_submit", disabled=running)

if submitted:
    try:
        chosen, backtest = backtest_form.settings_from_widgets(config)
        backtests.start(dataset, chosen, backtest)
    except LabError as error:
        st.error(plain(error))  # a bad setting or a busy server: data and settings stay as they are
    else:
        st.rerun()

if running:
    st.button(
        "Stop", key="backtest_stop", on_click=backtests.SLOT.stop, disabled=job.stopping, help="Keeps the folds done."
    )
    backtests.SLOT.live_progress()
    st.stop()

if st.session_state.backtest_error:
    st.error(plain(st.session_state.backtest_error))
if not st.session_state.backtests:
    st.info(
        "Choose where the first forecast origin lies, how far each fold forecasts and how often to retrain, then "
        "press **Run backtest**. Retrain `never` trains once and rolls forward: about the time of one training."
    )
    st.stop()

record = st.session_state.backtests[-1]
result, summary = record.result, record.result.summary
st.subheader("Last backtest")
st.text(record.label)  # the data's name is the user's: plain text, not markdown
if result.stop_reason == StopReason.STOPPED:
    st.warning(f"Stopped by request after {result.folds} fold(s); the folds done are shown.")
for note in result.notes:
    st.info(plain(note))

frame = result.frame
series = dataset.series if record.dataset_name == dataset.name else None
if series is not None and result.folds:
    fold = st.slider("Fold", 1, result.folds, result.folds, key="backtest_fold") if result.folds > 1 else 1
    st.plotly_chart(backtest_charts.fold_figure(series, frame, fold), key="backtest_fold_chart")
    origins = frame["origin"].unique()
    st.caption(
        f"{result.folds} origins from {time_label(origins[0])} to {time_label(origins[-1])} (thin lines); the dashed "
        "line is the chosen fold's origin. Shaded: its prediction intervals."
    )

st.subheader("Errors over folds (mean ± sd)")
beats, sentence = backtest_charts.strongest_sentence(summary)
if sentence:
    (st.success if beats else st.warning)(sentence)
st.dataframe(backtest_charts.models_table(summary), key="backtest_models_table")
st.caption(
    "Each error is computed per fold over its horizon, then averaged over folds; ± is the standard deviation across "
    "folds. Skill = 1 − RMSE of the LSTM / RMSE of the baseline, per fold. ETS (form chosen by AICc) and Theta are "
    "fitted whenever the LSTM is trained, on the same data, and forecast from every origin with those parameters."
)
st.plotly_chart(backtest_charts.per_step_figure(summary["per_step_rmse"]), key="backtest_per_step_chart")

st.subheader("Prediction intervals: coverage")
if summary["coverage"]:
    table = backtest_charts.coverage_table(summary)
    percent = {c: st.column_config.NumberColumn(c, format="percent") for c in ("nominal", "covered")}
    st.dataframe(table, hide_index=True, column_config=percent, key="backtest_coverage_table")
    for level, block in summary["coverage"].items():
        st.write(backtest_charts.coverage_sentence(level, block))
    st.caption(
        "Split conformal bands per horizon step, calibrated on the absolute errors of earlier rolling-origin forecasts "
        "(never training residuals); a band is only as honest as its measured coverage."
    )
else:
    st.caption("No interval levels were asked for.")
st.caption(f"{summary['trainings']} training(s), {summary['seconds']:.1f} s in all.")
