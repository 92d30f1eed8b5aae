"""The texts in English and 中文: the same keys, the same terms everywhere, and well-formed inline maths."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

from ui.text import i18n  # noqa: E402
from ui.text.equations import GATE_ORDER  # noqa: E402

TERMS = {
    "en": {
        "i": "Input gate",
        "f": "Forget gate",
        "o": "Output gate",
        "g": "Candidate",
        "c": "Cell state",
        "h": "Hidden state",
    },
    "zh": {"i": "输入门", "f": "遗忘门", "o": "输出门", "g": "候选值", "c": "细胞状态", "h": "隐藏状态"},
}
# Other Chinese names in use for the same things; one page should not mix them with the terms above.
SYNONYMS = (
    "单元状态",
    "记忆细胞",
    "隐含状态",
    "隐层状态",
    "隐状态",
    "候选状态",
    "候选向量",
    "候选记忆",
    "忘记门",
    "输入闸",
    "遗忘闸",
    "输出闸",
)


def test_both_languages_have_exactly_the_same_keys() -> None:
    """Every text exists in both languages: no key is only in English or only in 中文."""
    english, chinese = set(i18n.texts("en")), set(i18n.texts("zh"))
    assert english == chinese, {"only en": sorted(english - chinese), "only zh": sorted(chinese - english)}
    assert len(english) > 30 and all(i18n.texts("zh")[key] for key in chinese)


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_gate_has_its_name_and_caption(lang: str) -> None:
    """gate_label gives the agreed term for each of i, f, o, g, c, h, and its caption names it too."""
    for gate in GATE_ORDER:
        assert i18n.gate_label(gate, lang) == TERMS[lang][gate]
        assert TERMS[lang][gate].lower() in i18n.gate_caption(gate, lang).lower()


def test_chinese_uses_one_term_per_concept() -> None:
    """The Chinese texts use 输入门, 遗忘门, 输出门, 候选值, 细胞状态, 隐藏状态 and none of their synonyms."""
    everything = "\n".join(i18n.texts("zh").values())
    for term in TERMS["zh"].values():
        assert everything.count(term) >= 2, term
    assert [word for word in SYNONYMS if word in everything] == []


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_inline_maths_is_closed(lang: str) -> None:
    """Every text has an even number of `$`, so no formula swallows the rest of its paragraph."""
    unclosed = [key for key, value in i18n.texts(lang).items() if len(re.findall(r"(?<!\\)\$", value)) % 2]
    assert unclosed == []


def test_chinese_is_written_in_chinese() -> None:
    """Each Chinese Learn text is mostly Chinese characters, not an English text left untranslated."""
    for key, value in i18n.texts("zh").items():
        han = len(re.findall(r"[\u4e00-\u9fff]", value))
        latin = len(re.findall(r"[A-Za-z]", re.sub(r"\$[^$]*\$", "", value)))  # maths aside
        assert han > latin, key


def test_old_meanings_are_the_english_captions() -> None:
    """ui.text.equations.MEANINGS, kept for older callers, reads the English captions from the same texts."""
    from ui.text.equations import MEANINGS

    assert {gate: i18n.gate_caption(gate, "en") for gate in GATE_ORDER} == MEANINGS


def test_an_unknown_language_is_refused() -> None:
    """Asking for a language without texts names the languages there are."""
    with pytest.raises(ValueError, match="en, zh"):
        i18n.texts("fr")


# --- No visible word bypasses the tables ------------------------------------------------------------------------------
# Streamlit calls whose first argument (or label/help/placeholder/text keyword) is shown to the visitor, and
# `pages.link(name, label)`. A literal with words in it there is a text only in English.
SHOWN = {
    "title", "header", "subheader", "caption", "markdown", "write", "text", "info", "warning", "error", "success",
    "toast", "button", "form_submit_button", "download_button", "link_button", "page_link", "selectbox", "multiselect",
    "radio", "checkbox", "toggle", "text_input", "text_area", "number_input", "slider", "select_slider",
    "file_uploader", "date_input", "expander", "popover", "tabs", "metric", "spinner", "progress",
    "segmented_control", "pills", "status", "link",
}  # fmt: skip
SHOWN_KEYWORDS = {"label", "help", "placeholder", "text", "caption", "body"}
# The drawing code: the pages, their views and forms, the router and the Runs page's tables and charts.
DRAWING = (
    *sorted((ROOT / "app_pages").glob("*.py")),
    *sorted((ROOT / "ui" / "views").glob("*.py")),
    *sorted((ROOT / "ui" / "forms").glob("*.py")),
    ROOT / "app.py",
    ROOT / "ui" / "charts" / "runs_charts.py",
    ROOT / "ui" / "session" / "runstore.py",
)


def _words(node: ast.AST) -> str | None:
    """The words of a literal (a string, an f-string's text, either branch of `a if c else b`, a list's items),
    less `code` spans and file names; None when it has none or is not a literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        literal = node.value
    elif isinstance(node, ast.JoinedStr):
        literal = "".join(part.value for part in node.values if isinstance(part, ast.Constant))
    elif isinstance(node, ast.IfExp):
        return _words(node.body) or _words(node.orelse)
    elif isinstance(node, ast.BinOp):
        return _words(node.left) or _words(node.right)
    elif isinstance(node, (ast.List, ast.Tuple)):
        return next((found for item in node.elts if (found := _words(item))), None)
    else:
        return None
    if re.fullmatch(r"[\w.-]+\.(csv|json|zip|npz|keras)", literal.strip()):
        return None  # a file's name, the same in every language
    return literal if re.search(r"[A-Za-z]{2,}", re.sub(r"`[^`]*`", "", literal)) else None


