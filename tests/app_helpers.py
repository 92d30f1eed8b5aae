"""The real app under Streamlit's AppTest, driven as every app test drives it: open a page, fill a form, press
Train and wait as a watching tab would, read what the page says.

One place for what 16 `AppTest.from_file` sites and helpers in 9 files used to restate. AppTest's own timeout is
3 s, too short for a run that imports TensorFlow, so every run here waits up to `TIMEOUT` seconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

from ui.pages import page as page_of

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
TIMEOUT = 60  # seconds per script run; a run itself never waits for a training

__all__ = [
    "APP",
    "TIMEOUT",
    "errors",
    "open_app",
    "open_train_page",
    "press_train",
    "set_widgets",
    "switch",
    "texts",
    "wait_watching",
]


def open_app(page: str | None = None, *, query: dict[str, str] | None = None, timeout: float = TIMEOUT) -> AppTest:
    """A new visitor's session: app.py run once (with `query` as the URL's parameters), then `page` if given."""
    at = AppTest.from_file(str(APP), default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page is not None:
        switch(at, page)
    return at


def open_train_page(**settings: Any) -> AppTest:
    """A new visitor on the Train page with `settings` typed into its form (nothing trains yet)."""
    return set_widgets(open_app("train"), **settings)


def switch(at: AppTest, page: str) -> AppTest:
    """Open the page called `page` (ui/pages.py) in this session."""
    return at.switch_page(page_of(page).path).run()


def set_widgets(at: AppTest, prefix: str = "train_", **values: Any) -> AppTest:
    """Set the form widgets keyed `prefix + name` (numbers, select boxes, sliders, check boxes, texts); no rerun."""
    widgets = (*at.number_input, *at.selectbox, *at.slider, *at.checkbox, *at.text_input, *at.toggle)
    for name, value in values.items():
        widget = next((w for w in widgets if w.key == f"{prefix}{name}"), None)
        assert widget is not None, f"no widget keyed {prefix}{name} on this page"
        widget.set_value(value)
    return at


def press_train(at: AppTest, *, wait: bool = True, timeout: float = 120) -> Any:
    """Press Train; with `wait`, wait for the job as a watching tab would (heartbeats), then rerun as the monitor does.

    Returns the TrainingJob the press started (asserts that one started, showing the page's errors if not).
    """
    at.button(key="train_submit").click().run()
    assert not at.exception, at.exception
    job = at.session_state["job"]
    assert job is not None, errors(at)
    if wait:
        wait_watching(job, timeout=timeout)
        at.run()
    return job


def wait_watching(job: Any, condition: Callable[[], bool] | None = None, *, timeout: float = 120) -> None:
    """Heartbeat `job` every 0.2 s, as a watching browser tab does, until `condition()` holds (default: it finished)."""
    done = condition or (lambda: job.finished)
    deadline = time.monotonic() + timeout
    while not done():
        job.heartbeat()
        assert time.monotonic() < deadline, f"not reached within {timeout:.0f} s (job state {job.state})"
        time.sleep(0.2)


def texts(elements: Iterable[Any]) -> list[str]:
    """The values of AppTest elements (at.error, at.warning, at.caption, ...)."""
    return [element.value for element in elements]


def errors(at: AppTest) -> list[str]:
    """Every st.error sentence on the page."""
    return texts(at.error)
