"""AppTest: the Sweep page runs a real 2-trial sweep to the end, shows its trials and charts, trains the best;
bad ranges and a busy server are one sentence; another visitor opens the study by name."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from app_helpers import errors, open_app, switch, wait_watching
from streamlit.testing.v1 import AppTest

from lstm_core.config.settings import ExperimentConfig
from lstm_core.jobs.base import release_training, reserve_training

pytestmark = pytest.mark.timeout(600)
FIXED = ExperimentConfig().replace(epochs=2, batch_size=16, forecast_steps=3, device="cpu")


def open_sweep_page(storage: str) -> AppTest:
    """The Sweep page with tiny fixed settings and a small space: units 3-5 and the learning rate searched."""
    at = open_app()
    at.session_state["config"] = FIXED.replace(data=at.session_state["data_config"])
    switch(at, "sweep")
    for name in ("layers", "window", "dropout", "batch_size", "difference"):
        at.checkbox(key=f"sweep_search_{name}").uncheck()
    at.number_input(key="sweep_units_low").set_value(3)
    at.number_input(key="sweep_units_high").set_value(5)
    at.number_input(key="sweep_trials").set_value(2)
    at.text_input(key="sweep_storage").set_value(storage)
    return at


def start_and_finish(at: AppTest):
    """Press Start sweep, wait for the sweep to end, and draw the page again; returns the finished job."""
    at.button(key="sweep_start").click().run()
    assert not at.exception and not at.error, errors(at)
    job = at.session_state["sweep_job"]
    wait_watching(job, timeout=300)
    assert job.state == "done", job.error
    at.run()
    return job


@pytest.fixture(scope="module")
def swept(tmp_path_factory) -> Iterator[tuple[AppTest, str]]:
    folder = tmp_path_factory.mktemp("sweep_app")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LSTM_LAB_CACHE", str(folder))  # the run store (and so the trials) in a fresh folder
        patch.delenv("LSTM_LAB_DB", raising=False)
        storage = f"sqlite:///{folder / 'studies.db'}"
        at = open_sweep_page(storage)
        at.text_input(key="sweep_study").set_value("app-study")
        start_and_finish(at)
        yield at, storage


def test_sweep_runs_to_the_end_and_shows_trials_and_charts(swept):
    """A 2-trial sweep started from the form finishes; the table lists both trials, with the charts and importance."""
    at, _ = swept
    assert not at.exception and not at.error
    table = at.dataframe[0].value
    assert len(table) == 2 and set(table["state"]) == {"complete"} and table["val_rmse"].notna().all()
    assert table["units"].between(3, 5).all()
    keys = {chart.proto.id for chart in at.get("plotly_chart")}
    assert len(at.get("plotly_chart")) == 3, keys  # best so far, parallel coordinates, importance
    assert any("app-study: 2 trial(s)" in header.value for header in at.subheader)
    assert at.session_state["sweep_job"].store_error is None


def test_train_the_best_opens_it_as_a_normal_run(swept):
    """Train the best starts a training with the best trial's settings; the run then feeds Forecast and Gates."""
    at, _ = swept
    table = at.dataframe[0].value
    best = table.loc[table["val_rmse"].idxmin()]
    at.button(key="sweep_train_best").click().run()
    assert not at.exception
    job = at.session_state["job"]
    assert job is not None and job.config.model.units == best["units"]
    assert job.config.train.learning_rate == pytest.approx(best["learning_rate"])
    wait_watching(job, timeout=300)
    assert job.state == "done", job.error
    at.run()
    assert at.session_state["runs"][-1].config.model.units == best["units"]
    switch(at, "forecast")
    assert not at.exception and not at.error


def test_another_visitor_opens_the_study_by_name(swept):
    """A fresh session opens the study by its name from the storage URL and sees every trial."""
    _, storage = swept
    at = open_sweep_page(storage)
    at.text_input(key="sweep_open_name").set_value("app-study")
    at.button(key="sweep_open").click().run()
    assert not at.exception and not at.error, errors(at)
    assert len(at.dataframe[0].value) == 2
    at.text_input(key="sweep_open_name").set_value("no-such-study")
    at.button(key="sweep_open").click().run()
    assert any("There is no study 'no-such-study'" in e.value for e in at.error)


