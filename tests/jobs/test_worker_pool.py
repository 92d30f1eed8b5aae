"""Trainings in worker processes: results as in-process, Stop within a second, a killed or oversized worker, and
no process left behind. Real processes and real Keras on tiny data; one warm pool is shared by the module."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest
from tiny import TINY, tiny_dataset

from lstm_core.config.backtest import BacktestConfig
from lstm_core.jobs import pool
from lstm_core.jobs.base import TrainingJob, running_trainings
from lstm_core.jobs.process import (
    ProcessBacktestJob,
    ProcessSweepJob,
    ProcessTrainingJob,
    call_in_worker,
    keras_file_bytes,
)
from lstm_core.jobs.process_benchmark import ProcessBenchmarkJob
from lstm_core.jobs.state import JobState

# Stop to result within a few seconds, far less than the epochs left (about a minute): the kill path works. The
# 1 s target itself is a speed target, measured on a quiet machine (docs/RELIABILITY.md, "Worker processes"), not
# asserted here, where other tests share the cores.
STOP_SECONDS = 5.0
LONG_EPOCH = TINY.replace(epochs=50, batch_size=1, units=32)  # about a second or more per epoch on 2 loaded cores


@pytest.fixture(scope="module")
def workers():
    shared = pool.WorkerPool(size=2, idle_seconds=120)
    shared.warm()
    yield shared
    pids = shared.pids()
    shared.shutdown()
    assert pool.wait_for_exit(pids, 5)


def start(dataset, config, workers, **options):
    options = {"heartbeat_timeout": 600, "memory_budget_mb": None, "time_limit": None} | options
    return ProcessTrainingJob(dataset, config, worker_pool=workers, **options).start()


def wait_for(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def test_same_seed_same_metrics_in_process_and_in_worker(dataset, workers):
    """A training in a worker gives the metrics, history and weights of the same training in this process."""
    here = TrainingJob(dataset, TINY, heartbeat_timeout=600, memory_budget_mb=None, time_limit=None).start()
    there = start(dataset, TINY, workers)
    assert here.wait(120) and there.wait(120)
    assert there.state == "done" and there.error is None and there.worker_pid != os.getpid()
    assert [e.epoch for e in there.epochs] == [1, 2] and len(there.gate_snapshots()) == 2
    assert there.run.metrics.lstm.rmse == pytest.approx(here.run.metrics.lstm.rmse, rel=1e-5)
    np.testing.assert_allclose(there.run.history["loss"], here.run.history["loss"], rtol=1e-5)
    np.testing.assert_allclose(there.run.weights.lstm[0].kernel, here.run.weights.lstm[0].kernel, rtol=1e-5, atol=1e-6)
    # the gate snapshots are sent once, as recorded, and the run carries the recorder's (the same objects)
    assert there.run.gate_history.epochs.tolist() == here.run.gate_history.epochs.tolist() == [1, 2]
    assert there.run.gate_history.snapshots == there.gate_snapshots()
    np.testing.assert_allclose(
        there.run.gate_history.probe_gates(0)["c"], here.run.gate_history.probe_gates(0)["c"], rtol=1e-4, atol=1e-6
    )
    # The worker's next training of the same shape reuses its compiled model (nn.model_shelf): the same result
    again = start(dataset, TINY, workers)
    assert again.wait(120) and again.state == "done" and again.worker_pid == there.worker_pid
    assert again.run.train.reused_model and not there.run.train.reused_model
    np.testing.assert_array_equal(again.run.history["loss"], there.run.history["loss"])
    np.testing.assert_array_equal(again.run.weights.lstm[0].kernel, there.run.weights.lstm[0].kernel)
    assert running_trainings() == 0


def test_stop_during_a_long_epoch_returns_within_a_second(workers):
    """Stop in the middle of a long epoch gives a stopped run within a second, its metrics beside the baselines."""
    job = start(tiny_dataset(400), LONG_EPOCH, workers)
    wait_for(lambda: len(job.epochs) >= 1 or job.finished, timeout=90)
    wait_for(lambda: (job.progress is not None and job.progress.epoch > len(job.epochs)) or job.finished)
    job.request_stop()
    asked = time.monotonic()
    assert job.wait(STOP_SECONDS), "no result within a few seconds of Stop"
    assert time.monotonic() - asked < STOP_SECONDS
    assert job.state == "stopped" and job.stop_reason == "stopped" and job.run is not None
    assert job.run.train.epochs_run >= 1 and job.run.metrics.lstm is not None
    # ETS and Theta beside it, or (when they were not ready in time) a note saying why they are not
    assert job.run.metrics.ets is not None or STOPPED_BEFORE_BASELINES in job.run.notes


STOPPED_BEFORE_BASELINES = "ETS and Theta are left out: the training was stopped before they were fitted."


def test_stop_does_not_wait_for_ets_and_theta_and_the_next_training_never_hears_of_them(dataset, workers):
    """On a long hourly series (a season of 24) ETS and Theta take seconds: a Stop during the first epoch (their fit
    starts as it ends) gives the run within a few seconds, without them and saying so. The fit left running in that
    worker never sends its answers: once it must have ended, the next training in each worker hears one set of
    baselines, its own."""
    from lstm_core.data.windows import prepare
    from lstm_core.experiment.run import predicted_baselines, season_length

    long_series = tiny_dataset(8_000, freq="h")
    fast_epochs = TINY.replace(epochs=1000, batch_size=512, units=4)
    job = start(long_series, fast_epochs, workers)
    wait_for(lambda: job.progress is not None or job.finished, timeout=90)  # training, its first epoch under way
    job.request_stop()
    asked = time.monotonic()
    assert job.wait(STOP_SECONDS), "the Stop waited for ETS and Theta"
    assert time.monotonic() - asked < STOP_SECONDS
    assert job.state == "stopped" and job.run is not None and job.run.metrics.lstm is not None
    assert job.run.metrics.ets is None and job.run.metrics.theta is None
    assert STOPPED_BEFORE_BASELINES in job.run.notes
    assert not any("could not be fitted" in note for note in job.run.notes)
    # What the worker's fit takes, measured here while it goes on there: after as long again, it has ended
    windows = prepare(long_series.values, fast_epochs.windows, season_length=season_length(long_series, fast_epochs))
    began = time.monotonic()
    predicted_baselines(long_series, fast_epochs, windows)
    time.sleep(time.monotonic() - began + 1)
    options = {"heartbeat_timeout": 600, "memory_budget_mb": None, "time_limit": None}
    both = [_Listening(dataset, TINY, worker_pool=workers, **options).start() for _ in range(2)]  # one per worker
    for after in both:
        assert after.wait(120) and after.state == "done", after.error
        assert after.heard.count("baselines") == 1 and after.run.metrics.ets is not None
    assert job.worker_pid in {after.worker_pid for after in both}


class _Listening(ProcessTrainingJob):
    """A training job that keeps the kind of every message its worker sent it."""

    def _on_message(self, message: tuple) -> None:
        self.heard = [*getattr(self, "heard", []), message[0]]
        super()._on_message(message)


def test_second_stop_ends_the_worker_and_keeps_the_last_epochs_weights(workers):
    """A second Stop ends the worker at once; the run is rebuilt here from the last recorded epoch's weights."""
    job = start(tiny_dataset(400), LONG_EPOCH, workers)
    wait_for(lambda: len(job.epochs) >= 1 or job.finished, timeout=90)
    pid = job.worker_pid
    job.request_stop()
    job.request_stop()
    asked = time.monotonic()
    assert job.wait(STOP_SECONDS), "no result within a few seconds of the second Stop"
    assert time.monotonic() - asked < STOP_SECONDS
    assert job.state == "stopped" and job.run is not None and pid not in workers.pids()
    last = job.run.gate_history.snapshots[-1]
    assert job.run.train.epochs_run == last.epoch >= 1 and "worker was ended" in job.run.train.message
    np.testing.assert_array_equal(job.run.weights.lstm[0].kernel, last.weights.lstm[0].kernel)
    assert job.run.metrics.lstm is not None and job.run.metrics.naive is not None


