"""The Train page's "Copy share link": the settings in the form now, on the loaded data's source."""

from __future__ import annotations

import streamlit as st

from lstm_core.config.source import SourceKind
from lstm_core.errors import LabError
from ui.forms import settings
from ui.session.share import share_url

__all__ = ["draw_share_link"]


def draw_share_link() -> None:
    """The Train page's "Copy share link": the settings in the form now, on the loaded data's source."""
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
        if data_config.data_source.kind == SourceKind.UPLOAD:
            st.caption(
                "An uploaded file cannot travel in a link: the link carries the settings, and whoever opens it "
                "uploads the file on the Data page."
            )
        else:
            st.caption(
                "The link opens this data and these settings, ready to train (copy it with the icon). It holds the "
                "form as last submitted: a setting changed since then joins the link when you press Train."
            )
