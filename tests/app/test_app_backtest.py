"""AppTest: the Backtest page runs a tiny backtest to the end, refuses bad settings, and the Runs page lists it."""

from __future__ import annotations

import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"

from lstm_core.config.settings import ExperimentConfig  # noqa: E402

TIMEOUT = 60


def open_backtest_page(**settings: object) -> AppTest:
    """The Backtest page with a tiny model in the saved Train settings and the given backtest settings."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.session_state["config"] = ExperimentConfig(data=at.session_state["data_config"]).replace(
        units=4, window=6, batch_size=16, device="cpu"
    )
    at.switch_page("app_pages/backtest.py").run()
    for key, value in settings.items():
        widget = next(w for w in (*at.number_input, *at.selectbox, *at.text_input) if w.key == f"backtest_{key}")
        widget.set_value(value)
    return at


def test_backtest_runs_to_the_end_and_shows_results() -> None:
    """A 1-epoch backtest finishes; the page shows the fold chart, the mean ± sd table, the curve and coverage."""
    at = open_backtest_page(start="0.7", horizon=4, stride=4, epochs=1, levels="80, 90")
    at.button(key="backtest_submit").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    job = at.session_state["backtest_job"]
    assert job is not None and job.total_folds == 10
    deadline = time.monotonic() + 180
    while not job.wait(0.5):
        job.heartbeat()  # as the page's progress fragment does while a browser watches
        assert time.monotonic() < deadline, "the backtest did not finish in three minutes"
    assert job.state == "done", job.error
    at.run()
    assert not at.exception and not at.error
    assert len(at.session_state["backtests"]) == 1
    assert at.slider(key="backtest_fold").value == 10
    assert len(at.get("plotly_chart")) == 2  # the fold chart and the per-step curve
    models = at.dataframe[0].value
    assert list(models.index) == ["LSTM", "naive", "seasonal naive", "drift", "ETS", "Theta"]
    assert "±" in models.loc["LSTM", "RMSE"] and "±" in models.loc["ETS", "LSTM's skill against it"]
    verdicts = [element.value for element in (*at.success, *at.warning)]
    assert any("beats the LSTM by" in s or "beats every baseline" in s for s in verdicts), verdicts
    coverage = at.dataframe[1].value
    assert list(coverage["level"]) == ["80%", "90%"]
    sentences = [m.value for m in at.markdown]
    assert any("bands covered" in s and "held-out points" in s for s in sentences) or any(
        "enough earlier forecast errors" in s for s in sentences
    )
    at.slider(key="backtest_fold").set_value(3).run()
    assert not at.exception
    at.switch_page("app_pages/runs.py").run()
    assert not at.exception
    listed = at.dataframe[0].value  # no runs yet: the backtests table comes first
    assert len(listed) == 1 and listed["folds"].iloc[0] == 10


def test_bad_backtest_settings_give_one_sentence() -> None:
    """A horizon longer than what is left after the start is refused with one sentence; nothing starts."""
    at = open_backtest_page(start="0.9", horizon=40)
    at.button(key="backtest_submit").click().run()
    assert not at.exception
    assert len(at.error) == 1 and "`horizon` (40) is longer than" in at.error[0].value.replace("\\", "")  # unescaped
    assert at.session_state["backtest_job"] is None
    at.text_input(key="backtest_levels").set_value("80, 120")
    at.number_input(key="backtest_horizon").set_value(4)
    at.button(key="backtest_submit").click().run()
    assert len(at.error) == 1 and "levels" in at.error[0].value
