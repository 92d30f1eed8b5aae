"""Runs: every run of this workspace (kept across restarts), filtered and sorted; compare, delete, export."""

import streamlit as st

from lstm_core.errors import LabError
from lstm_core.experiment.export import safe_csv
from ui import pages
from ui.charts import figures, runs_charts
from ui.charts.backtest_charts import backtests_table
from ui.forms import backtest_form
from ui.session import runstore, state
from ui.text.format import plain
from ui.views import benchmark_views
from ui.views.runs_table import runs_table, stored_runs_table


def backtests_section() -> None:
    """This session's backtests, beside the runs."""
    records = st.session_state.get("backtests") or []
    if records:
        st.subheader("Backtests")
        st.dataframe(backtests_table(records), hide_index=True, key="runs_backtests_table")


def open_again(run) -> None:
    """Fill the Backtest or Benchmark form with a stored entry's settings and open that page."""
    if run.kind == "benchmark":
        benchmark_views.fill_from_stored(run)
        pages.switch("benchmark")
    loaded = st.session_state.data_config.source
    if run.source != loaded:
        raise LabError(f"This backtest ran on {run.source}, not on the loaded {loaded}: load it on the Data page.")
    backtest_form.fill_from_stored(run)
    pages.switch("backtest")


st.title("Runs")
if problem := runstore.problem():
    st.warning(plain(problem))
stored = runstore.list_runs()
unsaved = [record for record in st.session_state.runs if record.store_id is None]
numbers = {record.store_id: record.number for record in st.session_state.runs if record.store_id}
st.caption(
    "Runs are kept in your workspace, named by the `ws` part of this page's address: bookmark the address to "
    "come back to them. Nobody else can list your runs, but anyone you give the address to can see them. "
    f"This session's trained networks (their weights) are kept for the last {state.MODELS_KEPT} runs only, to save "
    "memory; older runs keep their settings, metrics, history and forecast, but not the Gates views. The Gates "
    f"page's epoch slider has every recorded epoch for the newest run and {state.THINNED_SNAPSHOTS} evenly spread "
    "epochs for the ones before."
)
if not stored and not unsaved:
    backtests_section()
    state.stop_with_link_to_train("No runs yet: every training you finish is kept here.")

table = stored_runs_table(stored, numbers)
if not table.empty:
    filters = st.columns([2, 2, 1, 2])
    text = filters[0].text_input("Data name contains", key="runs_filter_text")
    kinds = filters[1].multiselect("Kind", sorted(table["kind"].unique()), key="runs_filter_kind")
    only_beating = filters[2].checkbox("Beats naive", key="runs_filter_beats")
    order = filters[3].selectbox("Sort by", ["finished", "skill vs naive", "LSTM RMSE", "seconds"], key="runs_sort")
    shown = table[table["data"].str.contains(text, case=False, regex=False)] if text else table
    shown = shown[shown["kind"].isin(kinds)] if kinds else shown
    shown = shown[shown["beats naive"]] if only_beating else shown
    shown = shown.sort_values(order, ascending=order in ("LSTM RMSE", "seconds"), na_position="last")
    st.dataframe(shown.drop(columns="id"), hide_index=True, key="runs_table")
    usage = f"{len(shown)} of {len(table)} stored run(s) shown."
    st.download_button(
        "Download this table (CSV)",
        data=safe_csv(shown),
        file_name="lstm-lab-runs.csv",
        mime="text/csv",
        key="runs_table_csv",
        on_click="ignore",
    )
    st.caption(usage)
    figure = runs_charts.parallel_figure(shown)
    if figure is not None:
        st.plotly_chart(figure, key="runs_parallel_chart")

if unsaved:
    st.subheader("This session's runs that are not stored")
    st.dataframe(runs_table(unsaved), hide_index=True, key="runs_unsaved_table")

backtests_section()

again = [run for run in stored if run.kind in ("backtest", "benchmark")]
if again:
    with st.expander("Run a stored backtest or benchmark again"):
        chosen_again = st.selectbox("Backtest or benchmark", again, format_func=runstore.label, key="runs_again_choice")
        if st.button("Open its settings in its form", key="runs_again"):
            try:
                open_again(chosen_again)
            except LabError as error:
                st.error(plain(error))

trained = [run for run in stored if run.kind in ("run", "sweep_trial")]  # those with a loss curve and a forecast
by_label = {runstore.label(run, numbers.get(run.id)): run for run in trained} | {r.label: r for r in unsaved}
labels = list(by_label)
chosen = st.multiselect("Runs to compare", labels, default=labels[:2], key="runs_compare")
if len(chosen) >= 2:
    views = [
        by_label[label] if hasattr(by_label[label], "number") else runstore.view(by_label[label]) for label in chosen
    ]
    views = [view for view in views if view is not None]
    st.plotly_chart(figures.runs_loss_figure(views), key="runs_loss_chart")
    st.plotly_chart(figures.runs_forecast_figure(views), key="runs_forecast_chart")
else:
    st.info("Pick two or more runs to overlay their loss curves and forecasts.")

if stored:
    with st.expander("Delete, export or import runs"):
        ids = {runstore.label(run, numbers.get(run.id)): run.id for run in stored}
        doomed = st.selectbox("Run to delete", list(ids), key="runs_delete_choice")
        if st.button("Delete this run", key="runs_delete"):
            runstore.delete(ids[doomed])
            st.rerun()
        if st.button("Prepare an export of this workspace", key="runs_export"):
            st.session_state.runs_export = runstore.export_bytes()
        if st.session_state.get("runs_export"):
            st.download_button(
                "Download the export",
                data=st.session_state.runs_export,
                file_name="lstm-lab-workspace.zip",
                mime="application/zip",
                key="runs_export_download",
                on_click="ignore",
            )
upload = st.file_uploader("Import runs from an export", type=["zip"], key="runs_import_file")
if upload is not None and st.button("Import", key="runs_import"):
    added = runstore.import_bytes(upload.getvalue())
    if added is None:
        st.error(plain(runstore.problem() or "The run store cannot be used now; try again later."))
    else:
        st.session_state.runs_message = f"Imported {added} new run(s) into this workspace."
        st.rerun()
if message := st.session_state.runs_message:
    st.session_state.runs_message = None  # shown once
    st.success(message)
