"""The command line: every sample runs, files follow the contract, bad input is one line.

A fresh `python -m lstm_core` imports TensorFlow (about 6 s of CPU) before it does anything else, so only two samples
run as real subprocesses (they show the command quiets TensorFlow by itself and ends with a clean stderr); the others,
and `--difference`, go through the same `main()` in this process, held to the same files, the same stderr lines and
no warning the command would print.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from cli_helpers import main_here

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ["airline-passengers", "daily-min-temperatures", "monthly-sunspots", "AAPL", "sine"]
# The monthly default (a trending, seasonal series) and the business-day one (gaps) as real subprocesses; the daily, the
# long monthly and the synthetic one through `main()` here.
IN_A_SUBPROCESS = ["airline-passengers", "AAPL"]
IN_THIS_PROCESS = [sample for sample in SAMPLES if sample not in IN_A_SUBPROCESS]
# long-memory has input columns beside its target, so a run forecasts no future steps (loaded in tests/data)
LISTED = [*SAMPLES, "long-memory"]
FILES = [
    "config.json",
    "metrics.json",
    "history.csv",
    "forecast.csv",
    "gates.npz",
    "gates_epochs.npz",
    "states.npz",
    "gradients.npz",
    "model.keras",
]
BLOCK_KEYS = {"mae", "rmse", "smape", "mase", "mape"}


def cli(*args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("LSTM_LAB_VERBOSE", None)
    env.pop("TF_CPP_MIN_LOG_LEVEL", None)  # the command line must quiet TensorFlow by itself
    return subprocess.run(
        [sys.executable, "-m", "lstm_core", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=timeout
    )


def check_output_folder(out: Path, units: int) -> None:
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    config = json.loads((out / "config.json").read_text())
    assert set(config) == {"version", "data_fingerprint", "data", "windows", "model", "train", "forecast"}
    assert config["model"]["units"] == units and config["data_fingerprint"].startswith("sha256:")
    metrics = json.loads((out / "metrics.json").read_text())  # strict JSON: NaN would not parse as null
    for key in ["lstm", "naive", "seasonal_naive", "skill_vs_naive", "epochs_run", "train_seconds"]:
        assert key in metrics
    for key in ["ets", "theta", "skill_vs_ets", "skill_vs_theta", "strongest_baseline", "statistical_models"]:
        assert key in metrics
    for key in ["samples_per_second", "device", "backend"]:
        assert key in metrics
    assert set(metrics["lstm"]) == BLOCK_KEYS and set(metrics["naive"]) == BLOCK_KEYS
    assert metrics["seasonal_naive"] is None or set(metrics["seasonal_naive"]) == BLOCK_KEYS
    assert isinstance(metrics["skill_vs_naive"], float) and isinstance(metrics["epochs_run"], int)
    history = pd.read_csv(out / "history.csv")
    assert list(history.columns) == ["epoch", "loss", "val_loss", "seconds"]
    assert len(history) == metrics["epochs_run"]
    forecast = pd.read_csv(out / "forecast.csv")
    bands = [f"{side}_{level:g}" for level in config["forecast"]["levels"] for side in ("lower", "upper")]
    assert list(forecast.columns) == ["time", "actual", "lstm", "naive", "ets", "theta", *bands]
    steps = config["forecast"]["forecast_steps"]
    assert forecast["actual"].tail(steps).isna().all() and forecast["actual"].iloc[:-steps].notna().all()
    assert forecast["lstm"].notna().all()
    window = config["windows"]["window"]
    with np.load(out / "gates.npz") as gates:
        assert gates["x"].shape == (window, 1)
        for name in "ifgoch":
            assert gates[name].shape == (window, units)
    with np.load(out / "gates_epochs.npz") as over_epochs:
        epochs = over_epochs["epochs"]
        assert epochs[-1] == metrics["epochs_run"] and over_epochs["x"].shape == (window, 1)
        for name in "ifgoch":
            assert over_epochs[name].shape == (len(epochs), window, units)
    with np.load(out / "gradients.npz") as archive:
        assert archive["input_gradient"].shape == (window, 1) and archive["state_gradient"].shape == (window,)
    with np.load(out / "states.npz") as states:
        steps = len(states["time"])
        assert states["x"].shape == (steps, 1) and states["h"].shape == states["c"].shape == (steps, units)


UNITS = 4


@pytest.fixture(scope="module")
def sample_runs(request, tmp_path_factory):
    """The selected sample runs, as subprocesses side by side (each imports TensorFlow, ~6 s of mostly waiting)."""
    selected = [
        item.callspec.params["sample"]
        for item in request.session.items
        if getattr(item, "originalname", "") == "test_run_each_sample"
    ]
    root = tmp_path_factory.mktemp("cli")

    def one(sample: str) -> subprocess.CompletedProcess:
        return cli(
            "run", "--data", f"sample:{sample}", "--epochs", "1", "--units", str(UNITS), "--out", str(root / sample)
        )

    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {sample: pool.submit(one, sample) for sample in selected}
        yield root, {sample: future.result() for sample, future in futures.items()}


def check_sample_stderr(stderr: str, sample: str) -> None:
    """Progress, notes and the closing summary line, nothing else (no TensorFlow chatter, no warning)."""
    lines = stderr.strip().splitlines()
    assert any(line.startswith("epoch 1/1 loss") for line in lines) and "Results in" in lines[-1]
    assert all(line.startswith(("epoch ", "note: ", sample)) for line in lines), stderr


@pytest.mark.parametrize("sample", IN_A_SUBPROCESS)
def test_run_each_sample(sample, sample_runs):
    """`run --data sample:NAME` exits 0, writes the eight files per the contract, and keeps stderr clean."""
    root, runs = sample_runs
    done = runs[sample]
    assert done.returncode == 0, done.stderr
    check_output_folder(root / sample, UNITS)
    check_sample_stderr(done.stderr, sample)


@pytest.mark.parametrize("sample", IN_THIS_PROCESS)
def test_run_each_other_sample_through_main(sample, tmp_path, capsys):
    """`run --data sample:NAME` through `main()` returns 0, writes the eight files per the contract, and prints only
    progress, notes and the summary, with no warning."""
    out = tmp_path / sample
    done = main_here("run", "--data", f"sample:{sample}", "--epochs", "1", "--units", str(UNITS), "--out", str(out),
                     capsys=capsys)  # fmt: skip
    assert done.returncode == 0, done.stderr
    check_output_folder(out, UNITS)
    check_sample_stderr(done.stderr, sample)


def test_samples_lists_every_sample():
    """`samples` lists each bundled sample with a description."""
    done = cli("samples")
    assert done.returncode == 0
    names = [line.split()[0] for line in done.stdout.strip().splitlines()]
    assert names == LISTED


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--data", "no/such/file.csv"], "No file at"),
        (["--data", "sample:sine", "--window", "0"], "`window` must be at least 1. Received: window=0"),
        (["--data", "sample:nope"], "No sample called 'nope'"),
        (["--data", "sample:sine", "--epochs", "many"], "argument --epochs: invalid int value: 'many'"),
        (["--data", "sample:sine", "--column", "Nope"], "Nope"),
    ],
    ids=["missing-file", "window-0", "unknown-sample", "bad-option", "unknown-column"],
)
def test_bad_input_is_one_error_line(args, expected, tmp_path):
    """Bad input exits with status 2 and exactly one stderr line starting 'error: ', never a traceback."""
    done = cli("run", *args, "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: ") and expected in lines[0]
    assert "Traceback" not in done.stderr + done.stdout
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(shutil.which("nvidia-smi") is not None, reason="this machine has a GPU")
def test_gpu_on_a_cpu_machine_is_one_error_line(tmp_path, capsys):
    """`--device gpu` without a GPU, found once Keras lists the devices: status 2 and one `error:` line, never a
    traceback, nothing written (through main() here: a subprocess would spend its time importing TensorFlow)."""
    done = main_here("run", "--data", "sample:sine", "--epochs", "1", "--device", "gpu", "--out", str(tmp_path / "out"),
                     capsys=capsys)  # fmt: skip
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: A GPU was asked for") and "Traceback" not in done.stderr + done.stdout
    assert not (tmp_path / "out").exists()


def test_difference_runs_end_to_end(tmp_path, capsys):
    """`--difference` trains on a small CSV, writes every file with `difference: true`, all in the series' units."""
    steps = np.arange(80)
    values = 100.0 + 2.0 * steps + 5.0 * np.sin(2 * np.pi * steps / 12)  # a trend plus a season
    dates = pd.date_range("2000-01-01", periods=len(values), freq="MS")
    pd.DataFrame({"date": dates.strftime("%Y-%m-%d"), "value": values}).to_csv(tmp_path / "trend.csv", index=False)
    out = tmp_path / "out"
    args = ["--window", "6", "--epochs", "1", "--units", str(UNITS), "--forecast-steps", "4", "--difference"]
    done = main_here("run", "--data", str(tmp_path / "trend.csv"), *args, "--out", str(out), capsys=capsys)
    assert done.returncode == 0, done.stderr
    check_output_folder(out, UNITS)
    assert json.loads((out / "config.json").read_text())["windows"]["difference"] == "first"
    forecast = pd.read_csv(out / "forecast.csv")
    test = forecast[forecast["actual"].notna()]
    assert len(test) == round(len(values) * 0.2)  # the same test points as without differences
    assert (test["lstm"] - test["naive"]).abs().max() < 50  # levels near the last value, not scaled changes


def test_help_documents_difference():
    """`run --help` lists --difference with what it does."""
    done = cli("run", "--help")
    assert done.returncode == 0
    text = " ".join(done.stdout.split())  # argparse wraps long help lines
    assert "--difference" in text and "change from one step to the next" in text


def test_unrecognised_argument_names_the_command(tmp_path):
    """A stray value after a flag is named, with the help of the command that was run."""
    done = cli("run", "--data", "sample:sine", "--out", str(tmp_path / "out"), "--seed", "1", "yes")
    assert done.returncode == 2
    assert done.stderr.strip() == ("error: unrecognized arguments: yes. See `python -m lstm_core run --help`.")
