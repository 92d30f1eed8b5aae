"""Backtests and benchmarks in the run store: saved by kind with their settings and files, listed per workspace,
exported and imported, and their stored settings enough to run them again."""

from __future__ import annotations

import io
import json

import pandas as pd
from tiny import TINY, tiny_dataset, tiny_values

from lstm_core.config.backtest import BacktestConfig
from lstm_core.config.settings import ExperimentConfig
from lstm_core.data.collections import Collection, CollectionSeries
from lstm_core.evaluate.backtest import run_backtest
from lstm_core.evaluate.benchmark import run_benchmark
from lstm_core.store.db import open_store
from lstm_core.store.evaluations import backtest_entry, benchmark_entry


def test_a_backtest_and_a_benchmark_round_trip_through_sqlite(tmp_path):
    """Both are listed under their kind in their workspace only, with the scores the Runs table reads, the settings
    that rebuild their configs, and the files the command line writes; an export carries them to another store."""
    store = open_store(f"sqlite:///{tmp_path / 'runs.sqlite'}")
    config = TINY.replace(epochs=1, units=4, window=6)
    backtest = run_backtest(tiny_dataset(100), config, BacktestConfig(start="0.7", horizon=4, stride=4))
    backtest_id = store.save_run("me", backtest_entry(backtest, name="tiny", source="sample:tiny"))
    series = [
        CollectionSeries(f"s{k}", tiny_values(40) + k, pd.RangeIndex(40, name="step"), 34, 12, 6) for k in range(2)
    ]
    result = run_benchmark(Collection("tiny", tuple(series)), models=["naive", "seasonal_naive"], config=config)
    settings = {"data": "collection:tiny", "models": ["naive", "seasonal_naive"], "horizon": 6, "series": None}
    benchmark_id = store.save_run("me", benchmark_entry(result, name="tiny", config=config, settings=settings))

    assert [run.id for run in store.list_runs("me", kind="backtest")] == [backtest_id]
    assert [run.id for run in store.list_runs("me", kind="benchmark")] == [benchmark_id]
    assert store.list_runs("someone-else") == [] and store.get_run("someone-else", benchmark_id) is None

    stored = store.get_run("me", backtest_id)
    assert BacktestConfig(**stored.config["backtest"]) == backtest.backtest
    rebuilt = ExperimentConfig.from_dict({k: v for k, v in stored.config.items() if k != "backtest"})
    assert rebuilt == config
    assert stored.metrics["lstm"]["rmse"] == backtest.summary["models"]["lstm"]["rmse"]["mean"]
    assert stored.metrics["folds"] == backtest.folds and stored.artifact_names == [
        "backtest.csv",
        "backtest_metrics.json",
    ]
    frame = pd.read_csv(io.BytesIO(store.artifact("me", backtest_id, "backtest.csv")))
    assert len(frame) == len(backtest.frame) and list(frame.columns) == list(backtest.frame.columns)

    stored = store.get_run("me", benchmark_id)
    assert stored.config["benchmark"] == settings and stored.metrics["series"] == 2
    assert stored.artifact_names == ["forecasts.csv", "scores.csv", "summary.json"]
    scores = pd.read_csv(io.BytesIO(store.artifact("me", benchmark_id, "scores.csv")))
    assert scores["mase"].tolist() == result.scores["mase"].tolist()
    summary = json.loads(store.artifact("me", benchmark_id, "summary.json"))
    assert summary["models"]["naive"]["mase"]["mean"] == result.summary["models"]["naive"]["mase"]["mean"]

    exported = io.BytesIO()
    assert store.export_workspace("me", exported) == 2
    elsewhere = open_store(f"sqlite:///{tmp_path / 'elsewhere.sqlite'}")
    assert elsewhere.import_workspace("you", exported.getvalue()) == 2
    assert {run.kind for run in elsewhere.list_runs("you")} == {"backtest", "benchmark"}


def test_the_command_line_offers_every_kind_of_the_store():
    """`runs list --kind` offers the store's kinds (restated there so the command line starts without SQLAlchemy)."""
    from lstm_core.cli import runs
    from lstm_core.store import db

    assert runs.KINDS == db.KINDS
