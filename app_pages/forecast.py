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

st.title(i18n.text("forecast.title"))
record = state.require_trained_record(i18n.text("forecast.untrained"))

run = record.run
metrics = record.metrics
st.caption(f"{plain(record.label)}. {record.message}")
beats, sentence = skill_sentence(metrics)
(st.success if beats else st.warning)(sentence)

test = record.forecast[record.forecast[Column.PART] == ForecastPart.TEST]
future = record.forecast[record.forecast[Column.PART] == ForecastPart.FUTURE]
title = i18n.text("forecast.chart_title").format(t=chart_text(run.dataset.target), n=len(test))
if len(future):
    title += i18n.text("forecast.chart_future").format(n=len(future))
st.plotly_chart(figures.forecast_figure(record.forecast, run.dataset.series, title=title), key="forecast_chart")
if len(test):
    st.caption(i18n.text("forecast.test_part").format(a=time_label(test.index[0]), b=time_label(test.index[-1])))
bands = interval_caption(metrics.intervals)
if bands:
    st.caption(bands)
for note in run.notes:
    st.info(note)
if run.leaves_training_range and run.config.windows.difference == "none":
    st.info(i18n.text("forecast.try_differences"))

st.subheader(i18n.text("forecast.errors"))
table = metrics_table(metrics)
number_format = {label: st.column_config.NumberColumn(label, format="%.4g") for label in METRIC_NAMES.values()}
st.dataframe(table, column_config=number_format, key="forecast_metrics_table")
st.caption(i18n.text("forecast.errors_caption") + " " + baselines_caption(metrics))

spread = seed_spread_table(metrics)
if spread is not None:
    st.subheader(i18n.text("forecast.seed_spread"))
    st.markdown(seed_spread_sentence(metrics))
    spread_format = {name: st.column_config.NumberColumn(name, format="%.4g") for name in spread.columns}
    st.dataframe(spread, column_config=spread_format, key="forecast_seed_spread")
if metrics.diagnostics:
    st.subheader(i18n.text("forecast.diagnostics"))
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

st.subheader(i18n.text("forecast.downloads"))
files = [  # data (the model is built only when clicked), file name, type, key (its label: `forecast.download_<key>`)
    (downloads.forecast_csv(run), "forecast.csv", "text/csv", "csv"),
    (downloads.metrics_json(run), "metrics.json", "application/json", "metrics"),
    (lambda: downloads.model_bytes(run), "model.keras", "application/octet-stream", "model"),
    (downloads.config_json(run), "config.json", "application/json", "config"),
]
for column, (payload, file_name, mime, key) in zip(st.columns(len(files)), files, strict=True):
    label = i18n.text(f"forecast.download_{key}")
    column.download_button(
        label, payload, file_name=file_name, mime=mime, key=f"forecast_download_{key}", on_click="ignore"
    )
