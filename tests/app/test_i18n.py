"""The texts in English and 中文: the same keys, the same terms everywhere, and well-formed inline maths."""

from __future__ import annotations

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
