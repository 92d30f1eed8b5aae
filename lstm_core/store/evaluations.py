"""What the store keeps of a backtest and of a benchmark, as a `store.NewRun` of kind "backtest" or "benchmark".

Both keep, as `config`, the LSTM's `ExperimentConfig.to_dict()` (so the Runs table reads the model, window and
training settings as it does for a run) plus their own settings under one key, `backtest` (a `BacktestConfig` as a
dict) or `benchmark` (the collection, models, horizon, sample size and seed, windows per series): enough to run
the same thing again. `metrics` holds the numbers the Runs table shows (`lstm.rmse` and `skill_vs_naive` as means
over folds; `lstm.mase` and `lstm.smape` as means over series) and the whole `summary`. The artifacts are the files
the command line writes: `backtest.csv` and `backtest_metrics.json`, or `forecasts.csv`, `scores.csv` and
`summary.json`.

Duck-typed on purpose: `evaluate` and `experiment` are this package's siblings, so a backtest is anything with
`config`, `backtest`, `frame`, `summary`, `notes`, `folds`, `stop_reason`, and a benchmark anything with
`forecasts`, `scores`, `summary`, `notes`.
"""

from __future__ import annotations

import dataclasses
import json
import math
from typing import Any

import numpy as np

from lstm_core.store.db import NewRun
from lstm_core.store.records import environment

__all__ = ["backtest_entry", "benchmark_entry", "plain"]


def plain(value: Any) -> Any:
    """JSON-safe: NumPy numbers as Python ones, NaN and inf as None, tuples as lists, keys as text."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _mean(block: Any) -> float | None:
    return block.get("mean") if isinstance(block, dict) else None


def backtest_entry(backtest: Any, *, name: str, source: str, fingerprint: str = "", backend: str = "") -> NewRun:
    """A finished backtest (evaluate.backtest.Backtest) as a store entry of kind "backtest"."""
    summary = plain(backtest.summary)
    models = summary.get("models") or {}
    lstm, naive = models.get("lstm") or {}, models.get("naive") or {}
    skill = _mean(summary.get("skill_vs_naive"))
    metrics = {
        "lstm": {"rmse": _mean(lstm.get("rmse")), "mae": _mean(lstm.get("mae"))},
        "naive": {"rmse": _mean(naive.get("rmse"))},
        "skill_vs_naive": skill,
        "beats_naive": skill is not None and skill > 0,
        "strongest_baseline": summary.get("strongest_baseline"),
        "skill_vs_strongest_baseline": _mean(summary.get("skill_vs_strongest_baseline")),
        "train_seconds": summary.get("train_seconds"),
        "folds": backtest.folds,
        "stop_reason": str(backtest.stop_reason),
        "summary": summary,
    }
    settings = dataclasses.asdict(backtest.backtest)
    files = {
        "backtest.csv": backtest.frame.to_csv(index=False, lineterminator="\n").encode("utf-8"),
        "backtest_metrics.json": json.dumps({**summary, "backtest": settings}, indent=2).encode("utf-8"),
    }
    return NewRun(
        name=name,
        config={**backtest.config.to_dict(), "backtest": settings},
        metrics=metrics,
        kind="backtest",
        source=source,
        fingerprint=fingerprint,
        notes=list(backtest.notes),
        timings={"seconds": float(summary.get("seconds") or 0.0)},
        environment=environment(backend, ""),
        artifacts=files,
    )


def benchmark_entry(result: Any, *, name: str, config: Any, settings: dict[str, Any], backend: str = "") -> NewRun:
    """A finished benchmark (evaluate.benchmark.BenchmarkResult) as a store entry of kind "benchmark"; `settings`
    are the benchmark's own (data, models, horizon, series, sample_seed, ...), `config` the LSTM's."""
    summary = plain(result.summary)
    models = summary.get("models") or {}
    lstm = models.get("lstm") or models.get("lstm-local") or {}
    networks = summary.get("networks") or {}
    network = networks.get("lstm") or networks.get("lstm-local") or {}
    metrics = {
        "lstm": {"mase": _mean(lstm.get("mase")), "smape": _mean(lstm.get("smape"))},
        "series": summary.get("series"),
        "horizon": summary.get("horizon"),
        "epochs_run": network.get("epochs_run"),
        "stop_reason": network.get("stop_reason", ""),
        "train_seconds": round(sum((summary.get("seconds") or {}).values()), 3),
        "summary": summary,
    }
    stored_settings = plain(settings)
    files = {
        "forecasts.csv": result.forecasts.to_csv(index=False, lineterminator="\n").encode("utf-8"),
        "scores.csv": result.scores.to_csv(index=False, lineterminator="\n").encode("utf-8"),
        "summary.json": json.dumps(
            {**summary, "config": {**stored_settings, "lstm": config.to_dict()}, "notes": list(result.notes)},
            indent=2,
        ).encode("utf-8"),
    }
    return NewRun(
        name=name,
        config={**config.to_dict(), "benchmark": stored_settings},
        metrics=metrics,
        kind="benchmark",
        source=str(stored_settings.get("data", "")),
        notes=list(result.notes),
        timings={"seconds": metrics["train_seconds"]},
        environment=environment(backend, ""),
        artifacts=files,
    )
