"""AppTest: the run store in the app: workspaces in the URL, runs that survive a restart, a broken store,
and share links that open an experiment in the Train form."""

from __future__ import annotations

import os

import pytest
from app_helpers import open_app, open_train_page, press_train, switch
from streamlit.testing.v1 import AppTest

from lstm_core.config.links import config_to_params
from lstm_core.config.settings import ExperimentConfig
from lstm_core.store.db import NewRun, new_workspace, open_store
from ui.text.format import plain

FORECAST = (
    b"time,actual,lstm,naive,seasonal_naive,drift,part\n2000-01-01,1,1.1,0.9,,1,test\n2000-02-01,2,2.1,1,,2,test\n"
)


def stored_entry(units: int, skill: float) -> NewRun:
    config = ExperimentConfig().replace(units=units).to_dict()
    metrics = {"lstm": {"rmse": 1.0}, "naive": {"rmse": 1.2}, "skill_vs_naive": skill, "beats_naive": skill > 0,
               "epochs_run": 2, "train_seconds": 0.5, "samples_per_second": 100.0}  # fmt: skip
    history = [{"epoch": 1, "loss": 0.5, "val_loss": 0.6, "seconds": 0.2}, {"epoch": 2, "loss": 0.4, "val_loss": 0.5,
               "seconds": 0.2}]  # fmt: skip
    return NewRun(name="airline-passengers", config=config, metrics=metrics, history=history,
                  artifacts={"forecast.csv": FORECAST})  # fmt: skip


def open_page(page: str, **params: str) -> AppTest:
    """A new visitor whose URL carries `params`, on `page` (the link opens on Data; other pages are switched to)."""
    at = open_app(None if page == "data" else page, query=params)
    assert not at.exception, at.exception
    return at


def test_first_visit_makes_a_workspace_and_keeps_it_in_the_url():
    """A first visit gets a long random workspace token in the URL, and it stays there after a page switch."""
    at = open_page("runs")
    token = at.session_state["workspace"]
    assert (len(token) >= 40 and at.query_params["ws"] == [token]) or at.query_params["ws"] == token
    other = open_page("runs")
    assert other.session_state["workspace"] != token


def test_two_visitors_see_only_their_workspace_and_runs_survive_a_restart():
    """Runs stored in one workspace are listed for a visitor with that `ws` (even in a new session) and nobody else."""
    mine = new_workspace()
    store = open_store()
    for units, skill in ((4, 0.1), (8, -0.2), (16, 0.3)):
        store.save_run(mine, stored_entry(units, skill))
    at = open_page("runs", ws=mine)
    assert len(at.dataframe[0].value) == 3
    assert len(at.get("plotly_chart")) == 3  # settings against skill, then two runs overlaid
    stranger = open_page("runs")
    assert not stranger.dataframe and any("No runs yet" in info.value for info in stranger.info)
    restarted = open_page("runs", ws=mine)  # a new session on the same database: a restart
    assert len(restarted.dataframe[0].value) == 3
    restarted.checkbox(key="runs_filter_beats").check().run()
    assert list(restarted.dataframe[0].value["units"]) == [16, 4]  # sorted by finish time, newest first


def test_delete_removes_one_run_of_the_workspace():
    """Delete removes the chosen run from the store; the others stay."""
    mine = new_workspace()
    store = open_store()
    for units in (4, 8):
        store.save_run(mine, stored_entry(units, 0.1))
    at = open_page("runs", ws=mine)
    at.button(key="runs_delete").click().run()
    assert not at.exception
    assert len(store.list_runs(mine)) == 1 and len(at.dataframe[0].value) == 1


def test_a_training_is_stored_with_fingerprint_and_not_the_data():
    """A training from the Train page is saved in the visitor's workspace with its fingerprint and artifacts."""
    at = open_train_page(units=3, epochs=1, window=4)
    press_train(at)
    assert not at.exception and not any("run store" in w.value for w in at.warning)
    record = at.session_state["runs"][-1]
    stored = open_store().get_run(at.session_state["workspace"], record.store_id)
    assert stored.fingerprint.startswith("sha256:") and stored.config["model"]["units"] == 3
    assert {"forecast.csv", "weights.npz"} <= set(stored.artifact_names) and "data.csv" not in stored.artifact_names
    assert stored.environment["versions"]["keras"] and len(stored.history) == 1


