"""The benchmark job: progress per model and series, Stop, and the result as plain data (thread and worker)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tiny import TINY, tiny_values

from lstm_core.config.benchmark import BenchmarkConfig
from lstm_core.data.collections import Collection, CollectionSeries
from lstm_core.errors import LabError
from lstm_core.evaluate.benchmark import BenchmarkStopped, run_benchmark
from lstm_core.jobs.benchmark import BenchmarkJob
from lstm_core.jobs.state import JobState

NETWORK = TINY.replace(window=8, units=4, epochs=1, batch_size=32, deterministic=True)


def collection(count: int = 3) -> Collection:
    """`count` monthly series of 40 values, the last 6 of each its test part."""
    series = [
        CollectionSeries(f"s{k}", tiny_values(40) * (1 + 0.2 * k), pd.RangeIndex(40, name="step"), 34, 12, 6)
        for k in range(count)
    ]
    return Collection("tiny", tuple(series), source="collection:tiny")


def test_progress_reports_every_model_and_series_and_stop_ends_it():
    """on_series counts each model's series; should_stop raises BenchmarkStopped between series."""
    seen = []
    result = run_benchmark(
        collection(), models=["naive", "theta"], config=TINY, on_series=lambda *step: seen.append(step)
    )
    assert seen[0] == ("naive", 0, 3) and ("theta", 3, 3) in seen and ("naive2", 3, 3) in seen
    assert set(result.scores["model"]) == {"naive", "theta"}
    with pytest.raises(BenchmarkStopped):
        run_benchmark(collection(), models=["naive"], config=TINY, should_stop=lambda: True)


def test_job_in_a_thread_gives_the_result_and_a_stop_keeps_nothing():
    """A thread job ends DONE with DataFrames; a job stopped at once ends STOPPED with a sentence (the LSTM's epochs
    are checked in a worker, tests/jobs/test_worker_pool.py, and on the page, tests/app/test_app_benchmark.py)."""
    settings = BenchmarkConfig(models=("theta", "seasonal_naive"))
    job = BenchmarkJob(collection(), NETWORK, settings).start()
    assert job.wait(60) and job.state == JobState.DONE, job.error
    assert isinstance(job.result.scores, pd.DataFrame) and job.fraction_done == pytest.approx(1.0)
    assert job.model == "naive2" and np.isfinite(job.result.forecasts["theta"]).all()
    stopped = BenchmarkJob(collection(), NETWORK, settings)
    stopped.request_stop()
    stopped.start()
    assert stopped.wait(30) and stopped.state == JobState.STOPPED and "nothing is kept" in stopped.error
    assert stopped.result is None


def test_bad_settings_are_one_sentence_before_a_thread_starts():
    """An unknown model, the same network twice and an empty collection are refused in the constructor."""
    with pytest.raises(LabError, match="models"):
        BenchmarkJob(collection(), TINY, BenchmarkConfig(models=("lstm", "prophet")))
    with pytest.raises(LabError, match="recursive network already"):
        BenchmarkJob(collection(), TINY, BenchmarkConfig(models=("lstm", "lstm-recursive"), head="recursive"))
    with pytest.raises(LabError, match="no series"):
        BenchmarkJob(Collection("empty", ()), TINY, BenchmarkConfig(models=("naive",)))
