"""Every page of the app, listed once: the name the code uses, its title and its icon (its file follows the name).

app.py builds `st.navigation` from `PAGES` with `navigation()`; every link and page switch names its page
(`link("train", "Go to Train")`, `switch("train")`), so a page's path is written nowhere else.

The files are app_pages/<name>.py, not pages/: a pages/ folder next to the entrypoint switches Streamlit into
its legacy multipage mode on a session's first run (and on every AppTest run), which skips app.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import streamlit as st
from streamlit.navigation.page import StreamlitPage

__all__ = ["DEFAULT", "PAGES", "Page", "link", "navigation", "page", "switch"]


@dataclass(frozen=True)
class Page:
    """One page: `name` (in the code and the file name), `title` (in the sidebar), `icon` (a material icon)."""

    name: str
    title: str
    icon: str

    @property
    def path(self) -> str:
        """The page's file, relative to app.py (what `st.Page`, `st.page_link` and `st.switch_page` take)."""
        return f"app_pages/{self.name}.py"


PAGES: tuple[Page, ...] = (
    Page("data", "Data", ":material/table_chart:"),
    Page("train", "Train", ":material/model_training:"),
    Page("forecast", "Forecast", ":material/timeline:"),
    Page("backtest", "Backtest", ":material/fact_check:"),
    Page("benchmark", "Benchmark", ":material/leaderboard:"),
    Page("gates", "Gates", ":material/grid_on:"),
    Page("inside", "Inside", ":material/insights:"),
    Page("learn", "Learn", ":material/school:"),
    Page("runs", "Runs", ":material/history:"),
    Page("sweep", "Sweep", ":material/tune:"),
    Page("compare", "Compare", ":material/compare_arrows:"),
)
DEFAULT = "data"  # the page a bare URL opens

_BY_NAME = {item.name: item for item in PAGES}


def page(name: str) -> Page:
    """The page called `name`; ValueError for a name that is not in `PAGES`."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ValueError(f"`name` must be one of {', '.join(_BY_NAME)}. Received: name={name!r}") from None


def navigation(titles: Mapping[str, str] | None = None) -> tuple[Page, StreamlitPage]:
    """`st.navigation` over every page (in the sidebar, in `PAGES` order): the page chosen, and what to `.run()`.

    `titles`: page name -> the title shown in the sidebar, in the visitor's language (default: `Page.title`); a
    page's address is its file's name whatever its title."""
    shown = titles or {}
    listed = [
        (item, st.Page(item.path, title=shown.get(item.name, item.title), icon=item.icon, default=item.name == DEFAULT))
        for item in PAGES
    ]
    chosen = st.navigation([entry for _, entry in listed])
    return next(item for item, entry in listed if entry is chosen), chosen


def link(name: str, label: str, *, icon: str | None = None) -> None:
    """A link to the page `name` (with the page's own icon unless another is given)."""
    target = page(name)
    st.page_link(target.path, label=label, icon=icon or target.icon)


def switch(name: str) -> None:
    """Open the page `name` now (ends this run)."""
    st.switch_page(page(name).path)
