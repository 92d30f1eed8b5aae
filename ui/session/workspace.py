"""The visitor's workspace: a random token in the URL (`ws`) that is the only key to their stored runs.

`from_url()` gives the session's token on its first run (the link's when it is valid, else a new one);
`ui.session.keys.init` keeps it as `workspace`, and `token()` reads it from there. Bookmarking the URL is how
a visitor comes back to their runs.
"""

from __future__ import annotations

import re

import streamlit as st

from lstm_core.store.db import new_workspace

__all__ = ["from_url", "invalid_in_url", "token"]

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,128}$")


def invalid_in_url() -> bool:
    """Whether the URL names a workspace that is not a valid token (a new one is made instead)."""
    given = st.query_params.get("ws", "")
    return bool(given) and not _TOKEN.match(given)


def from_url() -> str:
    """The URL's workspace when it is a valid token, else a new one."""
    given = st.query_params.get("ws", "")
    return given if _TOKEN.match(given) else new_workspace()


def token() -> str:
    """This visitor's workspace token (made by `ui.session.keys.init` on the session's first run)."""
    return st.session_state.workspace
