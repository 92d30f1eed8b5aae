"""Runs stored by earlier versions still load: the schema-1 store fixture, and a run whose metrics held `extra`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from lstm_core.scoring.metrics import RunMetrics
from lstm_core.store.db import NewRun, open_store

FIXTURES = Path(__file__).parents[1] / "fixtures"


def test_schema_1_store_loads_its_metrics_unchanged(tmp_path):
    """The v1 fixture's run loads with the metrics it was saved with."""
    path = tmp_path / "old.sqlite"
    shutil.copy(FIXTURES / "store_v1.sqlite", path)
    [old] = open_store(f"sqlite:///{path}").list_runs("fixture-workspace")
    expected = {"lstm": {"rmse": 30.5}, "naive": {"rmse": 40.0}, "skill_vs_naive": 0.2375, "epochs_run": 3}
    assert old.metrics == expected


def test_a_run_saved_with_extra_keys_reads_into_typed_fields(tmp_path):
    """A run saved when seeds, spread, diagnostics and intervals were `extra` keys reads back into the fields, and
    the store keeps the same JSON."""
    written = json.loads((FIXTURES / "metrics_v1.json").read_text(encoding="utf-8"))
    store = open_store(f"sqlite:///{tmp_path / 'runs.sqlite'}")
    run_id = store.save_run("w", NewRun(name="tiny", config={}, metrics=written))
    stored = store.get_run("w", run_id)
    assert stored.metrics == written
    metrics = RunMetrics.from_dict(stored.metrics)
    assert metrics.seeds == 2 and len(metrics.diagnostics) == 3 and "80" in metrics.intervals["levels"]
    assert metrics.to_dict() == written
