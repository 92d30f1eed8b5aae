"""A benchmark's settings (config.benchmark.BenchmarkConfig, beside the LSTM's ExperimentConfig) as `run_benchmark`
takes them and as a store entry keeps them.

The one mapping the command line (`python -m lstm_core benchmark`), the app's benchmark job (in a thread or a worker
process) and a collection sweep's benchmark share: what one of them runs and stores, `runs rerun` and the app's
Benchmark form run again. The season is the LSTM config's (`ForecastConfig.season_length`, None: each series' own).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from lstm_core.config.benchmark import BenchmarkConfig
from lstm_core.config.settings import ExperimentConfig
from lstm_core.evaluate.benchmark import check_head, parse_models

__all__ = ["benchmark_options", "stored_settings"]


def benchmark_options(benchmark: BenchmarkConfig, config: ExperimentConfig) -> dict[str, Any]:
    """`run_benchmark`'s keyword arguments besides the collection, `config` and the callbacks. Raises LabError for an
    unknown model, or a head that would train the same network twice."""
    models = parse_models(benchmark.model_names)
    check_head(models, benchmark.head)
    return {
        "models": models,
        "horizon": benchmark.horizon,
        "season_length": config.forecast.season_length,
        "windows_per_series": benchmark.windows_per_series,
        "series_embedding": benchmark.series_embedding,
        "series_code": benchmark.series_code,
        "calendar": benchmark.calendar,
        "base": benchmark.base,
        "head": benchmark.head,
    }


def stored_settings(benchmark: BenchmarkConfig, config: ExperimentConfig, *, data: str) -> dict[str, Any]:
    """What a benchmark's store entry and summary.json keep of its own settings: every `BenchmarkConfig` setting
    (the models as they ran), `data` (the collection's source) and `config`'s season. `runs rerun` gives the
    BenchmarkConfig settings back as options (cli.rerun); the app's form reads them too."""
    return {
        "data": data,
        **dataclasses.asdict(benchmark),
        "models": list(parse_models(benchmark.model_names)),
        "season_length": config.forecast.season_length,
    }
