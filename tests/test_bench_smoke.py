"""Smoke tests for bench/: every benchmark runs in its tiny --quick mode and prints its ratio lines.

These are not timed assertions (the numbers mean nothing at this size); they prove the scripts
still run against the current lstm_core. All of them run in this process (one TensorFlow import,
no subprocess); memory.py's numbers in this mode are the test process's own and mean nothing.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
pytestmark = pytest.mark.timeout(180)


def _load(name: str):
    return importlib.import_module(f"bench.{name}")  # bench is installed with the project (requirements-dev.txt)


@pytest.mark.parametrize(
    ("script", "result_file"),
    [
        ("gates_speed", "gates_speed_quick.json"),
        ("forecast_speed", "forecast_speed_quick.json"),
        ("train_speed", "train_speed_quick.json"),
        ("scaling", "scaling_quick.json"),
        ("memory", "memory_quick.json"),
        ("gpu_speed", "gpu_speed_quick.json"),
        ("gates_recording", "gates_recording_quick.json"),
        ("ensemble_speed", "ensemble_speed_quick.json"),
        ("backtest_speed", "backtest_speed_quick.json"),
        ("store_speed", "store_speed_quick.json"),
        ("inside_speed", "inside_speed_quick.json"),
        ("determinism_speed", "determinism_speed_quick.json"),
        ("pruner_replay", "pruner_replay_quick.json"),
    ],
)
def test_bench_script_runs_quick(script: str, result_file: str, tmp_path: Path, capsys) -> None:
    """`bench/<script>.py --quick` finishes, prints a ratio line and writes its JSON."""
    _load(script).main(["--quick", "--out", str(tmp_path)])
    printed = capsys.readouterr().out
    assert "ratio" in printed, printed
    payload = json.loads((tmp_path / result_file).read_text())
    assert payload["machine"]["cpu_count"] >= 1


def test_sweep_speed_pruning_part_runs_quick(tmp_path: Path, capsys) -> None:
    """The pruning part of `bench/sweep_speed.py --quick`: both sweeps, the replay of the reference, the ratios."""
    payload = _load("sweep_speed").main(["--quick", "--part", "pruning", "--out", str(tmp_path)])
    assert "speed-up" in capsys.readouterr().out
    pruning = payload["pruning"]
    assert pruning["none"]["complete"] == 4 and pruning["speedup"] > 0
    assert {"halving (default): min a tenth, eta 2", "median: 4 startup, warmup a tenth"} <= set(pruning["replay"])
    assert json.loads((tmp_path / "sweep_speed_quick.json").read_text())["pruning"]["pruner"] == "halving"
