"""The page URL: the visitor's workspace (`ws`) and share links that carry an experiment.

`on_every_run()` (called by app.py, the entrypoint, on every rerun) keeps `ws` in the URL, because
Streamlit clears query parameters when the visitor switches pages; on a session's first run it also
opens a share link: the data source is loaded and the settings become the Train form's values, then the
link's parameters leave the URL (the workspace stays). A workspace is made on the first visit:
a random token that is the only key to its runs (bookmark the URL to come back).
"""

from __future__ import annotations

import re
from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st

from lstm_core.config.links import UPLOAD_KEY, config_from_params, config_to_params, link_keys
from lstm_core.config.settings import DataConfig, ExperimentConfig
from lstm_core.errors import LabError
from lstm_core.store.db import new_workspace
from ui.text.format import plain

__all__ = ["on_every_run", "share_url", "workspace"]

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,128}$")


def workspace() -> str:
    """This visitor's workspace token (made on the first visit, or taken from the URL)."""
    state = st.session_state
    if "workspace" not in state:
        given = st.query_params.get("ws", "")
        if given and not _TOKEN.match(given):
            state.share_message = ("warning", "The workspace in this link is not valid, so a new one was made.")
        state.workspace = given if _TOKEN.match(given) else new_workspace()
    return state.workspace


def on_every_run() -> None:
    """Keep `ws` in the URL; on a session's first run, open the share link in the URL if there is one."""
    token = workspace()
    if not st.session_state.get("share_opened"):
        st.session_state.share_opened = True
        _open_link()
    if st.query_params.get("ws") != token:
        st.query_params["ws"] = token
    message = st.session_state.pop("share_message", None)
    if message:  # it may quote the link (a file name, a value): shown as typed, never as markdown
        getattr(st, message[0])(plain(message[1]))


def _open_link() -> None:
    params = {key: st.query_params[key] for key in link_keys() if key in st.query_params}
    if not params:
        return
    from ui.session import loaders, state

    try:
        config = config_from_params(params, st.session_state.config)
        source = config.data.source
        if UPLOAD_KEY in params:
            message = (
                f"This link's data was an uploaded file ({params[UPLOAD_KEY]}), which cannot travel in a link: "
                "upload it on the Data page. The settings are filled in."
            )
        elif source.startswith("sample:"):
            dataset, data_config = state.load_sample_config(source.removeprefix("sample:"))
            state.set_dataset(dataset, data_config)
            message = None
        elif source.startswith("yahoo:"):
            data = config.data
            state.set_dataset(*loaders.fetch_ticker(source.removeprefix("yahoo:"), data.period, data.interval))
            message = None
        else:
            raise LabError(f"A link can carry a sample or a Yahoo ticker, not {source!r}.")
        st.session_state.config = config.replace(data=st.session_state.data_config)
        st.session_state.share_message = ("info", message or "Opened a shared experiment: press Train to run it.")
    except LabError as error:
        st.session_state.share_message = ("error", f"This link could not be opened: {error}")
    for key in params:
        del st.query_params[key]


def share_url(config: ExperimentConfig, data_config: DataConfig, *, with_workspace: bool) -> str:
    """A link to this page that opens `config` on `data_config`'s source (and the workspace if asked)."""
    params = config_to_params(config.replace(data=data_config))
    if with_workspace:
        params["ws"] = workspace()
    scheme, netloc, path, _, _ = urlsplit(st.context.url or "http://localhost:8501/train")
    return urlunsplit((scheme, netloc, path, urlencode(params), ""))


def draw_share_link() -> None:
    """The Train page's "Copy share link": the settings in the form now, on the loaded data's source."""
    from ui.forms import settings

    with st.popover("Copy share link", icon=":material/link:"):
        try:
            config = settings.config_from_widgets(st.session_state.config)
        except LabError:  # the Train button's error says what is wrong; one sentence is enough
            st.caption("The settings in the form are not valid; fix them to get a link.")
            return
        data_config = st.session_state.data_config
        with_workspace = st.checkbox(
            "Also share my workspace (whoever opens the link sees my runs and can add or delete runs)",
            key="share_with_workspace",
        )
        st.code(share_url(config, data_config, with_workspace=with_workspace), language=None, wrap_lines=True)
        if data_config.source.startswith("upload:"):
            st.caption(
                "An uploaded file cannot travel in a link: the link carries the settings, and whoever opens it "
                "uploads the file on the Data page."
            )
        else:
            st.caption(
                "The link opens this data and these settings, ready to train (copy it with the icon). It holds the "
                "form as last submitted: a setting changed since then joins the link when you press Train."
            )