def hard_coded_words(source: str) -> list[tuple[int, str]]:
    """(line, literal) of each visible text in `source` written in place instead of through `text(...)`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SHOWN):
            continue
        if isinstance(node.func.value, ast.Name) and node.func.value.id == "i18n":
            continue  # i18n.text("runs.title"): the lookup itself
        shown = node.args[1:2] if node.func.attr == "link" else node.args[:1]
        shown += [keyword.value for keyword in node.keywords if keyword.arg in SHOWN_KEYWORDS]
        found += [(node.lineno, words) for argument in shown if (words := _words(argument))]
    return found


def test_the_check_finds_a_hard_coded_label() -> None:
    """The check below flags an English label, help text or f-string drawn in place, and passes looked-up texts."""
    source = """
st.button("Open its settings in its form", key="runs_again")
st.caption(f"{n} of {t} stored run(s) shown.")
column.number_input(text("benchmark.units"), 1, 256, help="How many units.")
pages.link("train", "Go to Train")
st.download_button("scores.csv", data=b"")
st.markdown(f"**{text('benchmark.table')}**")
st.info(i18n.text("runs.compare_hint"))
"""
    assert [line for line, _ in hard_coded_words(source)] == [2, 3, 4, 5]


@pytest.mark.parametrize("path", DRAWING, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_page_draws_a_word_that_is_not_in_the_tables(path: Path) -> None:
    """Every label, caption, message and help text the pages draw comes from ui/text/<lang>.toml, so a visitor who
    chose 中文 reads no English left behind."""
    assert hard_coded_words(path.read_text(encoding="utf-8")) == []


def test_chinese_fills_only_the_blanks_english_fills() -> None:
    """Each Chinese text's `{blanks}` are among its English text's, so the page's `.format(...)` fills it too (a
    Chinese text may leave one out, such as an English plural's `{s}`)."""
    import string

    def blanks(value: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}

    english, chinese = i18n.texts("en"), i18n.texts("zh")
    extra = {key: blanks(chinese[key]) - blanks(english[key]) for key in english if "{" in chinese[key]}
    assert {key: names for key, names in extra.items() if names} == {}
