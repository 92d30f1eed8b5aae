"""Training faults and visitor isolation: NaN loss, a stop mid-epoch, reruns during training, a closed tab,
two visitors in one process, and spreadsheet-safe downloads.

Real Keras on tiny data (LSTM(4), a few epochs); AppTest sessions for the app paths. Keras is
imported once for the module.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from app_helpers import ROOT, open_app, press_train, set_widgets, switch, texts, wait_watching
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest
from tiny import TINY, tiny_dataset

from lstm_core.experiment import export
from lstm_core.experiment.run import run_experiment
from lstm_core.jobs.base import TrainingJob, running_trainings

CORPUS = ROOT / "tests" / "fixtures" / "hostile"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def upload(at: AppTest, name: str, raw: bytes) -> None:
    switch(at, "data")
    at.file_uploader(key="data_upload").upload(name, raw, "text/csv").run()
    at.button(key="data_upload_submit").click().run()
    assert not at.exception and not at.error, texts(at.error)
    assert at.session_state["dataset"].name == name


def set_training(at: AppTest, **settings: object) -> None:
    """The Train page with `settings` in its form."""
    set_widgets(switch(at, "train"), **settings)


# --- NaN loss through the app ----------------------------------------------------------------------------------


def test_nan_loss_in_the_app_keeps_data_and_settings() -> None:
    """Huge values with no scaler overflow the loss: one st.error, no run recorded, data and settings kept."""
    huge = "date,value\n" + "".join(f"2020-01-{d:02d},{(d % 7 + 1)}e25\n" for d in range(1, 31))
    at = open_app()
    upload(at, "huge.csv", huge.encode())
    set_training(at, units=4, epochs=3, window=5, scaler="none")
    job = press_train(at, wait=False)
    assert job.wait(120)
    at.run()
    assert not at.exception
    assert job.state == "failed"
    failures = texts(at.error)
    assert len(failures) == 1 and "the loss became NaN or infinite" in failures[0], failures
    assert failures[0].startswith("Training stopped at epoch 1:")
    assert "Lower the learning rate (now 0.001)" in failures[0]
    assert at.session_state["runs"] == [] and at.session_state["run_counter"] == 0
    assert at.session_state["dataset"].name == "huge.csv"
    assert at.selectbox(key="train_scaler").value == "none" and at.number_input(key="train_units").value == 4
    assert any("The last training failed" in c for c in texts(at.sidebar.caption))
    switch(at, "forecast")
    assert not at.exception and "no trained network yet" in at.info[0].value


# --- a stop in the middle of an epoch ----------------------------------------------------------------------------


def test_stop_mid_epoch_keeps_history_and_a_usable_model(tmp_path: Path) -> None:
    """A stop a third of the way into epoch 2 keeps both epochs' history; the model forecasts and saves."""
    dataset = tiny_dataset(3000, freq="D")
    config = TINY.replace(units=4, epochs=50, batch_size=4, forecast_steps=6)
    batches: list = []

    def should_stop() -> bool:
        last = batches[-1]
        return last.epoch == 2 and last.samples_done >= last.samples_per_epoch // 3

    run = run_experiment(dataset, config, on_batch=batches.append, should_stop=should_stop)
    stopped_at = batches[-1]
    assert stopped_at.epoch == 2 and stopped_at.samples_done < stopped_at.samples_per_epoch
    assert run.train.stop_reason == "stopped" and "Stopped by request after 2 epoch(s)" in run.train.message
    assert list(run.history["epoch"]) == [1, 2] and run.history["loss"].notna().all()
    assert np.isfinite(run.forecast["lstm"].to_numpy()).all()
    assert (run.forecast["part"] == "future").sum() == 6
    assert run.metrics.to_dict()["lstm"]["rmse"] is not None and run.metrics.to_dict()["epochs_run"] == 2
    predictions = run.keras_model().predict(run.windows.x_test[:5], verbose=0)
    assert predictions.shape == (5, 1) and np.isfinite(predictions).all()
    gates = run.gates([0])[0]
    assert all(np.isfinite(value).all() for value in gates.values())
    export.write_run(run, tmp_path / "out")
    assert (tmp_path / "out" / "model.keras").stat().st_size > 1000


