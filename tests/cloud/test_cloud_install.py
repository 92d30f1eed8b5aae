"""The Cloud install check: every page under AppTest and one tiny training, with requirements.txt only.

Run by `.ci/cloud_check` in a fresh virtual environment per Python version (pytest is the one extra
package; no conftest, no hypothesis), and by the normal suite. Each page must render without an
exception before and after the training.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ui.pages import PAGES  # noqa: E402  (after the path insert above: the check runs outside the suite's conftest)


def _visit(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, (page, [e.value for e in at.exception])
    return at


def test_every_page_renders_then_a_tiny_training_feeds_them() -> None:
    """Every page renders, a tiny LSTM trains through the Train form, and Forecast, Gates and Runs show it."""
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    assert not at.exception
    for page in PAGES:
        _visit(at, page.name)
    _visit(at, "train")
    for key, value in {"units": 4, "epochs": 2, "window": 6}.items():
        next(w for w in (*at.number_input, *at.slider) if w.key == f"train_{key}").set_value(value)
    at.button(key="train_submit").click().run()
    job = at.session_state["job"]
    assert job is not None, [e.value for e in at.error]
    deadline = time.monotonic() + 300
    while not job.wait(0.5):
        job.heartbeat()
        assert time.monotonic() < deadline, "the tiny training did not finish in five minutes"
    assert job.state == "done", job.error
    at.run()
    assert len(at.session_state["runs"]) == 1
    for page in ("forecast", "gates", "runs"):
        _visit(at, page)
    assert any(chart.key == "forecast_chart" for chart in _visit(at, "forecast").get("plotly_chart"))