def test_time_limit_ends_a_training_in_a_worker_with_its_weights(workers):
    """A training past its time limit whose epoch does not end in time: the server ends the worker and keeps the
    last finished epoch's weights, as 'time_limit'. The limit is lowered once the first epoch has ended, so how long
    that epoch takes on loaded cores (tracing included) cannot decide whether there are weights to keep."""
    job = start(tiny_dataset(400), LONG_EPOCH, workers)
    wait_for(lambda: len(job.epochs) >= 1 or job.finished, timeout=90)
    job.time_limit = 0.0  # passed: the server ends the worker TIME_LIMIT_GRACE_SECONDS after it started training
    assert job.wait(60)
    assert job.state == "stopped" and job.stop_reason == "time_limit" and job.run is not None
    assert 1 <= job.run.train.epochs_run < LONG_EPOCH.train.epochs


def test_killed_worker_fails_its_job_with_one_sentence_and_the_next_training_works(dataset, workers):
    """kill -9 of a worker mid-training: the job fails with one sentence, its place is freed, another visitor's
    training in the other worker goes on to its result, and the next one trains."""
    job = start(tiny_dataset(400), LONG_EPOCH, workers)
    other = start(tiny_dataset(400), TINY.replace(epochs=1000), workers)  # another visitor's, stopped below
    wait_for(lambda: job.worker_pid is not None and len(job.epochs) >= 1 and len(other.epochs) >= 1, timeout=90)
    assert other.worker_pid != job.worker_pid
    os.kill(job.worker_pid, signal.SIGKILL)
    assert job.wait(5)
    assert job.state == "failed" and "worker process ended unexpectedly" in job.error and "signal 9" in job.error
    assert job.error.count(". ") <= 3 and "Traceback" not in job.error
    assert running_trainings() == 1 and job.worker_pid not in workers.pids()
    seen = len(other.epochs)
    wait_for(lambda: len(other.epochs) >= seen + 2 or other.finished)
    other.request_stop()
    assert other.wait(60) and other.state in ("stopped", "done") and other.error is None and other.run is not None
    assert other.run.train.epochs_run >= seen + 2
    assert running_trainings() == 0
    after = start(dataset, TINY, workers)
    assert after.wait(120) and after.state == "done", after.error


