"""Runs: every run of this workspace (kept across restarts), filtered and sorted; compare, delete, export.

Every word is in ui/text/<lang>.toml under `runs.`; the tables' headers too (ui.charts.runs_charts.header)."""

import streamlit as st

from lstm_core.errors import LabError
from lstm_core.experiment.export import safe_csv
from ui import pages
from ui.charts import figures, runs_charts
from ui.charts.backtest_charts import backtests_table
from ui.forms import backtest_form
from ui.session import runstore, state
from ui.text import i18n
from ui.text.format import plain
from ui.views import benchmark_views
from ui.views.runs_table import runs_table, stored_runs_table

SORTS = ("finished", "skill vs naive", "LSTM RMSE", "seconds")  # columns of the stored runs' table


def _text(key: str) -> str:
    return i18n.text(f"runs.{key}")


def backtests_section() -> None:
    """This session's backtests, beside the runs."""
    records = st.session_state.get("backtests") or []
    if records:
        st.subheader(_text("backtests"))
        table = runs_charts.shown_table(backtests_table(records))
        st.dataframe(table, hide_index=True, key="runs_backtests_table")


def open_again(run) -> None:
    """Fill the Backtest or Benchmark form with a stored entry's settings and open that page."""
    if run.kind == "benchmark":
        benchmark_views.fill_from_stored(run)
        pages.switch("benchmark")
    loaded = st.session_state.data_config.source
    if run.source != loaded:
        raise LabError(_text("other_data").format(r=run.source, d=loaded))
    backtest_form.fill_from_stored(run)
    pages.switch("backtest")


st.title(_text("title"))
if problem := runstore.problem():
    st.warning(plain(problem))
stored = runstore.list_runs()
unsaved = [record for record in st.session_state.runs if record.store_id is None]
numbers = {record.store_id: record.number for record in st.session_state.runs if record.store_id}
st.caption(_text("caption").format(kept=state.MODELS_KEPT, epochs=state.THINNED_SNAPSHOTS))
if not stored and not unsaved:
    backtests_section()
    state.stop_with_link_to_train(_text("none_yet"))

table = stored_runs_table(stored, numbers)
if not table.empty:
    filters = st.columns([2, 2, 1, 2])
    kind_names = sorted(table["kind"].unique())
    text = filters[0].text_input(_text("filter_text"), key="runs_filter_text")
    kinds = filters[1].multiselect(
        _text("filter_kind"),
        kind_names,
        format_func={kind: runs_charts.kind_label(kind) for kind in kind_names}.get,
        key="runs_filter_kind",
    )
    only_beating = filters[2].checkbox(_text("filter_beats"), key="runs_filter_beats")
    sorts = {column: runs_charts.header(column) for column in SORTS}
    order = filters[3].selectbox(_text("sort"), SORTS, format_func=sorts.get, key="runs_sort")
    shown = table[table["data"].str.contains(text, case=False, regex=False)] if text else table
    shown = shown[shown["kind"].isin(kinds)] if kinds else shown
    shown = shown[shown["beats naive"]] if only_beating else shown
    shown = shown.sort_values(order, ascending=order in ("LSTM RMSE", "seconds"), na_position="last")
    st.dataframe(runs_charts.shown_table(shown.drop(columns="id")), hide_index=True, key="runs_table")
    st.download_button(
        _text("download_table"),
        data=safe_csv(shown),  # the columns' own names, the same in every language
        file_name="lstm-lab-runs.csv",
        mime="text/csv",
        key="runs_table_csv",
        on_click="ignore",
    )
    st.caption(_text("shown").format(n=len(shown), t=len(table)))
    figure = runs_charts.parallel_figure(shown)
    if figure is not None:
        st.plotly_chart(figure, key="runs_parallel_chart")

if unsaved:
    st.subheader(_text("unsaved"))
    st.dataframe(runs_charts.shown_table(runs_table(unsaved)), hide_index=True, key="runs_unsaved_table")

backtests_section()

again = [run for run in stored if run.kind in ("backtest", "benchmark")]
if again:
    with st.expander(_text("again")):
        named = {id(run): runstore.label(run) for run in again}
        chosen_again = st.selectbox(
            _text("again_choice"),
            again,
            format_func=lambda run: named.get(id(run)) or runstore.label(run),
            key="runs_again_choice",
        )
        if st.button(_text("again_button"), key="runs_again"):
            try:
                open_again(chosen_again)
            except LabError as error:
                st.error(plain(error))

trained = [run for run in stored if run.kind in ("run", "sweep_trial")]  # those with a loss curve and a forecast
by_label = {runstore.label(run, numbers.get(run.id)): run for run in trained} | {r.label: r for r in unsaved}
labels = list(by_label)
chosen = st.multiselect(_text("compare"), labels, default=labels[:2], key="runs_compare")
if len(chosen) >= 2:
    views = [
        by_label[label] if hasattr(by_label[label], "number") else runstore.view(by_label[label]) for label in chosen
    ]
    views = [view for view in views if view is not None]
    st.plotly_chart(figures.runs_loss_figure(views), key="runs_loss_chart")
    st.plotly_chart(figures.runs_forecast_figure(views), key="runs_forecast_chart")
else:
    st.info(_text("compare_hint"))

if stored:
    with st.expander(_text("manage")):
        ids = {runstore.label(run, numbers.get(run.id)): run.id for run in stored}
        doomed = st.selectbox(_text("delete_choice"), list(ids), key="runs_delete_choice")
        if st.button(_text("delete"), key="runs_delete"):
            runstore.delete(ids[doomed])
            st.rerun()
        if st.button(_text("export"), key="runs_export"):
            st.session_state.runs_export = runstore.export_bytes()
        if st.session_state.get("runs_export"):
            st.download_button(
                _text("export_download"),
                data=st.session_state.runs_export,
                file_name="lstm-lab-workspace.zip",
                mime="application/zip",
                key="runs_export_download",
                on_click="ignore",
            )
upload = st.file_uploader(_text("import_file"), type=["zip"], key="runs_import_file")
if upload is not None and st.button(_text("import_button"), key="runs_import"):
    added = runstore.import_bytes(upload.getvalue())
    if added is None:
        st.error(plain(runstore.problem() or _text("store_unusable")))
    else:
        st.session_state.runs_message = _text("imported").format(n=added)
        st.rerun()
if message := st.session_state.runs_message:
    st.session_state.runs_message = None  # shown once
    st.success(message)
