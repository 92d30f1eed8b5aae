"""The app's Compare cells job (lstm_core.jobs.compare) with real tiny Keras trainings: Stop and bad cells.

A whole comparison of the three cells, and the verdict on it, is tested through the Compare page
(tests/app/test_app_compare.py), so its three trainings are paid for once.
"""

from __future__ import annotations

import time

import pytest
from tiny import TINY, tiny_dataset

from lstm_core.errors import LabError
from lstm_core.jobs.base import running_trainings
from lstm_core.jobs.compare import CompareJob
from lstm_core.jobs.state import JobState


def _watch(job: CompareJob, until, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not until():
        job.heartbeat()
        assert time.monotonic() < deadline, f"not reached in {timeout:.0f} s (state {job.state})"
        time.sleep(0.05)


def test_stop_ends_the_comparison_keeping_the_cells_done() -> None:
    """A Stop during a cell's training ends the comparison there (no next cell), keeping the weights reached."""
    job = CompareJob(tiny_dataset(), TINY.replace(units=3, epochs=500), cells=("rnn", "lstm")).start()
    _watch(job, lambda: job.current is not None and len(job.current.epochs) >= 1)
    job.request_stop()
    _watch(job, lambda: job.finished, timeout=30)
    assert job.state == JobState.STOPPED and list(job.comparison.runs) == ["rnn"]
    assert 1 <= job.comparison.runs["rnn"].metrics.epochs_run < 500 and job.fraction_done == 0.5
    assert job.comparison.reach["rnn"].shape == (TINY.windows.window,) and running_trainings() == 0


def test_unknown_cells_are_refused_in_one_sentence() -> None:
    """A cell that does not exist is refused before any training starts."""
    with pytest.raises(LabError, match="`cells` must list cells among lstm, gru, rnn"):
        CompareJob(tiny_dataset(), TINY, cells=("lstm", "tcn"))
