"""Runs: every finished training of this session, in a table; overlay two or more."""

import streamlit as st

from lstm_core.export import safe_csv
from ui import charts, state
from ui.runs_table import runs_table

st.title("Runs")
runs = st.session_state.runs
if not runs:
    state.stop_with_link_to_train("No runs yet: every training you finish in this session is kept here.")

table = runs_table(runs)
st.dataframe(table, hide_index=True, key="runs_table")
st.download_button(
    "Download this table (CSV)",
    data=safe_csv(table),
    file_name="lstm-lab-runs.csv",
    mime="text/csv",
    key="runs_table_csv",
    on_click="ignore",
)
st.caption(
    f"Every run keeps its settings, metrics, loss history and forecast. The trained network (its weights) is kept "
    f"for the last {state.MODELS_KEPT} runs only, to save memory; older runs cannot be downloaded or shown on the "
    "Gates page. "
    f"At most {state.MAX_RUNS} runs are kept."
)

by_label = {record.label: record for record in runs}
labels = list(by_label)
chosen = st.multiselect("Runs to compare", labels, default=labels[-2:], key="runs_compare")
if len(chosen) < 2:
    st.info("Pick two or more runs to overlay their loss curves and forecasts.")
    st.stop()

records = [by_label[label] for label in chosen]
st.plotly_chart(charts.runs_loss_figure(records), key="runs_loss_chart")
st.plotly_chart(charts.runs_forecast_figure(records), key="runs_forecast_chart")
