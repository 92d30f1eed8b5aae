"""Forecast: test predictions against the actual values and honest baselines, the future, metrics, downloads."""

import streamlit as st

from lstm_core.errors import LabError
from lstm_core.scoring.columns import ForecastColumn as Column
from lstm_core.scoring.columns import ForecastPart
from ui import pages
from ui.charts import figures
from ui.charts.backtest_charts import interval_caption
from ui.forms import settings
from ui.session import state
from ui.text import i18n
from ui.text.format import (
    METRIC_NAMES,
    baselines_caption,
    chart_text,
    metrics_table,
    plain,
    seed_spread_sentence,
    seed_spread_table,
    skill_sentence,
    time_label,
)
from ui.views import downloads

st.title("Forecast")
record = state.require_trained_record("There is no trained network yet: train one first.")

run = record.run
metrics = record.metrics
st.caption(f"{plain(record.label)}. {record.message}")
beats, sentence = skill_sentence(metrics)
(st.success if beats else st.warning)(sentence)

test = record.forecast[record.forecast[Column.PART] == ForecastPart.TEST]
future = record.forecast[record.forecast[Column.PART] == ForecastPart.FUTURE]
title = f"{chart_text(run.dataset.target)}: one-step predictions on the test part ({len(test)} points)"
if len(future):
    title += f", then {len(future)} steps into the future"
st.plotly_chart(figures.forecast_figure(record.forecast, run.dataset.series, title=title), key="forecast_chart")
if len(test):
    st.caption(
        f"Test part: {time_label(test.index[0])} → {time_label(test.index[-1])}. Each test prediction sees only "
        "the actual values before it; the future forecast feeds its own predictions back, so its errors compound."
    )
bands = interval_caption(metrics.intervals)
if bands:
    st.caption(bands)
for note in run.notes:
    st.info(note)
if run.leaves_training_range and run.config.windows.difference == "none":
    st.info(
        "Try turning on **Predict differences** on the Train page: the network then learns the change from one "
        "step to the next instead of the level, so a trend no longer takes it outside what it saw in training."
    )

st.subheader("Errors on the test part")
table = metrics_table(metrics)
number_format = {label: st.column_config.NumberColumn(label, format="%.4g") for label in METRIC_NAMES.values()}
st.dataframe(table, column_config=number_format, key="forecast_metrics_table")
st.caption(
    "MAE and RMSE are in the series' units; sMAPE and MAPE in percent (MAPE is left empty when an actual value is 0). "
    "sMAPE is 200/h·Σ|y−ŷ|/(|y|+|ŷ|) and MASE the MAE over the in-sample MAE of the seasonal naive forecast on the "
    "training part (the naive one without a season), as in the M4 and Tourism competitions: below 1 beats it. "
    + baselines_caption(metrics)
)

spread = seed_spread_table(metrics)
if spread is not None:
    st.subheader("Seed spread")
    st.markdown(seed_spread_sentence(metrics))
    spread_format = {name: st.column_config.NumberColumn(name, format="%.4g") for name in spread.columns}
    st.dataframe(spread, column_config=spread_format, key="forecast_seed_spread")
if metrics.diagnostics:
    st.subheader("Diagnostics")
    for number, item in enumerate(metrics.diagnostics):
        if not item.suggestion:
            st.info(item.sentence, icon=":material/troubleshoot:")
            continue
        sentence, button = st.columns([4, 1], vertical_alignment="center")
        sentence.info(item.sentence, icon=":material/troubleshoot:")
        changes = settings.describe_settings(item.settings)
        if button.button(
            i18n.text("forecast.apply").format(changes=changes),
            key=f"forecast_apply_{number}",
            help=i18n.text("forecast.apply_help"),
            icon=":material/tune:",
        ):
            try:
                settings.apply_settings(item.settings)
            except LabError as error:
                st.error(plain(error))
            else:
                st.session_state.applied_suggestion = changes
                pages.switch("train")

st.subheader("Downloads")
files = [  # label, data (the model is built only when clicked), file name, type, key
    ("Forecast CSV", downloads.forecast_csv(run), "forecast.csv", "text/csv", "csv"),
    ("Metrics JSON", downloads.metrics_json(run), "metrics.json", "application/json", "metrics"),
    ("Trained model (.keras)", lambda: downloads.model_bytes(run), "model.keras", "application/octet-stream", "model"),
    ("Config JSON", downloads.config_json(run), "config.json", "application/json", "config"),
]
for column, (label, payload, file_name, mime, key) in zip(st.columns(len(files)), files, strict=True):
    column.download_button(
        label, payload, file_name=file_name, mime=mime, key=f"forecast_download_{key}", on_click="ignore"
    )