def test_a_broken_store_is_one_warning_and_runs_stay_in_memory(tmp_path, monkeypatch):
    """With a corrupt database the pages warn in one sentence and the Runs page lists the session's unsaved runs."""
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(b"not a database" * 200)
    monkeypatch.setenv("LSTM_LAB_DB", f"sqlite:///{broken}")
    at = open_page("train")
    [warning] = at.warning
    assert warning.value.startswith(plain("The run store (the SQLite file")) and "in memory only" in warning.value
    switch(at, "runs")
    assert not at.exception and any("No runs yet" in info.value for info in at.info)
    for page in ("data", "learn"):
        switch(at, page)
        assert not at.exception


def test_a_share_link_fills_the_train_form():
    """A link with a sample and settings opens with that data loaded and those settings in the Train form."""
    config = ExperimentConfig().replace(source="sample:sine", units=17, window=9, learning_rate=0.005, seed=3)
    at = open_page("train", **config_to_params(config))
    assert at.session_state["dataset"].name == "sine"
    assert at.number_input(key="train_units").value == 17 and at.number_input(key="train_window").value == 9
    assert at.number_input(key="train_learning_rate").value == pytest.approx(0.005)
    assert at.number_input(key="train_seed").value == 3
    assert "units" not in at.query_params and at.query_params["ws"]


def test_an_upload_link_says_the_file_cannot_travel():
    """A link made from an upload fills the settings and says the file must be uploaded again."""
    config = ExperimentConfig().replace(source="upload:prices.csv", units=12)
    at = open_page("data", **config_to_params(config))
    assert any("cannot travel in a link" in info.value and plain("prices.csv") in info.value for info in at.info)
    switch(at, "train")
    assert at.number_input(key="train_units").value == 12


def test_a_bad_link_is_one_error_and_the_app_opens():
    """A link with a bad value gives one error sentence; the app opens on its defaults."""
    at = open_page("data", units="many")
    expected = "This link could not be opened: The link's `units` must be a number. Received: units='many'"
    assert [e.value for e in at.error] == [plain(expected)]  # shown as typed, not as markdown
    assert os.environ["LSTM_LAB_DB"]


class FakeTicker:
    """Stands in for yfinance.Ticker (the network is the one thing mocked): 80 business days of prices."""

    def __init__(self, ticker: str) -> None:
        self.ticker = ticker

    def history(self, **kwargs: object):
        import numpy as np
        import pandas as pd

        index = pd.bdate_range("2024-01-01", periods=80, tz="America/New_York", name="Date")
        close = 100 + np.cumsum(np.linspace(-1, 1, 80))
        return pd.DataFrame({"Open": close, "High": close, "Low": close, "Close": close, "Volume": 1e6}, index=index)


def test_a_yahoo_link_fetches_the_ticker_with_its_period_and_interval(tmp_path, monkeypatch):
    """A link naming a Yahoo ticker, period and interval loads those prices, and the share link says the same."""
    import yfinance

    monkeypatch.setenv("LSTM_LAB_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(yfinance, "Ticker", FakeTicker)
    config = ExperimentConfig().replace(source="yahoo:MSFT", period="6mo", interval="1d", column="Close", units=9)
    at = open_page("train", **config_to_params(config))
    assert at.session_state["data_config"].source == "yahoo:MSFT"
    assert at.session_state["data_config"].period == "6mo" and len(at.session_state["dataset"]) == 80
    assert at.number_input(key="train_units").value == 9
    link = at.session_state["config"]
    assert config_to_params(link)["data"] == "yahoo:MSFT" and config_to_params(link)["period"] == "6mo"


def test_a_stored_runs_label_names_its_cell(tmp_path):
    """The Runs page's label of a stored run names its recurrent cell (a run stored before cells: an LSTM)."""
    from ui.session.runstore import label

    runs = open_store(f"sqlite:///{tmp_path / 'runs.sqlite'}")
    for cell in ("gru", "rnn", None):
        model = {"units": 8, "layers": 1} | ({"cell": cell} if cell else {})
        runs.save_run("ws", NewRun(name="tiny", config={"model": model, "windows": {"window": 4}}, metrics={},
                                   kind="run", source="sample:tiny", fingerprint="sha256:" + "0" * 64))  # fmt: skip
    shapes = sorted(label(run).split(" · ")[1] for run in runs.list_runs("ws"))
    assert shapes == ["1×GRU(8)", "1×LSTM(8)", "1×RNN(8)"]
