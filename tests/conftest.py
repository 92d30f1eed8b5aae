"""Shared tiny fixtures: a deterministic monthly series and one small model trained once per session.

Training is the slow part (TensorFlow traces and compiles the first epoch), so the trained
models are session-scoped and every test that only reads a model shares them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# The test process is no shared server: its memory (every backend and test module loaded) says nothing about
# a training's. Tests of the budget set LSTM_LAB_MEMORY_MB themselves.
os.environ.setdefault("LSTM_LAB_MEMORY_MB", "0")
# The app's trainings run in threads here, as in one process per test worker: a worker process per AppTest visitor
# would add a TensorFlow import (about 700 MB) to every pytest worker. tests/jobs/test_worker_pool.py and the
# app's worker test opt in.
os.environ.setdefault("LSTM_LAB_WORKERS", "0")

from hypothesis import settings  # noqa: E402
from tiny import TINY, tiny_dataset  # noqa: E402

from lstm_core.config.settings import ExperimentConfig  # noqa: E402
from lstm_core.data.dataset import Dataset  # noqa: E402

# Property tests search the same examples on every run, so CI is reproducible; set
# HYPOTHESIS_PROFILE=explore to search afresh (that is how the float-limit CSV bug was found).
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


# The longest test files, measured (`--durations`), handed to the workers first: each worker takes the next file when
# it is free, so with the long ones first the two finish within a short file of each other, instead of one worker
# starting a 90-second file when the other is nearly done.
LONGEST_FIRST = (  # by their seconds in the last full run (session 9)
    "tests/e2e/test_isolation_load.py",
    "tests/jobs/test_worker_pool.py",
    "tests/test_bench_smoke.py",
    "tests/nn/test_jax_backend.py",
    "tests/e2e/test_journey.py",
    "tests/sweep/test_sweep_workers.py",
    "tests/e2e/test_sweep_browser.py",
    "tests/e2e/test_workers_browser.py",
    "tests/cli/test_cli_store.py",
    "tests/cli/test_cli.py",
    "tests/sweep/test_collection_sweep_entries.py",
    "tests/sweep/test_sweep_local_workers.py",
    "tests/jobs/test_reliability_training.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run the longest files first (LONGEST_FIRST, in that order), the rest in their usual order after them."""
    rank = {path: number for number, path in enumerate(LONGEST_FIRST)}
    root = Path(str(config.rootpath))

    def key(item: pytest.Item) -> int:
        path = Path(str(item.path)).relative_to(root).as_posix() if Path(str(item.path)).is_relative_to(root) else ""
        return rank.get(path, len(rank))

    items.sort(key=key)  # stable: the tests of one file keep their order


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: one worker per core, at most four (each worker imports TensorFlow: about 700 MB)."""
    return max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))


@pytest.fixture(scope="session", autouse=True)
def _run_store_in_a_temporary_file(tmp_path_factory):
    """Runs saved by tests (the CLI's subprocesses included) go to a temporary SQLite file, not the user's cache."""
    os.environ["LSTM_LAB_DB"] = f"sqlite:///{tmp_path_factory.mktemp('store') / 'runs.sqlite'}"


@pytest.fixture(scope="session")
def tiny_config() -> ExperimentConfig:
    return TINY


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    return tiny_dataset()


@pytest.fixture(scope="session")
def windows(dataset):
    from lstm_core.data.windows import prepare

    return prepare(dataset.values, TINY.windows)


@pytest.fixture(scope="session")
def trained(windows):
    """A one-layer LSTM(6) trained for 2 epochs on the tiny series (TrainResult)."""
    from lstm_core.nn.train import train

    return train(windows, TINY)


@pytest.fixture(scope="session")
def stacked(windows):
    """A two-layer LSTM(5) with dropout, trained for 1 epoch (TrainResult)."""
    from lstm_core.nn.train import train

    config = TINY.replace(units=5, layers=2, dropout=0.2, epochs=1)
    return train(windows, config)


@pytest.fixture(scope="session")
def run(dataset, windows, trained):
    """The whole experiment evaluated on the shared trained model (experiment.Run)."""
    from lstm_core.experiment.run import evaluate

    return evaluate(dataset, TINY, windows, trained)
