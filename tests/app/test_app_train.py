"""AppTest: the Train page (settings, Train, Stop, busy server, failures) and the pages a training feeds.

One tiny training (airline passengers, LSTM(4), 2 epochs) is shared by the Forecast, Gates
and Runs tests; Keras is imported once per test process.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator

import pandas as pd
import pytest
from app_helpers import open_train_page, press_train, switch, texts
from streamlit.testing.v1 import AppTest

from lstm_core.experiment.export import safe_csv
from lstm_core.jobs.base import TrainingJob
from ui.views.runs_table import runs_table


@pytest.fixture(scope="module")
def trained() -> Iterator[AppTest]:
    at = open_train_page(units=4, epochs=2, window=6)
    job = press_train(at)
    assert job.state == "done", job.error
    assert not at.error
    yield at


def test_seed_preset_sets_the_classic_example() -> None:
    """Seed preset puts LSTM(50), window 10, batch 32, lr 0.001, 1 layer, dropout 0, min-max levels into the form."""
    at = open_train_page(units=7, window=3, layers=2, dropout=0.3)
    at.selectbox(key="train_difference").set_value("first").run()
    at.selectbox(key="train_scaler").set_value("standard").run()
    at.button(key="train_seed_preset").click().run()
    assert at.selectbox(key="train_difference").value == "none"
    assert at.selectbox(key="train_scaler").value == "minmax"
    assert not at.exception
    values = {w.key: w.value for w in (*at.number_input, *at.slider)}
    assert values["train_units"] == 50 and values["train_window"] == 10 and values["train_batch_size"] == 32
    assert values["train_layers"] == 1 and values["train_dropout"] == 0.0
    assert values["train_learning_rate"] == pytest.approx(0.001)


def test_changing_a_setting_does_not_train() -> None:
    """A changed setting without pressing Train starts nothing."""
    at = open_train_page(units=8)
    at.run()
    assert at.session_state["job"] is None
    assert not at.exception


def test_bad_settings_give_one_sentence() -> None:
    """Validation + test fractions that leave too little training data are refused with a sentence."""
    at = open_train_page(val_fraction=0.45, test_fraction=0.45)
    at.button(key="train_submit").click().run()
    assert not at.exception
    assert len(at.error) == 1 and "val_fraction" in at.error[0].value
    assert at.session_state["job"] is None


def test_training_shows_loss_chart_and_metrics(trained: AppTest) -> None:
    """After a 2-epoch training the Train page shows its message, metrics and the loss chart."""
    assert not trained.exception
    assert "Trained 2 epochs." in texts(trained.success)
    labels = [metric.label for metric in trained.metric]
    assert "LSTM RMSE (test)" in labels and "Naive RMSE (test)" in labels and "Skill vs naive" in labels
    assert len(trained.get("plotly_chart")) == 1
    assert len(trained.session_state["runs"]) >= 1
    assert "Devices: cpu:0" in trained.caption[0].value  # listed once Keras is loaded


def test_forecast_page_has_chart_metrics_and_downloads(trained: AppTest) -> None:
    """Forecast shows the chart, the metrics table of all six models, a verdict against the strongest baseline and
    naive, and four downloads."""
    switch(trained, "forecast")
    assert not trained.exception
    assert len(trained.get("plotly_chart")) == 1
    table = trained.dataframe[0].value
    assert list(table.index) == ["LSTM", "Naive", "Seasonal naive", "Drift", "ETS", "Theta"]
    assert list(table.columns) == ["MAE", "RMSE", "sMAPE (%)", "MASE", "MAPE (%)"]
    verdicts = texts(trained.success) + texts(trained.warning)
    assert any("naive forecast" in text for text in verdicts)
    assert any("beats the LSTM by" in text or "beats every baseline" in text for text in verdicts), verdicts
    downloads = [button.proto.label for button in trained.get("download_button")]
    assert downloads == ["Forecast CSV", "Metrics JSON", "Trained model (.keras)", "Config JSON"]


def test_forecast_page_suggests_differences_on_a_trend(trained: AppTest) -> None:
    """Airline passengers leaves the training range; with differences off, the Forecast page suggests them."""
    switch(trained, "forecast")
    assert not trained.exception
    infos = texts(trained.info)
    assert any("leaves the range the model was trained on" in text for text in infos)
    assert any("**Predict differences**" in text for text in infos)


def test_predict_differences_reaches_the_training_and_stays() -> None:
    """Predict differences is on the Train page; its value reaches the run's config and survives a page switch."""
    at = open_train_page(units=4, epochs=2, window=6)
    assert at.selectbox(key="train_difference").value == "none"
    at.selectbox(key="train_difference").set_value("first")
    job = press_train(at)
    assert job.state == "done", job.error
    assert at.session_state["config"].windows.difference == "first"
    record = at.session_state["runs"][-1]
    assert record.config.windows.difference == "first" and record.run.windows.difference is True
    assert record.label.endswith("· first differences")
    for page in ("data", "train"):
        switch(at, page)
        assert not at.exception
    assert at.selectbox(key="train_difference").value == "first"
    switch(at, "forecast")
    assert not at.exception
    assert not any("**Predict differences**" in text for text in texts(at.info))
    switch(at, "gates")
    assert not at.exception
    assert "the network's inputs are the changes from one step to the next" in at.caption[0].value
    assert "a change of" in at.markdown[0].value


