"""The command line with `--seeds`, `--difference seasonal` and the diagnostics' `note:` lines: the training through
main() in this process (tests/cli_helpers.py), the refusal as a real subprocess."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from cli_helpers import main_here
from test_cli import UNITS, cli


def seasonal_csv(path, *, dates: bool = True) -> None:
    steps = np.arange(90)
    values = 100.0 + 1.5 * steps + 8.0 * np.sin(2 * np.pi * steps / 12)  # a trend plus a 12-month season
    frame = pd.DataFrame({"value": values})
    if dates:
        # Month ends: ISO month starts (2000-02-01) are read day-first as daily dates by csvread today.
        frame.insert(0, "date", pd.date_range("2000-01-31", periods=len(values), freq="ME").strftime("%Y-%m-%d"))
    frame.to_csv(path, index=False)


def test_seasonal_differences_with_two_seeds_end_to_end(tmp_path, capsys):
    """`--difference seasonal --seeds 2` writes the spread, per-seed forecasts and diagnostics, and notes them."""
    seasonal_csv(tmp_path / "season.csv")
    out = tmp_path / "out"
    args = ["--window", "6", "--epochs", "1", "--units", str(UNITS), "--forecast-steps", "14"]
    done = main_here("run", "--data", str(tmp_path / "season.csv"), *args, "--difference", "seasonal", "--seeds", "2",
                     "--out", str(out), capsys=capsys)  # fmt: skip
    assert done.returncode == 0, done.stderr
    config = json.loads((out / "config.json").read_text())
    assert config["windows"]["difference"] == "seasonal" and config["train"]["seeds"] == 2
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["seeds"] == 2 and metrics["season_length"] == 12
    assert set(metrics["seed_spread"]["lstm"]["rmse"]) == {"mean", "sd"}
    assert [item["code"] for item in metrics["diagnostics"]][:1] == ["copies"]
    forecast = pd.read_csv(out / "forecast.csv")
    members = ["lstm_seed_0", "lstm_seed_1"]
    assert list(forecast.columns)[:8] == ["time", "actual", "lstm", "naive", "ets", "theta", *members]
    assert {"lower_80", "upper_80", "lower_95", "upper_95"} <= set(forecast.columns)  # seasonal runs get bands too
    np.testing.assert_allclose(forecast["lstm"], forecast[["lstm_seed_0", "lstm_seed_1"]].mean(axis=1), rtol=1e-9)
    assert forecast["lstm"].notna().all()  # the future (14 steps, over a season) maps back to levels
    notes = [line for line in done.stderr.splitlines() if line.startswith("note: ")]
    for item in metrics["diagnostics"]:
        assert f"note: {item['sentence']}" in notes
    assert "Across 2 seeds (mean ± sd): LSTM RMSE" in done.stderr.splitlines()[-1]


def test_seasonal_differences_without_a_season_is_one_error_line(tmp_path):
    """Rows without dates have no season: `--difference seasonal` is refused in one sentence, nothing written."""
    seasonal_csv(tmp_path / "plain.csv", dates=False)
    out = tmp_path / "out"
    done = cli("run", "--data", str(tmp_path / "plain.csv"), "--difference", "seasonal", "--epochs", "1",
               "--out", str(out))  # fmt: skip
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert lines[-1].startswith("error: Seasonal differences need a season length"), done.stderr
    assert not any(line.startswith("error:") for line in lines[:-1]) and not out.exists()