def test_bad_range_is_one_sentence(tmp_path):
    """A reversed range is one error sentence; no sweep starts."""
    at = open_sweep_page(f"sqlite:///{tmp_path / 's.db'}")
    at.number_input(key="sweep_units_low").set_value(9)
    at.button(key="sweep_start").click().run()
    assert not at.exception and at.session_state["sweep_job"] is None
    expected = "The `units` range must be [low, high] with low <= high. Received: units=[9, 5]"
    assert errors(at) == [expected]


def test_a_sweep_counts_against_the_training_cap(tmp_path, monkeypatch):
    """With the server's one training place taken, Start sweep says the server is busy and starts nothing."""
    monkeypatch.setenv("LSTM_LAB_MAX_TRAININGS", "1")
    at = open_sweep_page(f"sqlite:///{tmp_path / 's.db'}")
    reserve_training()
    try:
        at.button(key="sweep_start").click().run()
    finally:
        release_training()
    assert not at.exception and at.session_state["sweep_job"] is None
    assert any("The server is busy" in e.value for e in at.error)


def test_the_backtest_objective_from_the_form(tmp_path, monkeypatch):
    """Choosing the backtest objective and a horizon in the form runs trials scored on folds, and says so."""
    monkeypatch.setenv("LSTM_LAB_CACHE", str(tmp_path))
    monkeypatch.delenv("LSTM_LAB_DB", raising=False)
    storage = f"sqlite:///{tmp_path / 'studies.db'}"
    at = open_sweep_page(storage)
    at.number_input(key="sweep_trials").set_value(1)
    at.selectbox(key="sweep_objective").set_value("backtest")
    at.number_input(key="sweep_horizon").set_value(3)
    job = start_and_finish(at)
    from lstm_core.sweep.study import open_study

    study, setup = open_study(storage, job.study_name, job.setup)
    assert (setup.objective, setup.horizon) == ("backtest", 3) and study.trials[0].user_attrs["folds"] > 1
    captions = " ".join(c.value for c in at.caption)
    assert "Objective: mean over folds of the 3-step RMSE" in captions
    table = at.dataframe[0].value
    assert len(table) == 1 and table["val_rmse"].notna().all()


def test_a_loaded_collection_is_offered_a_global_sweep(tmp_path, monkeypatch):
    """With a collection on the Data page, the Sweep page offers one global model over it: a horizon its series are
    too short for is one sentence; a good one starts a sweep of the collection (stopped at once here)."""
    import numpy as np
    import pandas as pd

    from lstm_core.config.settings import DataConfig
    from lstm_core.data.collections import from_long
    from lstm_core.sweep.study import stored_setup

    monkeypatch.setenv("LSTM_LAB_CACHE", str(tmp_path))
    monkeypatch.delenv("LSTM_LAB_DB", raising=False)
    storage = f"sqlite:///{tmp_path / 'studies.db'}"
    at = open_sweep_page(storage)
    frame = pd.DataFrame({"id": np.repeat(["a", "b", "c"], 16), "value": np.tile(np.arange(16.0), 3) + 5})
    at.session_state["collection"] = from_long(frame, id_column="id", column="value", name="three.csv")
    at.session_state["collection_config"] = DataConfig(source="three.csv")
    at.run()
    assert any("global model over the collection three.csv (3 series)" in e.label for e in at.expander)
    at.number_input(key="sweep_global_horizon").set_value(9)
    at.button(key="sweep_global_start").click().run()
    assert not at.exception and at.session_state["sweep_job"] is None
    assert errors(at) == ["No series is long enough for this horizon; choose a shorter --horizon."]
    at.number_input(key="sweep_global_horizon").set_value(3)
    at.button(key="sweep_global_start").click().run()
    assert not at.exception and not at.error, errors(at)
    job = at.session_state["sweep_job"]
    job.request_stop()
    wait_watching(job, timeout=120)
    assert job.state in ("stopped", "done"), job.error
    setup = stored_setup(storage, job.study_name)
    assert setup.collection is not None and setup.horizon == 3 and "base" in setup.space.searched