# --- a visitor who closes the tab: heartbeats stop -----------------------------------------------------------------


def test_job_without_heartbeats_stops_within_the_timeout() -> None:
    """A job kept alive by heartbeats past its timeout stops itself once they cease, and then uses no CPU."""
    timeout = 3.0
    job = TrainingJob(tiny_dataset(400), TINY.replace(units=4, epochs=1000), heartbeat_timeout=timeout).start()
    try:
        watched_until = time.monotonic() + 2 * timeout
        wait_watching(job, lambda: len(job.epochs) >= 1 and time.monotonic() > watched_until)
        assert not job.finished, job.error  # heartbeats keep it going past the timeout
        epochs_while_watched = len(job.epochs)
        last_heartbeat = time.monotonic()
        assert job.wait(timeout + 30)
        latency = job.finished_at - last_heartbeat
    finally:
        job.request_stop()
        job.wait(30)
    assert job.state == "stopped" and job.stop_reason == "abandoned"
    assert epochs_while_watched >= 1 and len(job.epochs) < 1000
    # measured from just after the last heartbeat was sent, so it may read a little under the timeout
    assert timeout - 0.5 <= latency < timeout + 5, latency
    assert job.run is not None and job.run.weights.lstm[0].units == 4
    assert running_trainings() == 0
    cpu = time.process_time()
    time.sleep(1.5)
    assert time.process_time() - cpu < 0.5  # nothing keeps training in the background


# --- reruns while a training runs ----------------------------------------------------------------------------------


def test_reruns_and_navigation_during_training_do_not_disturb_it() -> None:
    """Changing a setting, switching pages and loading other data while training: the job runs on and finishes once."""
    at = open_app()
    set_training(at, units=4, epochs=1000, window=6)
    job = press_train(at, wait=False)
    try:
        wait_watching(job, lambda: len(job.epochs) >= 1)
        at.number_input(key="train_units").set_value(9).run()  # a widget click: a rerun of the page
        assert not at.exception and at.session_state["job"] is job and not job.finished
        switch(at, "data")
        at.selectbox(key="data_sample").set_value("sine").run()  # new data while the old one trains
        assert not at.exception and at.session_state["dataset"].name == "sine"
        for page in ("gates", "forecast", "runs", "learn", "train"):
            switch(at, page)
            assert not at.exception and at.session_state["job"] is job
        before = len(job.epochs)
        wait_watching(job, lambda: len(job.epochs) >= before + 2)
        assert not job.finished
        at.button(key="train_stop").click().run()
        assert job.wait(20)
        at.run()
    finally:
        job.request_stop()
        job.wait(30)
    assert not at.exception
    assert job.state == "stopped" and job.stop_reason == "stopped"
    runs = at.session_state["runs"]
    assert len(runs) == 1 and runs[0].dataset_name == "airline-passengers"  # the data it started with
    assert runs[0].config.model.units == 4 and len(runs[0].history) >= before + 2
    assert at.session_state["dataset"].name == "sine"  # the visitor's later choice stays
    at.run()
    assert len(at.session_state["runs"]) == 1  # collected once, not on every rerun


# --- two visitors in one process, and what they download --------------------------------------------------------


