"""The Data page's part for a collection of many series: small multiples, a table of every series, and the pick of
one series to train on (the whole collection stays in `st.session_state.collection` for the Benchmark page)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lstm_core.data.collections import Collection
from lstm_core.errors import LabError
from lstm_core.scoring.baselines import season_length_for
from ui import pages
from ui.charts.collection_charts import MAX_PANELS, small_multiples
from ui.session import loaders, state
from ui.text import i18n
from ui.text.format import frequency_words, plain, time_label

__all__ = ["collection_table", "draw_collection", "forget_collection", "keep_collection", "seasons"]


def _text(key: str) -> str:
    return i18n.text(f"collection.{key}")


def seasons(collection: Collection) -> dict[str, int | None]:
    """Each series' season: the collection's own (a competition's period, or one given), else its frequency's."""
    return {item.name: item.season_length or season_length_for(item.freq) for item in collection}


def collection_table(collection: Collection) -> pd.DataFrame:
    """One row per series, kept or left out: name, length, start, end, frequency, season, left out? and why."""
    found = seasons(collection)
    names = ("series", "length", "start", "end", "frequency", "season", "left_out", "why")
    rows = [
        (item.name, len(item), time_label(item.index[0]), time_label(item.index[-1]), frequency_words(item.freq),
         found[item.name], _text("no"), "")
        for item in collection
    ]  # fmt: skip
    rows += [(name, None, "", "", "", None, _text("yes"), why) for name, why in collection.left_out]
    frame = pd.DataFrame(rows, columns=[_text(f"column_{name}") for name in names])
    return frame.astype({_text("column_length"): "Int64", _text("column_season"): "Int64"})


def keep_collection(collection: Collection, config) -> None:
    """Make `collection` the loaded one, and its first series the data to train on."""
    st.session_state.collection = collection
    st.session_state.collection_config = config
    state.set_dataset(*loaders.pick_series(collection, config, collection.series[0].name))


def forget_collection() -> None:
    """Keep only the chosen series (a button's callback, and what loading one series does)."""
    st.session_state.collection = None
    st.session_state.collection_config = None


def _pick(key: str) -> None:
    collection, config = st.session_state.collection, st.session_state.collection_config
    try:
        state.set_dataset(*loaders.pick_series(collection, config, st.session_state[key]))
    except LabError as error:
        st.session_state.data_message = str(error)


def draw_collection(collection: Collection) -> None:
    """The collection's heading, notes, small multiples, the pick of one series, and the table of every series."""
    st.subheader(_text("header").format(name=plain(collection.name)))
    st.caption(_text("summary").format(count=len(collection), source=plain(collection.source or collection.name)))
    for note in collection.notes:
        (st.warning if loaders.note_is_warning(note) or "left out" in note else st.info)(plain(note))
    st.plotly_chart(small_multiples(collection, seasons(collection)), key="data_collection_chart")
    count = len(collection)
    caption = "chart_caption" if count > MAX_PANELS else "chart_caption_all"
    st.caption(_text(caption).format(shown=MAX_PANELS, count=count))
    names = [item.name for item in collection]
    current = st.session_state.dataset.name
    key = f"data_collection_pick_{collection.name}"  # a fresh widget per collection, set from the data in use
    pick, forget = st.columns([3, 1], vertical_alignment="bottom")
    chosen = pick.selectbox(
        _text("pick"),
        names,
        index=names.index(current) if current in names else 0,
        key=key,
        help=_text("pick_help"),
        on_change=_pick,
        args=(key,),
    )
    forget.button(_text("forget"), key="data_collection_forget", on_click=forget_collection, help=_text("forget_help"))
    length = len(collection.series[names.index(chosen)])
    st.info(_text("picked").format(name=plain(chosen), length=f"{length:,}", count=count))
    if any(item.name == "benchmark" for item in pages.PAGES):
        pages.link("benchmark", _text("benchmark_link"))
    st.markdown(f"**{_text('table_header')}**")
    st.dataframe(collection_table(collection), hide_index=True, key="data_collection_table")