def test_training_over_its_memory_limit_is_ended_with_the_sentence(dataset, workers):
    """A worker that grows past its memory limit is ended; the job says what to reduce; the pool goes on."""
    job = start(dataset, TINY.replace(epochs=200), workers, worker_memory_mb=1.0)
    assert job.wait(60)
    assert job.state == "failed" and "outgrew the memory" in job.error and "Reduce the batch size" in job.error
    assert running_trainings() == 0


def test_model_file_is_built_in_a_worker(dataset, workers, monkeypatch):
    """The .keras download is built in a worker process from the run's NumPy weights."""
    job = start(dataset, TINY, workers)
    assert job.wait(120) and job.run is not None
    monkeypatch.setattr(pool, "shared_pool", lambda: workers)
    data = call_in_worker(keras_file_bytes, job.run)
    assert data[:2] == b"PK" and len(data) > 1000  # a .keras file is a zip archive


def test_benchmark_runs_in_a_worker_and_a_second_stop_ends_it(workers):
    """A benchmark in a worker reports each model's series and the LSTM's epochs and gives back its DataFrames; a
    benchmark stopped twice ends at once with a sentence, and the pool goes on."""
    from test_benchmark_job import NETWORK, collection

    from lstm_core.config.benchmark import BenchmarkConfig

    settings = BenchmarkConfig(models=("lstm", "seasonal_naive"))
    job = ProcessBenchmarkJob(collection(), NETWORK, settings, worker_pool=workers, heartbeat_timeout=600).start()
    assert job.wait(120) and job.state == JobState.DONE, job.error
    assert list(job.result.scores["model"].unique()) == ["lstm", "seasonal_naive"] and job.epochs
    assert job.model == "naive2" and job.series_done == job.series_total == 3 and job.backend
    slow = ProcessBenchmarkJob(collection(), LONG_EPOCH, settings, worker_pool=workers, heartbeat_timeout=600).start()
    wait_for(lambda: slow.model == "lstm")
    slow.request_stop()
    slow.request_stop()
    assert slow.wait(STOP_SECONDS + 5) and slow.state == JobState.STOPPED and "second Stop" in slow.error


