"""The command line with the run store: re-running a saved config, fingerprints, determinism, `runs`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from cli_helpers import main_here
from tiny import tiny_values

ROOT = Path(__file__).resolve().parents[2]
TIMING_KEYS = {"train_seconds", "first_epoch_seconds", "samples_per_second"}
SMALL = ["--epochs", "2", "--units", "4", "--window", "6", "--forecast-steps", "3", "--device", "cpu"]


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    full = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    full.pop("LSTM_LAB_VERBOSE", None)
    return subprocess.run(
        [sys.executable, "-m", "lstm_core", *args], capture_output=True, text=True, cwd=ROOT, env=full, timeout=300
    )


def write_series(path: Path, offset: float = 0.0) -> Path:
    index = pd.date_range("2000-01-01", periods=120, freq="MS")
    pd.DataFrame({"date": index.strftime("%Y-%m-%d"), "value": tiny_values(120) + offset}).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    """One deterministic run of a CSV into a fresh store and workspace; its folder, env and result."""
    root = tmp_path_factory.mktemp("store_cli")
    env = {"LSTM_LAB_DB": f"sqlite:///{root / 'runs.sqlite'}", "LSTM_LAB_WORKSPACE": "cli-test"}
    data = write_series(root / "series.csv")
    done = cli("run", "--data", str(data), *SMALL, "--deterministic", "--out", str(root / "first"), env=env)
    return root, env, data, done


def test_run_writes_fingerprint_and_saves_to_the_store(first_run):
    """A run's config.json carries version and data fingerprint, and the run is listed in its workspace."""
    root, env, _, done = first_run
    assert done.returncode == 0, done.stderr
    config = json.loads((root / "first" / "config.json").read_text())
    assert config["version"] == 1 and config["data_fingerprint"].startswith("sha256:")
    assert "saved as run" in done.stderr
    listed = cli("runs", "list", env=env)
    assert listed.returncode == 0 and "series" in listed.stdout and len(listed.stdout.splitlines()) == 2
    other = cli("runs", "list", "--workspace", "someone-else", env=env)
    assert len(other.stdout.splitlines()) == 1  # the header only: another workspace sees nothing


def test_upload_config_reruns_identically_with_data(first_run, tmp_path):
    """An app-style config (source upload:NAME) is refused alone, runs with --data, and gives identical metrics."""
    root, env, data, _ = first_run
    config = json.loads((root / "first" / "config.json").read_text())
    config["data"]["source"] = "upload:series.csv"
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    refused = cli("run", "--config", str(path), "--out", str(tmp_path / "no"), env=env)
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        "error: This config was made from an uploaded file (series.csv); give that file again with --data FILE."
    )
    again = cli("run", "--config", str(path), "--data", str(data), "--out", str(tmp_path / "again"), env=env)
    assert again.returncode == 0, again.stderr
    assert "not the data the config was made with" not in again.stderr
    first = json.loads((root / "first" / "metrics.json").read_text())
    second = json.loads((tmp_path / "again" / "metrics.json").read_text())
    assert {k: v for k, v in first.items() if k not in TIMING_KEYS} == {
        k: v for k, v in second.items() if k not in TIMING_KEYS
    }


def test_other_data_is_named_by_both_fingerprints_and_a_broken_store_is_a_note(first_run, tmp_path, capsys):
    """Other data than the config's gives a note with both fingerprints; a corrupt store file only a note (through
    the command line's main() here: the re-run above is the real subprocess)."""
    root, env, _, _ = first_run
    other = write_series(tmp_path / "other.csv", offset=5.0)
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(b"garbage" * 1000)
    config = json.loads((root / "first" / "config.json").read_text())
    done = main_here(
        "run", "--config", str(root / "first" / "config.json"), "--data", str(other), "--epochs", "1",
        "--out", str(tmp_path / "out"), env={**env, "LSTM_LAB_DB": f"sqlite:///{broken}"}, capsys=capsys,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    notes = [line for line in done.stderr.splitlines() if line.startswith("note: ")]
    [mismatch] = [line for line in notes if "not the data" in line]
    assert config["data_fingerprint"][:19] in mismatch
    new = json.loads((tmp_path / "out" / "config.json").read_text())["data_fingerprint"]
    assert new != config["data_fingerprint"] and new[:19] in mismatch
    assert any(line.startswith("note: The run store (the SQLite file") for line in notes)
    assert (tmp_path / "out" / "model.keras").is_file()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"colour": "red"}, "Unknown configuration section(s): colour"),
        ({"version": 99}, "written by a newer LSTM Lab (version 99"),
        ({"model": {"units": "many"}}, "`units` must be a whole number. Received: units='many'"),
        ({"train": {"epochs": 2, "speed": 1}}, "Unknown setting(s) in `train`: speed"),
    ],
    ids=["unknown-section", "newer-version", "wrong-type", "unknown-setting"],
)
def test_bad_config_is_one_error_line(change, expected, tmp_path):
    """A config with an unknown key, a newer version or a wrong type: exit 2 and one `error:` line."""
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"data": {"source": "sample:sine"}, **change}))
    done = cli("run", "--config", str(path), "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0], done.stderr


def test_runs_show_export_import(first_run, tmp_path):
    """`runs show` writes a run's files; `runs export` then `runs import` moves the workspace to another store."""
    _, env, _, _ = first_run
    run_id = cli("runs", "list", env=env).stdout.splitlines()[1].split()[0]
    shown = cli("runs", "show", run_id[:6], "--out", str(tmp_path / "shown"), env=env)
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["id"].startswith(run_id)
    names = sorted(p.name for p in (tmp_path / "shown").iterdir())
    assert names == ["config.json", "forecast.csv", "history.csv", "metrics.json", "model.keras", "weights.npz"]
    exported = cli("runs", "export", str(tmp_path / "ws.zip"), env=env)
    assert exported.returncode == 0 and "Exported" in exported.stderr
    elsewhere = {"LSTM_LAB_DB": f"sqlite:///{tmp_path / 'elsewhere.sqlite'}", "LSTM_LAB_WORKSPACE": "moved"}
    imported = cli("runs", "import", str(tmp_path / "ws.zip"), env=elsewhere)
    assert imported.returncode == 0 and "Imported" in imported.stderr
    assert run_id in cli("runs", "list", env=elsewhere).stdout
    missing = cli("runs", "show", "zzzz", env=env)
    assert missing.returncode == 2 and missing.stderr.startswith("error: no run in workspace 'cli-test'")
