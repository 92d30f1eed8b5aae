"""The `sweep` command as real processes: bad input, and two workers sharing one study on PostgreSQL (on SQLite:
test_sweep_local_workers.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from pgserver import PostgresUnavailable, throwaway_postgres
from tiny import tiny_dataset

from lstm_core.store.db import open_store

ROOT = Path(__file__).resolve().parents[2]
RUN_FILES = {"config.json", "metrics.json", "history.csv", "forecast.csv", "gates.npz", "model.keras"}
pytestmark = pytest.mark.timeout(900)


def _env(cache: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LSTM_LAB_CACHE": str(cache)}
    for name in ("LSTM_LAB_VERBOSE", "LSTM_LAB_DB"):
        env.pop(name, None)
    return env


def sweep(*args: str, cache: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "lstm_core", "sweep", *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=_env(cache), timeout=600)


def start(*args: str, cache: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "lstm_core", "sweep", *args]
    pipe = subprocess.PIPE
    return subprocess.Popen(command, stdout=pipe, stderr=pipe, text=True, cwd=ROOT, env=_env(cache))


@pytest.fixture(scope="module")
def postgres_url():
    """A real PostgreSQL server for this module; skipped when it cannot start here, failed in CI."""
    try:
        with throwaway_postgres() as url:
            yield url
    except PostgresUnavailable as reason:
        if os.environ.get("LSTM_LAB_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required (LSTM_LAB_REQUIRE_POSTGRES=1) but cannot start: {reason}")
        pytest.skip(f"PostgreSQL cannot start on this machine: {reason}")


@pytest.fixture()
def tiny_csv(tmp_path) -> Path:
    path = tmp_path / "tiny.csv"
    tiny_dataset().frame.to_csv(path)
    return path


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--data", "sample:sine", "--space", "missing.json"], "sweep space file missing.json cannot be read"),
        (["--data", "sample:sine", "--trials", "0"], "`--trials` must be at least 1"),
        (["--epochs", "2"], "give --data (or --config) to start a sweep, or --study NAME"),
        (["--data", "sample:sine", "--pruner", "mean"], "invalid choice: 'mean'"),
        (["--study", "none-such", "--storage", "sqlite:///{tmp}/s.db"], "There is no study 'none-such'"),
    ],
)
def test_bad_sweep_input_is_one_error_line(tmp_path, args, words):
    """Bad sweep options end with exit status 2 and one `error:` line, before any training."""
    args = [arg.replace("{tmp}", str(tmp_path)) for arg in args]
    done = sweep(*args, cache=tmp_path)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and words in lines[0], done.stderr


def test_bad_space_file_is_one_error_line(tmp_path):
    """A space file with a reversed range names the setting in one `error:` line."""
    space = tmp_path / "space.json"
    space.write_text('{"units": [64, 8]}')
    done = sweep("--data", "sample:sine", "--space", str(space), cache=tmp_path)
    assert done.returncode == 2 and done.stderr.startswith("error: The `units` range must be [low, high]")


def _two_workers_then_results(storage: list[str], tiny_csv: Path, tmp_path: Path) -> pd.DataFrame:
    """Two workers on one study, then a third process that joins by name only and writes the results."""
    space = tmp_path / "space.json"
    space.write_text(json.dumps({"units": [3, 6], "window": [4, 8], "learning_rate": [0.001, 0.01]}))
    options = [
        *storage, "--study", "shared", "--data", str(tiny_csv), "--epochs", "2", "--batch-size", "16",
        "--forecast-steps", "3", "--device", "cpu", "--trials", "6", "--space", str(space),
    ]  # fmt: skip
    workers = [start(*options, cache=tmp_path) for _ in range(2)]
    outputs = [worker.communicate(timeout=600) for worker in workers]
    for worker, (_, stderr) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, stderr
    ran = [int(stderr.split("This worker ran ")[1].split(" ")[0]) for _, stderr in outputs]

    out = tmp_path / "out"
    done = sweep(*storage, "--study", "shared", "--out", str(out), cache=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "This worker ran 0 trial(s)" in done.stderr  # the study's budget was spent by the two workers

    trials = pd.read_csv(out / "trials.csv")
    assert sum(ran) == len(trials) and 6 <= len(trials) <= 7  # two workers may each start the last trial at once
    assert sorted(trials["number"]) == list(range(len(trials)))  # every trial once
    assert set(trials["state"]) <= {"complete", "pruned"}
    assert trials["worker"].notna().all() and trials["worker"].nunique() == 2  # both workers' trials, one study
    assert {p.name for p in (out / "best").iterdir()} >= RUN_FILES
    summary = json.loads((out / "study.json").read_text())
    best = trials.loc[trials["val_rmse"].idxmin()]
    assert summary["best_trial"] == best["number"]
    best_config = json.loads((out / "best" / "config.json").read_text())
    assert best_config["model"]["units"] == best["units"] and best_config["windows"]["window"] == best["window"]
    assert json.loads((out / "best" / "metrics.json").read_text())["lstm"]["rmse"] == summary["best_test_rmse"]
    return trials


def test_two_workers_share_a_postgresql_study(postgres_url, tiny_csv, tmp_path):
    """Two workers on one study in a real PostgreSQL server: every trial once, both workers, the best re-runs, and
    each worker's trials and the re-run best are kept in the run store. (Two local workers on the default SQLite
    study are tests/sweep/test_sweep_local_workers.py's.)"""
    trials = _two_workers_then_results(["--storage", postgres_url], tiny_csv, tmp_path)
    store = open_store(f"sqlite:///{tmp_path / 'runs.sqlite'}")  # the run store in the workers' cache folder
    saved = store.list_runs("local", kind="sweep_trial", study="shared")
    assert sorted(run.metrics["trial"] for run in saved) == sorted(trials["number"])
    assert len(store.list_runs("local", kind="run")) == 1  # the best trial, re-run and scored on test
