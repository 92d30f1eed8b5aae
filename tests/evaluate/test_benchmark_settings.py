"""A BenchmarkConfig as run_benchmark's arguments and as stored: every setting reaches both, none is restated."""

from __future__ import annotations

import dataclasses
import inspect

import pytest
from tiny import TINY

from lstm_core.config.benchmark import BenchmarkConfig
from lstm_core.errors import LabError
from lstm_core.evaluate.benchmark import run_benchmark
from lstm_core.evaluate.benchmark_settings import benchmark_options, stored_settings


def test_every_benchmark_setting_reaches_run_benchmark_and_the_store() -> None:
    """Each setting run_benchmark takes is passed on (those that choose the collection's series are not), and every
    setting is stored with the data and the config's season, the models as they ran."""
    names = {item.name for item in dataclasses.fields(BenchmarkConfig)}
    benchmark = BenchmarkConfig(models=("lstm_local", "theta"), base="theta", windows_per_series=24, series_code=2)
    config = TINY.replace(season_length=12)
    options = benchmark_options(benchmark, config)
    assert set(options) <= set(inspect.signature(run_benchmark).parameters)
    assert names - set(options) == {"id_column", "series", "sample_seed"}  # they draw the collection's series
    assert (options["models"], options["base"], options["season_length"]) == (("lstm-local", "theta"), "theta", 12)
    stored = stored_settings(benchmark, config, data="collection:tourism-monthly")
    assert set(stored) == names | {"data", "season_length"}
    assert stored["models"] == ["lstm-local", "theta"] and stored["windows_per_series"] == 24
    assert BenchmarkConfig(**{name: stored[name] for name in names}) == dataclasses.replace(
        benchmark, models=("lstm-local", "theta")
    )  # what the store keeps gives the same settings back (runs rerun, the app's form)


def test_bad_models_and_heads_are_one_sentence() -> None:
    """An unknown model, or the recursive network asked for twice, raise LabError."""
    with pytest.raises(LabError, match="models"):
        benchmark_options(BenchmarkConfig(models=("prophet",)), TINY)
    with pytest.raises(LabError, match="recursive network already"):
        benchmark_options(BenchmarkConfig(models=("lstm", "lstm-recursive"), head="recursive"), TINY)