def test_model_download_is_a_keras_file(trained: AppTest) -> None:
    """The model download is a loadable .keras archive (a zip file)."""
    from ui.views.downloads import model_bytes

    data = model_bytes(trained.session_state["runs"][-1].run)
    assert data[:2] == b"PK" and len(data) > 1000


def test_gates_page_shows_every_gate(trained: AppTest) -> None:
    """Gates shows six heatmaps with their equations, the per-unit forget summary, saturation, the gradient's reach
    and the inputs' attributions, and the forget gate over epochs; the slider picks a window."""
    switch(trained, "gates")
    assert not trained.exception
    assert len(trained.get("plotly_chart")) == 14  # and the what-if's input, change in h and reach
    assert any("(they agree within" in caption.value for caption in trained.caption)  # integrated gradients' check
    assert len(trained.latex) == 6
    before = trained.markdown[0].value
    trained.slider(key="gates_window").set_value(1).run()
    assert not trained.exception
    assert trained.markdown[0].value != before and "Window **1 of" in trained.markdown[0].value
    assert list(trained.dataframe[0].value.columns) == ["mean i", "mean f", "mean o", "mean |c|", "last h"]


def test_learn_and_data_pages_keep_the_model(trained: AppTest) -> None:
    """Visiting Data and Learn keeps the trained run: Forecast still shows it afterwards."""
    for page in ("data", "learn", "forecast"):
        switch(trained, page)
        assert not trained.exception
    assert len(trained.get("plotly_chart")) == 1 and trained.session_state["runs"][-1].run is not None


def test_runs_page_overlays_two_runs(trained: AppTest) -> None:
    """A second training adds a run; the Runs page lists both (from the store), charts their settings against skill
    and overlays their loss curves and forecasts."""
    switch(trained, "train")
    trained.number_input(key="train_window").set_value(4)
    press_train(trained)
    switch(trained, "runs")
    assert not trained.exception
    assert len(trained.dataframe[0].value) == len(trained.session_state["runs"]) >= 2
    assert len(trained.multiselect(key="runs_compare").value) == 2
    assert len(trained.get("plotly_chart")) == 3  # settings against skill, loss curves, forecasts
    assert [button.proto.label for button in trained.get("download_button")] == ["Download this table (CSV)"]
    table = pd.read_csv(io.StringIO(safe_csv(runs_table(trained.session_state["runs"]))))
    assert len(table) == len(trained.session_state["runs"]) and (table["seconds"] > 0).all()


