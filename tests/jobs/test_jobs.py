"""Training jobs in worker threads: finishing, stopping, abandonment and the concurrency cap."""

from __future__ import annotations

import threading
import time

import pytest
from tiny import TINY

from lstm_core.errors import LabError
from lstm_core.jobs.base import TrainingJob, max_concurrent_trainings, running_trainings

LONG = TINY.replace(epochs=1000)


def wait_for(condition, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.05)


def test_job_runs_in_thread_and_finishes(dataset):
    """A job trains in its own thread, reports each epoch and ends 'done' with a run."""
    job = TrainingJob(dataset, TINY, heartbeat_timeout=600).start()
    assert job._thread is not threading.current_thread()
    assert job.wait(180)
    assert job.state == "done" and job.error is None and job.stop_reason == "completed"
    assert [e.epoch for e in job.epochs] == [1, 2]
    assert job.run is not None and len(job.run.history) == 2
    assert job.fraction_done == 1.0 and job.elapsed > 0
    assert running_trainings() == 0


def test_request_stop_keeps_history(dataset):
    """request_stop mid-training ends the job 'stopped', keeping the epochs and a usable run."""
    job = TrainingJob(dataset, LONG, heartbeat_timeout=600).start()
    wait_for(lambda: len(job.epochs) >= 2 or job.finished)
    assert job.seconds_left is not None and job.seconds_left > 0
    job.request_stop()
    assert job.wait(60)
    assert job.state == "stopped" and job.stop_reason == "stopped"
    assert 2 <= len(job.run.history) < 1000
    assert job.run.metrics.to_dict()["naive"] is not None


def test_abandoned_job_stops_itself(dataset):
    """A job that hears no heartbeat for heartbeat_timeout seconds stops itself as 'abandoned'."""
    job = TrainingJob(dataset, LONG, heartbeat_timeout=0.3).start()
    assert job.wait(120)
    assert job.state == "stopped" and job.stop_reason == "abandoned"
    assert len(job.epochs) < 1000


def test_concurrency_cap_refuses_third_job(dataset, monkeypatch):
    """With LSTM_LAB_MAX_TRAININGS=2 a third job is refused with a clear LabError."""
    monkeypatch.setenv("LSTM_LAB_MAX_TRAININGS", "2")
    assert max_concurrent_trainings() == 2
    jobs = [TrainingJob(dataset, LONG).start() for _ in range(2)]
    try:
        assert running_trainings() == 2
        third = TrainingJob(dataset, LONG)
        with pytest.raises(LabError, match="The server is busy: 2 trainings are running"):
            third.start()
        assert third.state == "new"
    finally:
        for job in jobs:
            job.request_stop()
        for job in jobs:
            assert job.wait(120)
    assert running_trainings() == 0


def test_bad_cap_setting_falls_back(monkeypatch):
    """An unreadable LSTM_LAB_MAX_TRAININGS falls back to 2; values below 1 count as 1."""
    monkeypatch.setenv("LSTM_LAB_MAX_TRAININGS", "lots")
    assert max_concurrent_trainings() == 2
    monkeypatch.setenv("LSTM_LAB_MAX_TRAININGS", "0")
    assert max_concurrent_trainings() == 1


def test_failed_job_reports_sentence(dataset):
    """A job whose data cannot be windowed ends 'failed' with the LabError's sentence."""
    job = TrainingJob(dataset, TINY.replace(window=150)).start()
    assert job.wait(60)
    assert job.state == "failed" and "too few for windows" in job.error


def test_worker_job_failure_is_one_sentence_and_frees_its_place():
    """Whatever goes wrong in a job's work becomes one sentence naming the job, and its training place is freed."""
    from lstm_core.jobs.base import WorkerJob

    class Broken(WorkerJob):
        failure_subject = "The broken job"

        def _execute(self) -> str:
            raise ValueError("no such column")

    job = Broken(heartbeat_timeout=600).start()
    assert job.wait(30) and job.state == "failed"
    assert (
        job.error == "The broken job failed unexpectedly (ValueError: no such column). Your data and settings are kept."
    )
    assert running_trainings() == 0


def test_abandoned_sweep_and_backtest_stop_themselves(dataset, tmp_path):
    """A sweep and a backtest share the training job's heartbeat: unwatched, each stops as 'abandoned' and frees
    its place."""
    from lstm_core.config.backtest import BacktestConfig
    from lstm_core.data.fingerprint import fingerprint
    from lstm_core.jobs.backtest import BacktestJob
    from lstm_core.jobs.sweep import SweepJob
    from lstm_core.sweep.space import SweepSpace
    from lstm_core.sweep.study import SweepSetup

    setup = SweepSetup(LONG, SweepSpace(units=(3, 6), layers=None, window=None, learning_rate=None, dropout=None,
                                        batch_size=None, difference=None), fingerprint(dataset), trials=50)  # fmt: skip
    jobs = [
        SweepJob(dataset, setup, storage=f"sqlite:///{tmp_path / 'study.db'}", study_name="s", heartbeat_timeout=0.5),
        BacktestJob(dataset, LONG, BacktestConfig(start="0.6", horizon=4, stride=3), heartbeat_timeout=0.5),
    ]
    for job in jobs:
        job.start()
        assert job.wait(120)
        assert job.state == "stopped" and job.stop_reason == "abandoned" and job.error is None
        assert running_trainings() == 0
    assert jobs[0].trials_run <= 1 and len(jobs[1].epochs) < 1000
