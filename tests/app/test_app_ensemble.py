"""AppTest: a 2-seed ensemble with seasonal differences, trained from the Train page, seen on Forecast and Gates."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from app_helpers import open_train_page, press_train, switch, texts
from streamlit.testing.v1 import AppTest


@pytest.fixture(scope="module")
def ensemble_app() -> Iterator[AppTest]:
    at = open_train_page(units=4, epochs=2, window=6, seeds=2)
    at.selectbox(key="train_difference").set_value("seasonal")
    job = press_train(at)
    assert job.state == "done", job.error
    assert not at.error
    yield at


def test_seeds_and_seasonal_differences_reach_the_run(ensemble_app: AppTest) -> None:
    """The Seeds setting and the seasonal choice reach the run: two members, season-12 differences in the label."""
    record = ensemble_app.session_state["runs"][-1]
    assert record.config.train.seeds == 2 and record.config.windows.difference == "seasonal"
    assert len(record.run.members) == 2 and record.run.windows.lag == 12
    assert record.label.endswith("· seasonal differences")


def test_forecast_shows_the_seed_spread_and_diagnostics(ensemble_app: AppTest) -> None:
    """Forecast shows the seed-spread sentence and table (mean and sd across seeds) and the diagnostics' sentences."""
    switch(ensemble_app, "forecast")
    assert not ensemble_app.exception
    assert any("2 seeds were trained together" in text for text in texts(ensemble_app.markdown))
    spread = next(frame.value for frame in ensemble_app.dataframe if "Mean across seeds" in frame.value.columns)
    assert list(spread.columns) == ["Mean across seeds", "SD across seeds"]
    assert "RMSE" in spread.index and "Skill vs naive" in spread.index
    assert spread.loc["RMSE", "SD across seeds"] >= 0
    metrics = ensemble_app.session_state["runs"][-1].metrics.to_dict()
    sentences = [item["sentence"] for item in metrics["diagnostics"]]
    assert sentences and all(sentence in texts(ensemble_app.info) for sentence in sentences)


def test_gates_page_picks_a_member(ensemble_app: AppTest) -> None:
    """Gates offers the ensemble's members; switching to the second seed redraws without error."""
    switch(ensemble_app, "gates")
    assert not ensemble_app.exception
    member = ensemble_app.selectbox(key="gates_member")
    assert member.options == ["Seed 0", "Seed 1"]
    member.set_value(1).run()
    assert not ensemble_app.exception and not ensemble_app.error
