"""`python -m lstm_core sweep --workers N`: N local processes on one study, as real processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import optuna
import pytest
from tiny import tiny_dataset

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.timeout(600)


def test_two_local_workers_share_one_study_and_the_results(tmp_path):
    """--workers 2 runs the study's trials in two processes; the command ends once both are done."""
    data = tmp_path / "tiny.csv"
    tiny_dataset().frame.to_csv(data)
    space = tmp_path / "space.json"
    space.write_text(json.dumps({"units": [3, 6], "window": [4, 8]}))
    storage = f"sqlite:///{tmp_path / 's.db'}"
    command = [
        sys.executable, "-m", "lstm_core", "sweep", "--storage", storage, "--study", "local",
        "--data", str(data), "--epochs", "1", "--batch-size", "16", "--forecast-steps", "3", "--device", "cpu",
        "--trials", "4", "--space", str(space), "--workers", "2",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LSTM_LAB_CACHE": str(tmp_path)}
    env.pop("LSTM_LAB_DB", None)
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=500, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "1 more local worker(s) joined the study" in done.stderr and done.stderr.count("This worker ran") == 2
    trials = optuna.load_study(study_name="local", storage=storage).trials
    assert 4 <= len(trials) <= 5 and all(trial.state.is_finished() for trial in trials)
    assert len({trial.user_attrs["worker"] for trial in trials}) == 2


def test_workers_must_be_at_least_one(tmp_path):
    """--workers 0 is refused in one error line."""
    command = [sys.executable, "-m", "lstm_core", "sweep", "--data", "sample:sine", "--workers", "0"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LSTM_LAB_CACHE": str(tmp_path)}
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=120, check=False)
    assert done.returncode == 2 and done.stderr.startswith("error: `--workers` must be at least 1")
