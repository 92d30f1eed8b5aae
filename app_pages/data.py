"""Data: pick a bundled sample, upload a CSV, fetch Yahoo Finance tickers or load a benchmark collection; see the
series (a collection as small multiples, and one of its series to train on)."""

import streamlit as st

from lstm_core.config.source import SourceKind
from lstm_core.data.collections import COLLECTIONS, Collection
from lstm_core.data.sources import list_samples
from lstm_core.data.yahoo import VALID_INTERVALS, VALID_PERIODS
from lstm_core.errors import LabError
from ui import pages
from ui.charts import figures
from ui.session import loaders, state
from ui.text import i18n
from ui.text.format import dataset_facts, plain
from ui.views import collection_views

st.title(i18n.text("data.title"))
samples = {sample.name: sample for sample in list_samples()}


def _text(key: str) -> str:
    return i18n.text(f"collection.{key}")


def _load_chosen_sample() -> None:
    name = st.session_state.data_sample
    try:
        state.set_dataset(*loaders.load_sample_config(name))
    except LabError as error:
        st.session_state.data_message = str(error)
    else:
        collection_views.forget_collection()


sample_tab, upload_tab, yahoo_tab, collection_tab = st.tabs(
    [i18n.text("data.tab_sample"), i18n.text("data.tab_upload"), i18n.text("data.tab_yahoo"), _text("tab")]
)

with sample_tab:
    source = st.session_state.data_config.data_source
    current = source.name if source.kind == SourceKind.SAMPLE else None
    names = list(samples)
    st.selectbox(
        i18n.text("data.sample"),
        names,
        index=names.index(current) if current in names else None,
        placeholder=i18n.text("data.sample_placeholder"),
        key="data_sample",
        on_change=_load_chosen_sample,
    )
    if chosen := samples.get(st.session_state.data_sample):
        st.caption(i18n.text("data.sample_caption").format(x=chosen.description, s=chosen.source))

with upload_tab:
    upload = st.file_uploader(i18n.text("data.upload_file"), type=["csv", "txt"], key="data_upload")
    if upload is not None:
        raw = upload.getvalue()
        layouts = {"one": _text("upload_one"), "wide": _text("upload_wide"), "long": _text("upload_long")}
        layout = st.radio(
            _text("upload_kind"),
            list(layouts),
            index=list(layouts).index(loaders.guess_layout(raw)),
            format_func=layouts.get,
            horizontal=True,
            key=f"data_upload_layout_{upload.file_id}",  # a new file starts from its own guess
        )
        preview = None
        if layout == "one":
            try:
                preview = state.preview_upload(raw, upload.file_id, upload.name)
            except LabError as error:
                st.error(plain(error))
        else:
            columns = loaders.csv_columns(raw)
            with st.form("data_collection_upload_form"):
                id_column = value_column = None
                if layout == "long":
                    id_guess = loaders.guess_id(raw)
                    id_index = columns.index(id_guess) if id_guess in columns else 0
                    id_column = st.selectbox(_text("upload_id"), columns, index=id_index, key="data_upload_id")
                    value_column = st.selectbox(
                        _text("upload_value"), [loaders.AUTO_DATE, *columns], key="data_upload_value"
                    )
                date_column = st.selectbox(_text("upload_date"), [loaders.AUTO_DATE, *columns], key="data_upload_when")
                if st.form_submit_button(_text("upload_submit"), type="primary", key="data_upload_many"):
                    try:
                        collection, config = loaders.read_collection_upload(
                            raw, upload.name, id_column=id_column, column=value_column, date_column=date_column
                        )
                        collection_views.keep_collection(collection, config)
                    except LabError as error:
                        st.error(plain(error))
                    else:
                        st.rerun()
        if preview is not None:
            numeric = list(preview.frame.columns)
            with st.form("data_upload_form"):
                date_column = st.selectbox(
                    i18n.text("data.date_column"), loaders.date_choices(raw), key="data_upload_date"
                )
                target = st.selectbox(
                    i18n.text("data.target_column"),
                    numeric,
                    index=numeric.index(preview.target),
                    key="data_upload_target",
                )
                features = st.multiselect(i18n.text("data.features"), numeric, key="data_upload_features")
                if st.form_submit_button(i18n.text("data.use_file"), type="primary", key="data_upload_submit"):
                    try:
                        chosen_features = tuple(f for f in features if f != target)
                        state.set_dataset(
                            *loaders.read_upload(
                                raw, upload.name, column=target, date_column=date_column, features=chosen_features
                            )
                        )
                    except LabError as error:
                        st.error(plain(error))
                    else:
                        collection_views.forget_collection()
                        st.rerun()  # the sidebar, drawn before this page, must name the new data too

with yahoo_tab:
    with st.form("data_yahoo_form"):
        ticker = st.text_input(
            i18n.text("data.ticker"), value="AAPL", key="data_yahoo_ticker", help=_text("tickers_help")
        )
        period_column, interval_column = st.columns(2)
        period = period_column.selectbox(
            i18n.text("data.period"), VALID_PERIODS, index=VALID_PERIODS.index("5y"), key="data_yahoo_period"
        )
        interval = interval_column.selectbox(
            i18n.text("data.interval"), VALID_INTERVALS, index=VALID_INTERVALS.index("1d"), key="data_yahoo_interval"
        )
        if st.form_submit_button(i18n.text("data.fetch"), type="primary", key="data_yahoo_submit"):
            try:
                with st.spinner(_text("asking").format(tickers=ticker)):
                    loaded, config = loaders.fetch_tickers(ticker, period, interval)
                if isinstance(loaded, Collection):
                    collection_views.keep_collection(loaded, config)
                else:
                    state.set_dataset(loaded, config)
                    collection_views.forget_collection()
            except LabError as error:
                st.error(str(error))
            else:
                st.rerun()  # as for an upload: redraw the sidebar with the new data
    st.caption(i18n.text("data.yahoo_caption"))

with collection_tab, st.form("data_collection_form"):
    names = list(COLLECTIONS)
    bundled = st.selectbox(_text("choose"), names, key="data_collection_name", help=_text("choose_help"))
    if st.form_submit_button(_text("load"), type="primary", key="data_collection_load"):
        try:
            with st.spinner(_text("loading").format(name=bundled)):
                collection_views.keep_collection(*loaders.load_bundled_collection(bundled))
        except LabError as error:
            st.error(plain(error))
        else:
            st.rerun()

if message := st.session_state.data_message:
    st.session_state.data_message = None  # shown once
    st.error(message)

if (collection := st.session_state.collection) is not None:
    collection_views.draw_collection(collection)

dataset = st.session_state.dataset
st.subheader(plain(dataset.name))
# The range ("1949-01-01 → 1960-12-01") gets a double-width column: in a third of the page it is cut off.
for column, (label, value) in zip(st.columns([1, 1, 2]), dataset_facts(dataset).items(), strict=True):
    column.metric(label, value)
st.plotly_chart(figures.series_figure(dataset), key="data_series_chart")
source = plain(dataset.source or st.session_state.data_config.source)
if dataset.features:
    features = plain(", ".join(dataset.features))
    st.caption(i18n.text("data.facts_features").format(t=plain(dataset.target), f=features, s=source))
else:
    st.caption(i18n.text("data.facts").format(t=plain(dataset.target), s=source))
for note in dataset.notes:
    (st.warning if loaders.note_is_warning(note) else st.info)(plain(note))
if not dataset.notes:
    st.info(i18n.text("data.clean"))
pages.link("train", i18n.text("data.next"), icon=":material/arrow_forward:")