@pytest.fixture()
def media(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, bytes]]:
    """Every file the app hands to Streamlit's media storage (download buttons), by file id."""
    stored: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def recording(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        stored[file_id] = path_or_data if isinstance(path_or_data, bytes) else path_or_data.encode()
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", recording)
    yield stored


def downloaded(at: AppTest, media: dict[str, bytes], key: str) -> bytes:
    button = next(b for b in at.get("download_button") if b.proto.id.endswith(key) or key in b.proto.id)
    file_id = button.proto.url.rsplit("/", 1)[-1].split(".")[0]
    return media[file_id]


def assert_spreadsheet_safe(text: str) -> None:
    """No cell starts like a formula unless it is a plain number."""
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, header=None)
    for cell in frame.to_numpy().ravel():
        if cell.startswith(FORMULA_START):
            float(cell)  # a negative number is a number, not a formula


def test_two_sessions_are_isolated_and_downloads_are_safe(media: dict[str, bytes]) -> None:
    """Two visitors train at once on different data; neither sees the other's data, model, runs or downloads."""
    first, second = open_app(), open_app()
    switch(first, "data")
    first.selectbox(key="data_sample").set_value("sine").run()
    upload(second, "formula_column_names.csv", (CORPUS / "formula_column_names.csv").read_bytes())
    assert second.session_state["dataset"].target == "=1+2"
    set_training(first, units=4, epochs=2, window=6)
    set_training(second, units=3, epochs=2, window=4)
    jobs = [press_train(first, wait=False), press_train(second, wait=False)]
    assert jobs[0] is not jobs[1]
    deadline = time.monotonic() + 180
    while not all(job.finished for job in jobs):  # each visitor's tab sends heartbeats while it watches
        assert time.monotonic() < deadline, "timed out"
        for job in jobs:
            job.heartbeat()
        time.sleep(0.1)
    assert [job.state for job in jobs] == ["done", "done"], [job.error for job in jobs]
    first.run()
    second.run()
    assert not first.exception and not second.exception

    (one,), (two,) = first.session_state["runs"], second.session_state["runs"]
    assert (one.dataset_name, two.dataset_name) == ("sine", "formula_column_names.csv")
    assert (one.config.model.units, two.config.model.units) == (4, 3)
    assert one.run.weights is not two.run.weights and one.run.dataset is not two.run.dataset
    assert first.session_state["dataset"].name == "sine" and second.session_state["dataset"].target == "=1+2"
    assert len(one.forecast) != len(two.forecast)

    files = {}
    for at, record in ((first, one), (second, two)):
        switch(at, "forecast")
        assert not at.exception
        files[record.dataset_name] = downloaded(at, media, "forecast_download_csv").decode()
        assert files[record.dataset_name] == export.safe_csv(export.forecast_frame(record.run))
        assert_spreadsheet_safe(files[record.dataset_name])
    sine_rows = len(pd.read_csv(io.StringIO(files["sine"])))
    formula_rows = len(pd.read_csv(io.StringIO(files["formula_column_names.csv"])))
    assert sine_rows == len(one.forecast) and formula_rows == len(two.forecast)

    third = open_app()
    third.selectbox(key="data_sample").set_value("sine").run()
    mine = third.session_state["dataset"].frame
    assert mine is not first.session_state["dataset"].frame
    first.session_state["dataset"].frame.iloc[0, 0] = -1e9  # one visitor's copy, changed in place
    assert mine.iloc[0, 0] != -1e9 and third.session_state["runs"] == []


def test_safe_csv_neutralises_formula_names_and_cells() -> None:
    """The formula-cell corpus file read as text, with formula-like column names, exports with every formula quoted."""
    frame = pd.read_csv(CORPUS / "formula_cells.csv", dtype=str)
    frame.columns = ['=HYPERLINK("http://x")', "@SUM(A1)", "+cmd|' /C calc'!A0"]
    frame["number"] = np.linspace(-3, 3, len(frame))
    text = export.safe_csv(frame)
    assert text.splitlines()[0].startswith("\"'=HYPERLINK") and ",'@SUM(A1)," in text.splitlines()[0]
    assert_spreadsheet_safe(text)
    assert "'=cmd|' /C calc'!A0" in text and "'-2+3+cmd" in text and ",-3.0" in text
