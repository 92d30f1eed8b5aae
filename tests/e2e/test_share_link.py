"""Share links in a real browser: a link made on the Train page opens, in a fresh browser context (another
person), the same data and settings in the Train form, without the first visitor's workspace."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from e2e_helpers import assert_no_exception, wait_idle

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]


def expect_value(page, label: str, value: str) -> None:
    """Wait (up to 30 s) until the form field `label` shows `value`: the form is drawn again once the link is read."""
    from playwright.sync_api import expect

    expect(page.get_by_label(label, exact=True)).to_have_value(value, timeout=30_000)


def test_share_link_opens_the_same_experiment_in_a_fresh_context(browser, app_url) -> None:
    """Settings in a link fill the form; Copy share link gives a link (no `ws`) that a fresh context opens alike."""
    first = browser.new_context(viewport={"width": 1400, "height": 1000})
    second = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = first.new_page()
        page.set_default_timeout(60_000)
        page.goto(f"{app_url}/train?data=sample:sine&units=23&window=7&learning_rate=0.005&epochs=3")
        page.get_by_role("heading", name="Train", exact=True).first.wait_for()
        wait_idle(page)
        assert_no_exception(page)
        expect_value(page, "Units per LSTM layer", "23")
        assert "ws=" in page.url and "units=" not in page.url  # the link's settings leave; the workspace stays
        own_workspace = parse_qs(urlsplit(page.url).query)["ws"][0]

        page.get_by_role("button", name="Copy share link").click()
        code = page.locator("[data-testid='stPopoverBody'] [data-testid='stCode']").first
        code.wait_for()
        link = code.inner_text().strip()
        params = parse_qs(urlsplit(link).query)
        assert params["units"] == ["23"] and params["window"] == ["7"] and params["data"] == ["sample:sine"]
        assert "ws" not in params and urlsplit(link).path.endswith("/train")

        other = second.new_page()
        other.set_default_timeout(60_000)
        other.goto(link.replace(urlsplit(link).netloc, urlsplit(app_url).netloc))
        other.get_by_role("heading", name="Train", exact=True).first.wait_for()
        wait_idle(other)
        assert_no_exception(other)
        expect_value(other, "Units per LSTM layer", "23")
        expect_value(other, "Window (past steps per prediction)", "7")
        expect_value(other, "Epochs", "3")
        expect_value(other, "Learning rate (Adam)", "0.0050")
        assert "sine" in other.locator("[data-testid='stSidebar']").inner_text()
        assert other.get_by_text("Opened a shared experiment").count() == 1
        assert parse_qs(urlsplit(other.url).query)["ws"][0] != own_workspace
    finally:
        first.close()
        second.close()