def test_stop_ends_training_and_keeps_history() -> None:
    """Stop during a long training ends it within seconds; the epochs so far and the model are kept."""
    at = open_train_page(units=4, epochs=1000, window=6)
    at.button(key="train_submit").click().run()
    job = at.session_state["job"]
    assert at.button(key="train_stop") is not None
    deadline = time.monotonic() + 90
    while len(job.epochs) < 2 and time.monotonic() < deadline:
        job.heartbeat()
        time.sleep(0.2)
    assert len(job.epochs) >= 2
    at.button(key="train_stop").click().run()
    stopped_at = time.monotonic()
    assert job.wait(10) and time.monotonic() - stopped_at < 5
    at.run()
    assert not at.exception
    assert job.state == "stopped"
    record = at.session_state["runs"][-1]
    assert record.stop_reason == "stopped" and len(record.history) >= 2 and record.run.weights is not None
    assert any("Stopped by request" in text for text in texts(at.warning))
    assert len(at.get("plotly_chart")) == 1


def test_busy_server_says_so_and_keeps_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """When the process already runs its maximum of trainings, Train says so and changes nothing; once the other
    visitor's training has stopped, the same Train trains."""
    monkeypatch.setenv("LSTM_LAB_MAX_TRAININGS", "1")
    at = open_train_page(units=5, epochs=1)
    other = TrainingJob(at.session_state["dataset"], at.session_state["config"].replace(epochs=1000, units=2))
    other.start()
    try:
        at.button(key="train_submit").click().run()
        assert not at.exception
        assert any(
            "The server is busy" in text and "your data and settings are kept" in text for text in texts(at.error)
        )
        assert at.session_state["job"] is None
        assert at.number_input(key="train_units").value == 5
        assert at.session_state["dataset"].name == "airline-passengers"
    finally:
        other.request_stop()
        assert other.wait(60)
    job = press_train(at)
    assert job.state == "done" and job.run.train.epochs_run == 1, job.error


def test_failed_training_shows_the_error() -> None:
    """A training that fails (a GPU asked for on a machine without one) shows its sentence; data and settings stay."""
    from lstm_core.nn.train import list_devices

    if any(device.startswith(("gpu", "cuda")) for device in list_devices()):
        pytest.skip("this machine has a GPU")
    at = open_train_page(units=4, epochs=2, device="gpu")
    job = press_train(at)
    assert job.state == "failed"
    assert any("GPU was asked for" in text for text in texts(at.error))
    assert at.number_input(key="train_units").value == 4
    assert at.session_state["dataset"].name == "airline-passengers"


def test_small_model_on_gpu_gets_advice() -> None:
    """Asking for a GPU with the seed-sized model says a GPU will be no faster than the CPU."""
    at = open_train_page(device="gpu")
    at.button(key="train_submit").click().run()
    assert not at.exception
    assert any("a GPU will be no faster than the CPU" in c.value for c in at.caption)


def test_a_diagnostic_button_puts_its_suggestion_into_the_train_form(trained: AppTest) -> None:
    """Window 6 on monthly data: the Forecast page's "window shorter than the season" diagnostic has a button beside
    it; pressed, the Train page opens with window 12 in its form (and in the saved settings), and says so once."""
    switch(trained, "forecast")
    diagnostics = trained.session_state["runs"][-1].metrics.diagnostics
    number, item = next((k, d) for k, d in enumerate(diagnostics) if d.code == "window_shorter_than_season")
    assert item.settings == {"window": 12}
    button = trained.button(key=f"forecast_apply_{number}")
    assert "12" in button.label and not [d for d in diagnostics if not d.suggestion and d.code == item.code]
    button.click().run()
    assert not trained.exception
    assert trained.number_input(key="train_window").value == 12
    assert trained.session_state["config"].windows.window == 12
    assert any("is now in the form below" in text for text in texts(trained.info))
    trained.run()
    assert not any("is now in the form below" in text for text in texts(trained.info))  # said once
