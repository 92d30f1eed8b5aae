"""The Train page's "Copy share link": the settings in the form now, on the loaded data's source."""

from __future__ import annotations

import streamlit as st

from lstm_core.config.source import SourceKind
from lstm_core.errors import LabError
from ui.forms import settings
from ui.session.share import share_url
from ui.text.i18n import text

__all__ = ["draw_share_link"]


def draw_share_link() -> None:
    """The Train page's "Copy share link": the settings in the form now, on the loaded data's source."""
    with st.popover(text("share.title"), icon=":material/link:"):
        try:
            config = settings.config_from_widgets(st.session_state.config)
        except LabError:  # the Train button's error says what is wrong; one sentence is enough
            st.caption(text("share.invalid"))
            return
        data_config = st.session_state.data_config
        with_workspace = st.checkbox(
            text("share.workspace"),
            key="share_with_workspace",
        )
        st.code(share_url(config, data_config, with_workspace=with_workspace), language=None, wrap_lines=True)
        if data_config.data_source.kind == SourceKind.UPLOAD:
            st.caption(text("share.upload"))
        else:
            st.caption(text("share.link"))
