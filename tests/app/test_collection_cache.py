"""One cache of the bundled collections for the whole app: the Data page and the Benchmark page get the same shared,
read-only series, and what runs on them (a benchmark with the global LSTM, a picked series) writes nothing into them.
"""

from __future__ import annotations

import numpy as np
import pytest
from tiny import TINY

from lstm_core.config.settings import DataConfig
from lstm_core.evaluate.benchmark import run_benchmark
from ui.jobs.benchmarks import _chosen
from ui.session.loaders import load_bundled_collection, pick_series


def test_the_data_and_benchmark_pages_share_one_read_only_collection():
    """Both pages' loads of tourism-yearly are one object whose values cannot be written (a write would change every
    visitor's series, so it raises instead); a benchmark of three of its series, the global LSTM among the models,
    and a picked series run on it and leave its values as they were."""
    collection, config = load_bundled_collection("tourism-yearly")
    benchmarked, source = _chosen("tourism-yearly")
    assert benchmarked is collection and source == config.source == "collection:tourism-yearly"
    assert load_bundled_collection("tourism-yearly")[0] is collection
    with pytest.raises(ValueError, match="read-only"):
        collection.series[0].values[0] = 0.0

    sample = collection.sample(3, 0)
    before = [series.values.copy() for series in sample]
    config_lstm = TINY.replace(window=4, epochs=1, units=4)
    result = run_benchmark(
        sample, models=("lstm", "ets", "theta", "naive"), config=config_lstm, windows_per_series=4, base="theta"
    )
    assert result.summary["series"] == 3 and result.summary["models"]["lstm"]["mase"]["mean"] is not None
    dataset, _ = pick_series(collection, DataConfig(source=source), sample.series[0].name)
    assert not np.shares_memory(dataset.values, sample.series[0].values)  # the visitor's own copy to train on
    for series, values in zip(sample, before, strict=True):
        np.testing.assert_array_equal(series.values, values)
