"""The process-wide training limit, seen from two browsers: with `LSTM_LAB_MAX_TRAININGS=1` a second
visitor who presses Train while a first one trains reads a clear "busy" sentence, and can train once
the first training has stopped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from e2e_helpers import (
    assert_no_exception,
    click_train,
    open_page,
    serve_app,
    set_training,
    wait_trained,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]


@pytest.fixture(scope="module")
def one_training_url() -> Iterator[str]:
    """A second server that allows one training at a time."""
    with serve_app({"LSTM_LAB_MAX_TRAININGS": "1"}) as (url, _):
        yield url


def test_second_visitor_is_told_the_server_is_busy(browser, one_training_url) -> None:
    """While visitor A trains, visitor B's Train shows the busy sentence; after A stops, B trains."""
    contexts = [browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in range(2)]
    try:
        first, second = (context.new_page() for context in contexts)
        for tab in (first, second):
            tab.set_default_timeout(60_000)
            open_page(tab, one_training_url, "Train")

        set_training(first, epochs=1000, units=4)
        click_train(first)
        first.get_by_text(re.compile(r"Training: epoch \d+ of 1000")).first.wait_for()

        set_training(second, epochs=1, units=4)
        click_train(second)
        busy = second.get_by_text(re.compile(r"^The server is busy: .* Try again in a minute"))
        busy.first.wait_for()
        assert "your data and settings are kept" in busy.first.inner_text()
        assert second.get_by_role("button", name="Train", exact=True).is_enabled()
        assert_no_exception(second)

        first.get_by_role("button", name="Stop", exact=True).click()
        first.get_by_text(re.compile(r"Stopped by request after \d+ epoch")).first.wait_for()
        click_train(second)
        wait_trained(second)
        assert second.get_by_text("Trained 1 epoch.").first.is_visible()
        for tab in (first, second):
            assert_no_exception(tab)
    finally:
        for context in contexts:
            context.close()
