"""RunMetrics' typed fields (seeds, seed_spread, diagnostics, intervals) write metrics.json exactly as before."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lstm_core.scoring.diagnostics import Diagnostic
from lstm_core.scoring.metrics import RunMetrics

# metrics.json of a 2-seed run with diagnostics and intervals, as written before these were fields (in `extra`).
FIXTURE = Path(__file__).parents[1] / "fixtures" / "metrics_v1.json"


@pytest.fixture()
def written() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def test_metrics_json_is_unchanged(written):
    """A metrics.json written before reads into typed fields and writes back byte for byte, keys in order."""
    metrics = RunMetrics.from_dict(written)
    assert metrics.extra == {}
    assert list(metrics.to_dict()) == list(written)
    assert json.dumps(metrics.to_dict(), indent=2) == json.dumps(written, indent=2)


def test_typed_fields_hold_what_extra_held(written):
    """The ensemble's size and spread, the diagnostics and the intervals are fields, not dict keys."""
    metrics = RunMetrics.from_dict(written)
    assert metrics.seeds == 2 and [s["seed"] for s in metrics.seed_spread["per_seed"]] == [0, 1]
    assert metrics.seed_spread["lstm"]["rmse"] == written["seed_spread"]["lstm"]["rmse"]
    assert all(isinstance(item, Diagnostic) for item in metrics.diagnostics)
    assert [item.code for item in metrics.diagnostics] == [item["code"] for item in written["diagnostics"]]
    assert metrics.intervals["levels"]["80"]["nominal"] == 0.8
    assert RunMetrics.from_dict(json.loads(json.dumps(metrics.to_dict()))) == metrics


def test_older_and_newer_files_load(written):
    """A file without the newer keys leaves them None and out of to_dict(); a key this version does not know is
    kept in `extra` and written back."""
    older = {key: value for key, value in written.items() if key not in ("seeds", "seed_spread", "diagnostics",
                                                                         "intervals")}  # fmt: skip
    metrics = RunMetrics.from_dict(older)
    assert (metrics.seeds, metrics.seed_spread, metrics.diagnostics, metrics.intervals) == (None, None, None, None)
    assert metrics.to_dict() == older
    newer = {**written, "calibration_error": 0.1}
    assert RunMetrics.from_dict(newer).extra == {"calibration_error": 0.1}
    assert RunMetrics.from_dict(newer).to_dict() == newer


def test_no_diagnostics_is_not_an_empty_list(written):
    """An empty diagnostics list (nothing to say) stays a key; no diagnostics at all stays absent."""
    metrics = RunMetrics.from_dict({**written, "diagnostics": []})
    assert metrics.diagnostics == () and metrics.to_dict()["diagnostics"] == []
