"""AppTest: the Learn page in English and 中文, the language switch kept in the URL, and the Gates captions.

Only the last test trains (a tiny LSTM), to see the Gates page's captions in Chinese.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from app_helpers import open_app, open_train_page, press_train, switch
from streamlit.testing.v1 import AppTest

from ui.text import i18n
from ui.text.equations import EQUATIONS, GATE_ORDER

CHINESE_TERMS = ("输入门", "遗忘门", "输出门", "候选值", "细胞状态", "隐藏状态")


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LSTM_LAB_CACHE", str(tmp_path / "cache"))


def open_learn(query: dict[str, str] | None = None) -> AppTest:
    at = open_app("learn", query=query)
    assert not at.exception
    return at


def page_text(at: AppTest) -> str:
    return "\n".join(element.value for element in (*at.title, *at.header, *at.markdown))


def assert_equations_shown(at: AppTest) -> None:
    shown = [element.value for element in at.latex]  # "$$\n<latex>\n$$"
    assert all(f"$$\n{EQUATIONS[name]}\n$$" in shown for name in GATE_ORDER)


def test_learn_opens_in_english_with_a_clean_url() -> None:
    """Without `lang` in the URL the Learn page is English, shows the six equations, and the URL stays clean."""
    at = open_learn()
    assert at.title[0].value == "Learn" and at.button_group(key="lang").value == "en"
    assert_equations_shown(at)
    text = page_text(at)
    for heading in ("Why one train/test split can lie", "What coverage of a prediction interval means"):
        assert heading in text
    assert not any(term in text for term in CHINESE_TERMS)
    assert "lang" not in at.query_params


def test_switch_renders_the_chinese_learn_page() -> None:
    """Choosing 中文 in the sidebar redraws Learn in Chinese, equations included, and writes ?lang=zh."""
    at = open_learn()
    at.button_group(key="lang").set_value("zh").run()
    assert not at.exception
    assert at.title[0].value == "学习"
    text = page_text(at)
    assert all(term in text for term in CHINESE_TERMS)
    for heading in (
        "为什么只切一次训练集/测试集会骗人",
        "预测区间的“覆盖率”是什么意思",
        "多步预测：递归预测与直接预测",
    ):
        assert heading in text
    assert "Why gates fix vanishing gradients" not in text
    assert_equations_shown(at)
    assert at.query_params.get("lang") == "zh"  # beside the workspace token `ws`
    linked = {link.proto.page for link in at.get("page_link")}
    assert {"gates", "forecast", "train", "runs"} <= linked

    at.button_group(key="lang").set_value("en").run()
    assert at.title[0].value == "Learn" and "lang" not in at.query_params


@pytest.mark.parametrize("asked", ["zh", "zh-CN", "ZH"])
def test_lang_zh_in_the_url_selects_chinese(asked: str) -> None:
    """A link with ?lang=zh (or zh-CN, ZH) opens the app in Chinese: the switch shows 中文, Learn is in Chinese."""
    at = open_learn({"lang": asked})
    assert at.button_group(key="lang").value == "zh"
    assert at.title[0].value == "学习" and "遗忘门" in page_text(at)
    assert at.query_params.get("lang") == "zh"  # beside the workspace token `ws`


def test_an_unknown_lang_in_the_url_falls_back_to_english() -> None:
    """?lang=fr is not a language the app has: the page opens in English instead of failing."""
    at = open_learn({"lang": "fr"})
    assert at.title[0].value == "Learn" and at.button_group(key="lang").value == "en"


def test_the_language_survives_page_changes() -> None:
    """After choosing 中文, visiting Data and Train and coming back keeps Chinese and ?lang=zh in the URL."""
    at = open_learn()
    at.button_group(key="lang").set_value("zh").run()
    for page in ("data", "train", "learn"):
        at.query_params.clear()  # a page change clears the URL's parameters in the browser
        switch(at, page)
        assert not at.exception
        assert at.query_params.get("lang") == "zh"  # beside the workspace token `ws`, page
    assert at.title[0].value == "学习"


def test_gates_captions_follow_the_language() -> None:
    """With a trained network, the Gates page's captions under each equation are in the chosen language."""
    at = open_train_page(units=3, epochs=1, window=6)
    press_train(at)
    switch(at, "gates")
    captions = [caption.value for caption in at.caption]
    assert all(i18n.gate_caption(gate, "en") in captions for gate in GATE_ORDER)

    at.button_group(key="lang").set_value("zh").run()
    assert not at.exception
    captions = [caption.value for caption in at.caption]
    for gate in GATE_ORDER:
        assert i18n.gate_caption(gate, "zh") in captions
        assert i18n.gate_caption(gate, "en") not in captions
    assert len(at.latex) == len(GATE_ORDER)
