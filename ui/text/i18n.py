"""The visitor's language (English or 中文), kept in the URL as `?lang=zh`, and the texts in each language.

The texts live in `ui/text/<lang>.toml`, one file per language with exactly the same keys (dotted:
`learn.intro`, `gate.f.caption`, `runs.title`); that is the one source of truth for every word the pages draw
(tests/app/test_i18n.py finds a label written in place). The LaTeX is the same in every language and lives in
`ui.text.equations`. Not here yet: the settings' labels and help (lstm_core's, shared with the command line), the
library's own sentences (errors, notes, diagnostics), and the jobs' progress lines.

A widget's `format_func` gets labels made when the widget is drawn (`{value: text(...)}.get`), not a function that
looks them up when called: Streamlit's AppTest calls it outside the script run, where the language is not known.

The switch is drawn by the entrypoint (app.py) on every run, so the choice survives page changes:
Streamlit clears the URL's query parameters when the page changes, and the switch writes `lang`
back. The URL is read once per session (a shared link `…/learn?lang=zh` opens in Chinese); after
that the switch decides. English, the default, leaves the URL clean.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

import streamlit as st

__all__ = [
    "DEFAULT",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "gate_caption",
    "gate_label",
    "init_language",
    "language",
    "language_switch",
    "text",
    "texts",
]

LANGUAGES = ("en", "zh")
LANGUAGE_NAMES = {"en": "English", "zh": "中文"}
DEFAULT = "en"
KEY = "lang"  # the query parameter and the switch's session-state key
TEXTS = Path(__file__).resolve().parent  # en.toml, zh.toml beside this module


def _flatten(table: Mapping[str, object], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for name, value in table.items():
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{prefix}{name}."))
        else:
            flat[f"{prefix}{name}"] = str(value).strip()  # literal '''…''' blocks start with a newline
    return flat


@functools.cache
def texts(lang: str) -> Mapping[str, str]:
    """Every text of one language, by dotted key (read from ui/text/<lang>.toml once per process)."""
    if lang not in LANGUAGES:
        raise ValueError(f"`lang` must be one of {', '.join(LANGUAGES)}. Received: lang={lang!r}")
    with open(TEXTS / f"{lang}.toml", "rb") as file:
        return MappingProxyType(_flatten(tomllib.load(file)))


def language() -> str:
    """The visitor's language: the switch's value, or the default before the switch has been drawn."""
    lang = st.session_state.get(KEY)
    return lang if lang in LANGUAGES else DEFAULT


def text(key: str, lang: str | None = None) -> str:
    """The text `key` (e.g. "learn.intro") in `lang`, or in the visitor's language when `lang` is None."""
    return texts(lang or language())[key]


def _gate_key(gate: str, cell: str) -> str:
    return f"gate.{gate}" if cell == "lstm" else f"{cell}.{gate}"  # an LSTM's under gate., a GRU's under gru., ...


def gate_label(gate: str, lang: str | None = None, *, cell: str = "lstm") -> str:
    """The name of gate or state `gate` of `cell` (an LSTM's i, f, o, g, c, h; a GRU's z, r, n, h; an RNN's h):
    "Forget gate", "遗忘门"."""
    return text(f"{_gate_key(gate, cell)}.label", lang)


def gate_caption(gate: str, lang: str | None = None, *, cell: str = "lstm") -> str:
    """One plain sentence or two on what `gate` of `cell` does, for the Gates page."""
    return text(f"{_gate_key(gate, cell)}.caption", lang)


def _from_url() -> str:
    """The language a link asks for: `zh`, and also `ZH`, `zh-CN` or `zh_TW`; anything else is the default."""
    requested = st.query_params.get(KEY, DEFAULT).strip().lower().replace("_", "-").split("-")[0]
    return requested if requested in LANGUAGES else DEFAULT


def init_language() -> None:
    """On a session's first run, take the language a shared link asks for (before anything is drawn in it)."""
    if KEY not in st.session_state:
        st.session_state[KEY] = _from_url()


def language_switch() -> str:
    """Draw the English / 中文 switch (in the entrypoint, on every run) and keep the URL in step with it."""
    init_language()  # the session's first run: a shared link decides
    lang = st.segmented_control(
        "Language · 语言",
        LANGUAGES,
        format_func=LANGUAGE_NAMES.get,
        key=KEY,
        required=True,
        width="stretch",
    )
    if lang == DEFAULT:
        if KEY in st.query_params:
            del st.query_params[KEY]
    elif st.query_params.get(KEY) != lang:  # also after a page change, which clears the URL's parameters
        st.query_params[KEY] = lang
    return lang
