"""The language switch in Chromium: Learn in English and 中文, the choice kept in the URL (?lang=zh) across
pages, and a shared ?lang=zh link opening in Chinese. Asserts only on what a visitor sees, and the address bar.

A screenshot of the Chinese Learn page goes to a temp folder, or to docs/screenshots with LSTM_LAB_SCREENSHOTS=1.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from e2e_helpers import assert_no_exception, open_page, screenshot, screenshot_dir, wait_idle

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

KATEX = ".katex-display"
WITH_ZH = re.compile(r"[?&]lang=zh(&|$)")


def switch_to(page, language: str) -> None:
    page.locator("[data-testid='stSidebar']").get_by_role("radio", name=language, exact=True).click()
    wait_idle(page)


def open_by_nav(page, title: str, heading: str) -> None:
    """Click a page in the sidebar navigation and wait for its (possibly translated) heading."""
    nav = page.locator("[data-testid='stSidebarNav']")
    nav.get_by_role("link", name=re.compile(rf"(^|\s){title}$")).first.click()
    page.get_by_role("heading", name=heading, exact=True).first.wait_for()
    wait_idle(page)


def test_switch_learn_to_chinese_and_back(page, app_url, tmp_path: Path) -> None:
    """中文 redraws Learn in Chinese, equations too, with lang=zh in the URL kept across pages; English clears it."""
    open_page(page, app_url, "Learn")
    assert page.get_by_role("heading", name="Why one train/test split can lie").is_visible()
    assert not WITH_ZH.search(page.url)

    switch_to(page, "中文")
    page.get_by_role("heading", name="学习", exact=True).wait_for()
    page.wait_for_url(WITH_ZH)
    assert page.get_by_role("heading", name="为什么只切一次训练集/测试集会骗人").is_visible()
    for term in ("输入门", "遗忘门", "输出门", "候选值", "细胞状态", "隐藏状态"):
        assert page.get_by_text(term).first.is_visible(), term
    assert page.locator(KATEX).count() >= 6
    assert page.get_by_text("Why gates fix vanishing gradients").count() == 0
    assert_no_exception(page)
    screenshot(page, "learn_zh", screenshot_dir(tmp_path))

    open_by_nav(page, "数据", "数据")  # the navigation's page titles are in Chinese too
    page.wait_for_url(WITH_ZH)  # a page change clears the URL's parameters; the app writes lang back
    assert page.locator("[data-testid='stSidebarNav']").get_by_text("Data", exact=True).count() == 0
    open_by_nav(page, "学习", "学习")
    assert WITH_ZH.search(page.url)

    switch_to(page, "English")
    page.get_by_role("heading", name="Learn", exact=True).wait_for()
    page.wait_for_url(lambda url: "lang=" not in url)
    assert page.get_by_text("遗忘门").count() == 0
    assert_no_exception(page)


def test_a_link_with_lang_zh_opens_learn_in_chinese(page, app_url) -> None:
    """A shared link …/learn?lang=zh opens the Learn page in Chinese, with the switch on 中文."""
    page.goto(f"{app_url}/learn?lang=zh")
    page.get_by_role("heading", name="学习", exact=True).wait_for()
    wait_idle(page)
    assert page.get_by_text("细胞状态").first.is_visible()
    switch = page.locator("[data-testid='stSidebar']").get_by_role("radio", name="中文", exact=True)
    assert switch.get_attribute("aria-checked") == "true"
    assert WITH_ZH.search(page.url)
    assert_no_exception(page)
