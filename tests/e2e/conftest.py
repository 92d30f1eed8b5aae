"""Real-browser fixtures: a `streamlit run app.py` server on a free loopback port, and
Debian's Chromium driven by Playwright (a browser download is not possible here).

The helpers themselves live in e2e_helpers.py (importable by tests and bench/; a conftest is not).
Without /usr/bin/chromium the e2e tests are skipped, unless LSTM_LAB_REQUIRE_BROWSER=1
(set by .ci/run), where they fail instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_helpers import CHROMIUM, CHROMIUM_ARGS, serve_app


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """A running `streamlit run app.py` for the whole e2e session."""
    with serve_app({"LSTM_LAB_MAX_TRAININGS": "2"}) as (url, _):
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("LSTM_LAB_REQUIRE_BROWSER") == "1":
            pytest.fail(f"No Chromium at {CHROMIUM}: install it with `apt-get install chromium`.")
        pytest.skip(f"No Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser, app_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()
