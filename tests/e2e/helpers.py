"""What a person does and sees in the app, as Playwright steps: open a page, fill the Train form, read charts.

Shared by the e2e tests and bench/ (cold start, live-app overhead, memory). Every wait is on something
visible; nothing here reads the server's state.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"

EXCEPTION = "[data-testid='stException']"
CHART = ".js-plotly-plot"
TRACE_LINE = ".js-plotly-plot .scatterlayer path.js-line"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
LOSS_POINTS = "[data-testid='stPlotlyChart'] .js-plotly-plot .scatterlayer .trace .points path.point"


def wait_idle(page, timeout: float = 60_000) -> None:
    """Wait until the app's script has finished running."""
    page.wait_for_selector(IDLE, timeout=timeout)


def open_page(page, url: str, title: str) -> None:
    """Open `title` from the sidebar navigation (or load `url` first when the app is not open yet)."""
    if not page.url.startswith(url):
        page.goto(url)
        page.wait_for_selector("[data-testid='stSidebarNav']")
    nav = page.locator("[data-testid='stSidebarNav']")
    nav.get_by_role("link", name=re.compile(rf"(^|\s){title}$")).first.click()  # name: "<icon name> Title"
    page.get_by_role("heading", name=title, exact=True).first.wait_for()
    wait_idle(page)


def assert_no_exception(page) -> None:
    shown = page.locator(EXCEPTION)
    assert shown.count() == 0, f"the page shows an exception: {shown.first.inner_text()[:2000]}"


def fill_number(page, label: str, value: float) -> None:
    box = page.get_by_label(label, exact=True)
    box.fill(str(value))
    box.press("Tab")


def set_training(page, *, epochs: int, units: int, window: int | None = None) -> None:
    """Type the settings into the Train form (nothing trains until the Train button)."""
    fill_number(page, "Units per LSTM layer", units)
    fill_number(page, "Epochs", epochs)
    if window is not None:
        fill_number(page, "Window (past steps per prediction)", window)


def click_train(page) -> None:
    page.get_by_role("button", name="Train", exact=True).click()


def wait_trained(page, timeout: float = 180_000) -> None:
    """Wait for the Train page's result: the "Last run" heading and no running script."""
    page.get_by_role("heading", name=re.compile(r"^Last run: #\d+")).first.wait_for(timeout=timeout)
    wait_idle(page, timeout)


def loss_points(page) -> int:
    """Markers drawn in the Train page's loss chart (one per epoch per loss curve)."""
    return page.locator(LOSS_POINTS).count()


def screenshot(page, name: str, directory: Path) -> Path:
    """A viewport-wide, full-height PNG of the page, once the charts have settled."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.png"
    time.sleep(0.5)  # plotly animates its first draw
    page.screenshot(path=str(path), full_page=True)
    return path


def screenshot_dir(tmp_dir: Path) -> Path:
    """docs/screenshots with LSTM_LAB_SCREENSHOTS=1 (to refresh the README's pictures), else a temp folder."""
    return SCREENSHOTS if os.environ.get("LSTM_LAB_SCREENSHOTS") == "1" else tmp_dir
