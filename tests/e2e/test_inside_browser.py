"""Inside the network in Chromium: the Gates page's epoch slider redraws the heatmaps of an earlier epoch, and a
box dragged over the Inside page's chart selects that time range for select and match.

One browser tab (one Streamlit session) trains a tiny network, then uses both pages, asserting only on what
is visible. Screenshots go to a temp folder, or to docs/screenshots with LSTM_LAB_SCREENSHOTS=1.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_helpers import (
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

# Tiny by default; for the README's pictures (LSTM_LAB_SCREENSHOTS=1) a network worth looking at.
EPOCHS, UNITS = (40, 16) if os.environ.get("LSTM_LAB_SCREENSHOTS") == "1" else (4, 4)
HEATMAP_IMAGE = ".js-plotly-plot .heatmaplayer image"


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return screenshot_dir(tmp_path_factory.mktemp("screenshots"))


@pytest.fixture(scope="module")
def visitor(browser, app_url) -> Iterator[object]:
    """One browser tab kept across this module's tests, with a tiny network trained."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    tab.goto(app_url)
    open_page(tab, app_url, "Train")
    set_training(tab, epochs=EPOCHS, units=UNITS)
    click_train(tab)
    wait_trained(tab)
    yield tab
    context.close()


def epoch_caption(page) -> str:
    return page.get_by_text(re.compile(r"^The network after epoch \d+ of \d+")).first.inner_text()


def test_epoch_slider_redraws_an_earlier_epoch(visitor, app_url, shots) -> None:
    """Moving the epoch slider back one step says so and redraws the heatmaps with other values."""
    open_page(visitor, app_url, "Gates")
    visitor.locator(HEATMAP_IMAGE).first.wait_for()
    assert f"after epoch {EPOCHS} of {EPOCHS}" in epoch_caption(visitor)
    before = visitor.locator(HEATMAP_IMAGE).nth(1).get_attribute("href")  # the forget gate's picture
    widget = visitor.locator("[data-testid='stSlider']").filter(has_text=re.compile("^Epoch"))
    thumb = widget.get_by_role("slider")  # react-aria: a visually hidden <input type="range"> in the thumb
    thumb.focus()
    thumb.press("ArrowLeft")
    visitor.get_by_text(re.compile(rf"^The network after epoch {EPOCHS - 1} of {EPOCHS}")).first.wait_for()
    wait_idle(visitor)
    assert visitor.locator(HEATMAP_IMAGE).nth(1).get_attribute("href") != before
    assert visitor.get_by_text("Saturation: how often each gate is fully shut or fully open").is_visible()
    assert_no_exception(visitor)
    screenshot(visitor, "gates_epochs", shots)


def test_brushing_a_range_selects_it(visitor, app_url, shots) -> None:
    """A box dragged across the middle of the states chart fills the range and answers with a sentence."""
    open_page(visitor, app_url, "Inside")
    start_box = visitor.get_by_label("Range start (step)", exact=True)
    assert start_box.input_value() == ""
    drag = visitor.locator(".js-plotly-plot .nsewdrag[data-subplot='xy']").first
    drag.wait_for()
    box = drag.bounding_box()
    y = box["y"] + box["height"] / 2
    visitor.mouse.move(box["x"] + 0.40 * box["width"], y)
    visitor.mouse.down()
    visitor.mouse.move(box["x"] + 0.50 * box["width"], y, steps=8)
    visitor.mouse.move(box["x"] + 0.55 * box["width"], y, steps=8)
    visitor.mouse.up()
    visitor.get_by_text(re.compile(r"^Selected .+ → .+\.$")).first.wait_for()
    wait_idle(visitor)
    first = int(start_box.input_value())
    last = int(visitor.get_by_label("Range end (step, inclusive)", exact=True).input_value())
    assert 30 < first < last < 110, (first, last)  # 144 points: the middle of the chart, about 58 to 80
    answer = visitor.get_by_text(re.compile(r"^(The selected units \(|No unit is on)")).first
    assert answer.is_visible()
    assert_no_exception(visitor)
    screenshot(visitor, "inside", shots)