def test_backtest_runs_in_a_worker(workers):
    """A backtest in a worker reports its folds as they finish and gives back the whole Backtest."""
    backtest = BacktestConfig(start="0.6", horizon=4, stride=3)
    job = ProcessBacktestJob(tiny_dataset(120), TINY.replace(epochs=1), backtest, worker_pool=workers)
    job.start()
    assert job.wait(120) and job.state == "done", job.error
    assert len(job.folds) == job.total_folds == job.result.folds and job.result.summary


def test_sweep_trials_run_in_a_worker_and_come_back_one_by_one(dataset, workers, tmp_path):
    """A sweep's trials run in a worker; each finished trial reaches the job (and its saver) here."""
    from lstm_core.data.fingerprint import fingerprint
    from lstm_core.sweep.space import SweepSpace
    from lstm_core.sweep.study import SweepSetup

    space = SweepSpace(units=(3, 6), layers=None, window=None, learning_rate=None, dropout=None, batch_size=None,
                       difference=None)  # fmt: skip
    setup = SweepSetup(TINY.replace(epochs=1), space, fingerprint(dataset), trials=2)
    saved = []
    storage = f"sqlite:///{tmp_path / 'study.db'}"
    job = ProcessSweepJob(dataset, setup, storage=storage, study_name="s", worker_pool=workers, save_trial=saved.append)
    job.start()
    assert job.wait(120) and job.state == "done", job.error
    assert job.trials_run == 2 and [trial.number for trial in saved] == [0, 1] and job.store_error is None


ORPHAN = textwrap.dedent(
    """
    import sys, time
    from lstm_core.jobs import pool
    if __name__ == "__main__":
        workers = pool.WorkerPool(size=2)
        workers.warm(); workers.checkout(); workers.warm(visitors=2)
        print(" ".join(map(str, workers.pids())), flush=True)
        if sys.argv[1] == "exit":
            sys.exit(0)
        time.sleep(600)
    """
)


@pytest.mark.parametrize("how", ["exit", "kill"])
def test_no_worker_outlives_its_owner(tmp_path, how):
    """Workers end when their owner exits, and within a second or two when it is killed with SIGKILL."""
    script = tmp_path / "owner.py"
    script.write_text(ORPHAN)
    env = os.environ | {"PYTHONPATH": os.pathsep.join([str(pool.__file__).rsplit("/lstm_core/", 1)[0]])}
    owner = subprocess.Popen([sys.executable, str(script), how], stdout=subprocess.PIPE, text=True, env=env)
    pids = [int(pid) for pid in owner.stdout.readline().split()]
    assert len(pids) == 2
    if how == "kill":
        owner.send_signal(signal.SIGKILL)
    owner.wait(30)
    assert pool.wait_for_exit(pids, 5), f"workers left behind: {pids}"


def test_a_spare_worker_is_warmed_only_for_another_visitor():
    """While the only visitor trains, the pool starts no spare worker; with a second visitor it starts one, and no
    more than its size; with no worker at all it starts one."""
    workers = pool.WorkerPool(size=2, idle_seconds=60)
    try:
        training = workers.checkout()  # one visitor's training holds the one worker
        workers.warm(visitors=1)
        assert workers.pids() == [training.pid]
        workers.warm()  # as last said: still one visitor
        assert len(workers.pids()) == 1
        workers.warm(visitors=2)
        assert len(workers.pids()) == 2
        workers.checkout()  # the second visitor takes the spare
        workers.warm(visitors=3)
        assert len(workers.pids()) == 2  # the pool's size
        workers.shutdown()
        workers.warm(visitors=1)
        assert len(workers.pids()) == 1
    finally:
        pids = workers.pids()
        workers.shutdown()
        assert pool.wait_for_exit(pids, 5)
