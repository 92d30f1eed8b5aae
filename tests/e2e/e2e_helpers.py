"""A `streamlit run` server on a free port, and what a person does and sees in the app as Playwright steps:
open a page, fill the Train form, read charts.

Shared by the e2e tests and bench/ (cold start, live-app overhead, memory). Every wait is on something
visible; nothing here reads the server's state.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("LSTM_LAB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_health(url: str, *, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.read().decode().strip() == "ok":
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"Streamlit did not answer {url}/_stcore/health within {timeout} s")


def start_server(app: Path, *, port: int, env: dict[str, str] | None = None) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    log = tempfile.NamedTemporaryFile(prefix="streamlit-", suffix=".log", delete=False)  # noqa: SIM115 (the server keeps it)
    return subprocess.Popen(
        command, cwd=app.parent, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}
    )


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@contextlib.contextmanager
def serve_app(env: dict[str, str] | None = None) -> Iterator[tuple[str, subprocess.Popen]]:
    """`streamlit run app.py` on a free loopback port, answering its health check: (url, process)."""
    port = free_port()
    process = start_server(ROOT / "app.py", port=port, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(url)
        yield url, process
    finally:
        stop_server(process)


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
    """Wait for the Train page's result: the "Last run" heading and no running script (else fail with the page's
    words, so a failure says what the visitor saw)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.get_by_role("heading", name=re.compile(r"^Last run: #\d+")).first.wait_for(timeout=timeout)
    except PlaywrightTimeout:
        text = page.inner_text("body")
        raise AssertionError(f"no trained run after {timeout / 1000:.0f} s; the page says: {text}") from None
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
