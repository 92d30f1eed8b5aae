"""Memory and time estimated before a training, the server's limits, and the refusals that name what to reduce."""

from __future__ import annotations

import dataclasses

import pytest
from tiny import TINY, tiny_dataset

from lstm_core.config.settings import ExperimentConfig
from lstm_core.errors import LabError
from lstm_core.jobs import budget
from lstm_core.jobs.base import TrainingJob, running_trainings


def test_windows_count_matches_the_windowing(windows) -> None:
    """training_windows gives the same counts as preparing the windows does, without building them."""
    assert budget.training_windows(160, TINY) == (len(windows.x_train), len(windows.x_val))


def test_estimate_grows_with_the_work() -> None:
    """More epochs take longer, more units or a longer window take longer per epoch, a bigger batch more memory."""
    base = ExperimentConfig()

    def cost(**changes: object) -> budget.Estimate:
        return budget.estimate(base.replace(**changes), length=5000, n_features=1, backend="tensorflow")

    seed = cost()
    assert cost(epochs=200).seconds > 1.9 * (seed.seconds - 9.0)
    assert cost(units=256).seconds_per_epoch > 5 * seed.seconds_per_epoch
    assert cost(window=120).seconds_per_epoch > 5 * seed.seconds_per_epoch
    assert cost(batch_size=512, units=512, window=365).memory_mb > 10 * seed.memory_mb
    assert seed.windows == 5000 - 1000 - 500 - 10


def test_estimate_of_the_seed_model_is_near_its_measured_speed() -> None:
    """The seed model's estimated speed is within 0.5-2x of the quiet-machine measurement on each backend."""
    config = ExperimentConfig()  # LSTM(50), window 10, batch 32; bench/results/scaling.csv: 5,729 points
    measured = {"tensorflow": 20_669.0, "jax": 35_230.0}  # samples/s in bench/results/scaling.csv
    for backend, speed in measured.items():
        expected = budget.estimate(config, length=5729, n_features=1, backend=backend)
        estimated_speed = expected.windows / expected.seconds_per_epoch
        assert 0.5 < estimated_speed / speed < 2.0, (backend, estimated_speed)


def test_time_refusal_names_the_epochs_that_fit() -> None:
    """A training over the time limit is refused with the number of epochs that would fit, and that many do fit."""
    config = ExperimentConfig().replace(units=256, window=60, epochs=1000)
    expected = budget.estimate(config, length=20_000, n_features=1, backend="tensorflow")
    with pytest.raises(LabError, match=r"LSTM_LAB_MAX_TRAIN_SECONDS\). Reduce the epochs to at most (\d+)") as error:
        budget.check_time(config, expected, limit_seconds=300)
    fitting = int(error.value.args[0].split("at most ")[1].split(" ")[0])
    assert 1 <= fitting < 1000
    smaller = budget.estimate(config.replace(epochs=fitting), length=20_000, n_features=1, backend="tensorflow")
    budget.check_time(config, smaller, limit_seconds=300)  # does not raise
    budget.check_time(config, expected, limit_seconds=None)  # no limit: never refused


def test_memory_refusal_says_what_to_reduce() -> None:
    """A training that would take the server past its budget is refused with the settings to reduce and their values."""
    config = ExperimentConfig().replace(units=512, layers=3, window=365, batch_size=1024)
    expected = budget.estimate(config, length=50_000, n_features=1, backend="tensorflow")
    with pytest.raises(LabError) as error:
        budget.check_memory(config, expected, length=50_000, server_mb=900, budget_mb=2300)
    message = str(error.value)
    assert "LSTM_LAB_MEMORY_MB" in message and "batch size (now 1024)" in message and "units (now 512)" in message
    small = budget.estimate(ExperimentConfig(), length=144, n_features=1, backend="tensorflow")
    budget.check_memory(ExperimentConfig(), small, length=144, server_mb=900, budget_mb=2300)  # fits: no error


def test_limits_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unset limits take the defaults, 0 switches a limit off, and an unreadable value falls back to the default."""
    monkeypatch.delenv("LSTM_LAB_MEMORY_MB", raising=False)
    monkeypatch.delenv("LSTM_LAB_MAX_TRAIN_SECONDS", raising=False)
    assert budget.memory_budget_mb() == budget.DEFAULT_MEMORY_MB
    assert budget.max_train_seconds() == budget.DEFAULT_MAX_TRAIN_SECONDS
    monkeypatch.setenv("LSTM_LAB_MEMORY_MB", "0")
    monkeypatch.setenv("LSTM_LAB_MAX_TRAIN_SECONDS", "lots")
    assert budget.memory_budget_mb() is None
    assert budget.max_train_seconds() == budget.DEFAULT_MAX_TRAIN_SECONDS


def test_job_refused_before_it_starts_takes_no_slot() -> None:
    """A job over the time limit or the memory budget raises at start and leaves every training slot free."""
    slow = TrainingJob(tiny_dataset(), TINY.replace(epochs=1000, units=256), time_limit=5)
    with pytest.raises(LabError, match="LSTM_LAB_MAX_TRAIN_SECONDS"):
        slow.start()
    heavy = TrainingJob(tiny_dataset(), TINY, memory_budget_mb=1)
    with pytest.raises(LabError, match="LSTM_LAB_MEMORY_MB"):
        heavy.start()
    assert running_trainings() == 0 and slow.state == heavy.state == "new"


def test_job_over_its_time_limit_anyway_stops_with_its_weights() -> None:
    """A training the estimate let through that runs past the limit stops there, keeps its weights and says why."""
    job = TrainingJob(tiny_dataset(400), TINY.replace(epochs=1000), time_limit=1.5)
    job.estimate = dataclasses.replace(job.estimate, seconds=1.0)  # an estimate that turns out too low
    job.start()
    while not job.wait(0.5):
        job.heartbeat()
    assert job.state == "stopped" and job.stop_reason == "time_limit", job.error
    assert 1 <= len(job.epochs) < 1000 and job.run.weights.lstm[0].units == TINY.model.units
    assert "time limit" in job.run.train.message and running_trainings() == 0
