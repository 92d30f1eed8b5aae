"""Issue 21 in Chromium: a GRU's Gates page (z, r, n, h, the gradient view, a what-if edit that redraws) and the
Compare page comparing the three cells, against the session's real server (trainings in worker processes).

One tab trains one tiny GRU (1 epoch, 3 units, window 5) for the Gates checks, then compares the three cells with
the same settings: four tiny trainings for the whole module. Screenshots go to a temp folder, or to
docs/screenshots with LSTM_LAB_SCREENSHOTS=1.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_helpers import (
    CHART,
    assert_no_exception,
    click_train,
    open_page,
    screenshot,
    screenshot_dir,
    set_training,
    wait_idle,
    wait_trained,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return screenshot_dir(tmp_path_factory.mktemp("screenshots"))


@pytest.fixture(scope="module")
def visitor(browser, app_url) -> Iterator[object]:
    """One tab kept across this module's tests, with a tiny GRU trained on the default sample."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    tab.goto(app_url)
    open_page(tab, app_url, "Train")
    set_training(tab, epochs=1, units=3, window=5)
    tab.get_by_role("combobox", name="Cell").click()
    tab.get_by_role("option", name="GRU", exact=True).click()
    click_train(tab)
    wait_trained(tab)
    yield tab
    context.close()


def test_a_grus_gates_gradients_and_what_if(visitor, app_url, shots) -> None:
    """The Gates page of a GRU run shows z, r, n and h, draws the gradient view, and redraws on a what-if edit."""
    from playwright.sync_api import expect

    open_page(visitor, app_url, "Gates")
    for caption in ("The update gate z", "The reset gate r", "The candidate n", "The hidden state, between -1 and 1"):
        assert visitor.get_by_text(re.compile("^" + re.escape(caption))).first.is_visible(), caption
    header = visitor.get_by_text("Gradients through time: how far back the prediction reaches").first
    header.scroll_into_view_if_needed()
    assert header.is_visible()
    assert visitor.get_by_text(re.compile(r"^The first step of this window \(lag 4\) still gets")).first.is_visible()
    predicted = visitor.get_by_text(re.compile(r"^Predicted value: ")).first
    predicted.scroll_into_view_if_needed()
    before = predicted.inner_text()
    size = visitor.get_by_label(re.compile(r"^Size \(in "))
    size.fill("100")
    size.press("Enter")
    expect(visitor.get_by_text(re.compile(r"^Predicted value: ")).first).not_to_have_text(before)  # redrawn
    wait_idle(visitor)
    assert visitor.locator(CHART).count() >= 8  # z, r, n, h, per unit, saturation, reach, inputs, what-if x3
    assert_no_exception(visitor)
    screenshot(visitor, "gates_gru_whatif", shots)


def test_the_compare_page_compares_three_cells(visitor, app_url, shots) -> None:
    """One press trains an LSTM, a GRU and a plain RNN; the page shows their scores beside the baselines, the
    verdict, the loss curves and one gradient line per cell."""
    nav = visitor.locator("[data-testid='stSidebarNav']")
    nav.get_by_role("link", name=re.compile(r"(^|\s)Compare$")).first.click()
    visitor.get_by_role("heading", name="Compare cells", exact=True).first.wait_for()  # the page's own title
    wait_idle(visitor)
    assert visitor.get_by_text(
        re.compile(r"^Settings from the Train page: 1 layer\(s\) of 3 units, window 5")
    ).is_visible()
    visitor.get_by_role("button", name="Compare LSTM, GRU and RNN").click()
    verdict = visitor.get_by_text(re.compile(r"^The \w+ wins: test RMSE"))
    verdict.first.wait_for(timeout=180_000)
    wait_idle(visitor)
    assert "One seed each" in verdict.first.inner_text()
    table = visitor.locator("[data-testid='stDataFrame']").first
    table.wait_for()
    reach = visitor.get_by_text("Gradients through time: how far back each cell reaches").first
    reach.scroll_into_view_if_needed()
    assert reach.is_visible()
    lines = visitor.get_by_text(re.compile(r"^(LSTM|GRU|RNN): the window's first step still gets"))
    assert lines.count() == 3
    assert visitor.locator(CHART).count() == 2  # the loss curves and the gradient reach
    assert_no_exception(visitor)
    screenshot(visitor, "compare", shots)
