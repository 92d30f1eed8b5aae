"""`python -m lstm_core backtest` as a real subprocess: the three files and their columns, bad input writes nothing."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from test_cli import cli

TINY_ARGS = ["--data", "sample:airline-passengers", "--units", "4", "--epochs", "1", "--window", "6"]
COLUMNS = ["fold", "origin", "step", "time", "actual", "lstm", "naive", "seasonal_naive", "drift", "ets", "theta"]


def test_backtest_writes_the_three_files(tmp_path):
    """A backtest writes backtest.csv, backtest_metrics.json and config.json as the README documents."""
    out = tmp_path / "bt"
    done = cli(
        "backtest",
        *TINY_ARGS,
        "--start",
        "0.7",
        "--horizon",
        "4",
        "--stride",
        "4",
        "--levels",
        "80,90",
        "--out",
        str(out),
        "--workspace",
        "backtest-cli",
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["backtest.csv", "backtest_metrics.json", "config.json"]
    listed = cli("runs", "list", "--kind", "backtest", "--workspace", "backtest-cli").stdout.splitlines()
    assert len(listed) == 2 and " backtest " in listed[1] and "airline" in listed[1]  # kept in the run store
    frame = pd.read_csv(out / "backtest.csv")
    assert list(frame.columns) == [*COLUMNS, "lower_80", "upper_80", "lower_90", "upper_90"]
    metrics = json.loads((out / "backtest_metrics.json").read_text())
    folds = len(range(101, 144 - 4 + 1, 4))  # 144 months, first origin at round(0.7 * 144)
    assert metrics["folds"] == folds == frame["fold"].nunique() and len(frame) == folds * 4
    assert metrics["seeds"] == 1
    for model in ("lstm", "naive", "seasonal_naive", "drift", "ets", "theta"):
        assert set(metrics["models"][model]) == {"mae", "rmse", "smape", "mase"}
        assert set(metrics["models"][model]["rmse"]) == {"mean", "sd"}
        assert len(metrics["per_step_rmse"][model]) == 4
    assert set(metrics["coverage"]) == {"80", "90"}
    assert metrics["coverage"]["90"]["nominal"] == 0.9
    assert {"empirical", "mean_width"} <= set(metrics["coverage"]["80"])
    assert set(metrics["skill_vs_naive"]) == set(metrics["skill_vs_seasonal_naive"]) == {"mean", "sd"}
    assert set(metrics["skill_vs_ets"]) == set(metrics["skill_vs_theta"]) == {"mean", "sd"}
    assert metrics["strongest_baseline"] in {"naive", "seasonal_naive", "drift", "ets", "theta"}
    assert metrics["statistical_models"]["ets"][0].startswith("ETS(")  # one training: one fit
    config = json.loads((out / "config.json").read_text())
    assert set(config) == {"version", "data_fingerprint", "data", "windows", "model", "train", "forecast"}
    assert config["data_fingerprint"].startswith("sha256:")  # of the series backtested, as `run` writes it
    assert config["forecast"]["levels"] == [80, 90]
    assert "fold 1/" in done.stderr and "bands covered" in done.stderr


@pytest.mark.parametrize(
    "args, words",
    [
        (["--start", "0.9", "--horizon", "40"], "`horizon` (40) is longer than"),
        (["--start", "0.05"], "The start leaves"),
        (["--stride", "0"], "`stride` must be at least 1"),
        (["--levels", "80,100"], "`levels` must be in"),
        (["--levels", "0"], "`levels` must be in"),
        (["--retrain", "often"], "`retrain` must be"),
    ],
)
def test_bad_input_is_one_error_line_and_nothing_written(tmp_path, args, words):
    """Bad input ends with exit status 2 and one `error:` sentence, and no output folder is made."""
    out = tmp_path / "bt"
    done = cli("backtest", *TINY_ARGS, *args, "--out", str(out))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and words in lines[0], done.stderr
    assert not out.exists()
