"""The page URL: the visitor's workspace (`ws`) and share links that carry an experiment.

`on_every_run()` (called by app.py, the entrypoint, on every rerun) keeps `ws` in the URL, because
Streamlit clears query parameters when the visitor switches pages; on a session's first run it also
opens a share link: the data source is loaded and the settings become the Train form's values, then the
link's parameters leave the URL (the workspace stays). The workspace itself is `ui.session.workspace`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st

from lstm_core.config.links import UPLOAD_KEY, config_from_params, config_to_params, link_keys
from lstm_core.config.settings import DataConfig, ExperimentConfig
from lstm_core.config.source import SourceKind
from lstm_core.errors import LabError
from ui.session import loaders, state, workspace
from ui.text.format import plain

__all__ = ["ShareMessage", "on_every_run", "share_url"]


@dataclass(frozen=True)
class ShareMessage:
    """A sentence about the link the session opened with, shown once (kind: the `st` call that shows it)."""

    kind: Literal["info", "warning", "error"]
    text: str


def on_every_run() -> None:
    """Keep `ws` in the URL; on a session's first run, open the share link in the URL if there is one."""
    token = workspace.token()
    if not st.session_state.share_opened:
        st.session_state.share_opened = True
        if workspace.invalid_in_url():
            st.session_state.share_message = ShareMessage(
                "warning", "The workspace in this link is not valid, so a new one was made."
            )
        _open_link()
    if st.query_params.get("ws") != token:
        st.query_params["ws"] = token
    message: ShareMessage | None = st.session_state.share_message
    if message is not None:  # it may quote the link (a file name, a value): shown as typed, never as markdown
        st.session_state.share_message = None
        getattr(st, message.kind)(plain(message.text))


def _open_link() -> None:
    params = {key: st.query_params[key] for key in link_keys() if key in st.query_params}
    if not params:
        return
    try:
        config = config_from_params(params, st.session_state.config)
        source = config.data.data_source
        if UPLOAD_KEY in params:
            message = (
                f"This link's data was an uploaded file ({params[UPLOAD_KEY]}), which cannot travel in a link: "
                "upload it on the Data page. The settings are filled in."
            )
        elif source.kind == SourceKind.SAMPLE:
            dataset, data_config = loaders.load_sample_config(source.name)
            state.set_dataset(dataset, data_config)
            message = None
        elif source.kind == SourceKind.YAHOO:
            data = config.data
            state.set_dataset(*loaders.fetch_ticker(source.name, data.period, data.interval))
            message = None
        else:
            raise LabError(f"A link can carry a sample or a Yahoo ticker, not {str(source)!r}.")
        st.session_state.config = config.replace(data=st.session_state.data_config)
        st.session_state.share_message = ShareMessage(
            "info", message or "Opened a shared experiment: press Train to run it."
        )
    except LabError as error:
        st.session_state.share_message = ShareMessage("error", f"This link could not be opened: {error}")
    for key in params:
        del st.query_params[key]


def share_url(config: ExperimentConfig, data_config: DataConfig, *, with_workspace: bool) -> str:
    """A link to this page that opens `config` on `data_config`'s source (and the workspace if asked)."""
    params = config_to_params(config.replace(data=data_config))
    if with_workspace:
        params["ws"] = workspace.token()
    scheme, netloc, path, _, _ = urlsplit(st.context.url or "http://localhost:8501/train")
    return urlunsplit((scheme, netloc, path, urlencode(params), ""))
