"""AppTest: the Backtest page runs a tiny backtest to the end, refuses bad settings, and the Runs page lists it."""

from __future__ import annotations

from app_helpers import errors, open_app, set_widgets, switch, wait_watching
from streamlit.testing.v1 import AppTest

from lstm_core.config.settings import ExperimentConfig


def open_backtest_page(**settings: object) -> AppTest:
    """The Backtest page with a tiny model in the saved Train settings and the given backtest settings."""
    at = open_app()
    at.session_state["config"] = ExperimentConfig(data=at.session_state["data_config"]).replace(
        units=4, window=6, batch_size=16, device="cpu"
    )
    switch(at, "backtest")
    return set_widgets(at, "backtest_", **settings)


def test_backtest_runs_to_the_end_and_shows_results() -> None:
    """A 1-epoch backtest finishes; the page shows the fold chart, the mean ± sd table, the curve and coverage."""
    at = open_backtest_page(start="0.7", horizon=4, stride=4, epochs=1, levels="80, 90")
    at.button(key="backtest_submit").click().run()
    assert not at.exception and not at.error, errors(at)
    job = at.session_state["backtest_job"]
    assert job is not None and job.total_folds == 10
    wait_watching(job, timeout=180)  # heartbeats, as the page's progress fragment sends them while a browser watches
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
    switch(at, "runs")
    assert not at.exception
    tables = [frame.value for frame in at.dataframe]
    assert tables[0]["kind"].tolist() == ["backtest"]  # kept in the run store, listed with its kind
    listed = next(table for table in tables if "folds" in table)  # and in this session's backtests
    assert len(listed) == 1 and listed["folds"].iloc[0] == 10
    at.session_state["backtest_horizon"] = 7  # the form as the visitor left it
    at.button(key="runs_again").click().run()  # the stored settings back in the Backtest form
    assert not at.exception and at.number_input(key="backtest_horizon").value == 4


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
