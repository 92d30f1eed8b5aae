"""`python -m lstm_core benchmark` as a real subprocess: the three files from a bundled collection and a long CSV;
bad input is one error line and writes nothing."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from test_cli import cli

TINY_LSTM = ["--units", "4", "--epochs", "1", "--window", "24", "--windows-per-series", "4"]


def test_a_bundled_collection_subset_writes_the_three_files(tmp_path):
    """Three Tourism monthly series, a tiny global LSTM (with a learned series embedding and calendar inputs) and
    the baselines: forecasts with the LSTM's conformal bands, scores, a summary with the bands' measured coverage, and
    the gates of one series (its window beside its learned row)."""
    out = tmp_path / "bench"
    done = cli(
        "benchmark", "--data", "collection:tourism-monthly", "--series", "3", "--sample-seed", "1",
        "--models", "lstm,theta,naive,seasonal_naive", *TINY_LSTM, "--series-embedding", "2", "--calendar",
        "--inside", "M187", "--out", str(out),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["forecasts.csv", "gates", "scores.csv", "summary.json"]
    gates = np.load(out / "gates" / "M187.npz")  # the global LSTM on one series (value, its learned 2-vector)
    assert gates["x"].shape == (24, 3) and gates["h"].shape == gates["f"].shape == (24, 4)
    np.testing.assert_array_equal(gates["x"], gates["windows"][-1])
    forecasts = pd.read_csv(out / "forecasts.csv")
    bands = ["lstm_lo80", "lstm_hi80", "lstm_lo95", "lstm_hi95"]
    assert list(forecasts.columns) == [
        "series", "step", "time", "actual", "lstm", "theta", "naive", "seasonal_naive", *bands,
    ]  # fmt: skip
    assert (forecasts["lstm_lo95"] <= forecasts["lstm_lo80"]).all() and (
        forecasts["lstm_lo80"] <= forecasts["lstm"]
    ).all()
    assert len(forecasts) == 3 * 24 and forecasts["step"].max() == 24 and forecasts.notna().all().all()
    scores = pd.read_csv(out / "scores.csv")
    assert list(scores.columns) == ["series", "model", "mae", "rmse", "smape", "mase"] and len(scores) == 12
    summary = json.loads((out / "summary.json").read_text())
    assert (summary["series"], summary["horizon"]) == (3, 24)
    assert set(summary["models"]) == {"lstm", "theta", "naive", "seasonal_naive"}
    block = summary["models"]["lstm"]
    assert block["smape"]["ci95"][0] <= block["smape"]["mean"] <= block["smape"]["ci95"][1]
    assert block["owa"] > 0 and summary["config"]["data"] == "collection:tourism-monthly"
    assert set(summary["wins"]["lstm"]) == {"theta", "naive", "seasonal_naive"}
    assert summary["config"]["lstm"]["model"]["units"] == 4 and summary["networks"]["lstm"]["epochs_run"] == 1
    assert "3 of the 366 series drawn at random" in done.stderr and "tourism-monthly: 3 series" in done.stderr
    coverage = summary["coverage"]["80"]
    inside = (forecasts["actual"] >= forecasts["lstm_lo80"]) & (forecasts["actual"] <= forecasts["lstm_hi80"])
    assert coverage["overall"] == pytest.approx(inside.mean()) and coverage["points"] == 72
    assert f"80% band covers {100 * coverage['overall']:.1f}% of test values" in done.stderr
    assert (summary["config"]["series_embedding"], summary["config"]["calendar"]) == (2, True)


def test_a_long_csv_with_its_own_season(tmp_path):
    """A long CSV with --id-column, --column, --date-column, --horizon and --season-length is benchmarked."""
    rows = [
        (key, month.strftime("%Y-%m"), 100 + 10 * k + (step % 12) * (3 + k) + step)
        for k, key in enumerate(("x", "y"))
        for step, month in enumerate(pd.date_range("2001-01-01", periods=40 + 6 * k, freq="MS"))
    ]
    pd.DataFrame(rows, columns=["id", "month", "value"]).to_csv(tmp_path / "long.csv", index=False)
    done = cli(
        "benchmark", "--data", str(tmp_path / "long.csv"), "--id-column", "id", "--column", "value",
        "--date-column", "month", "--horizon", "12", "--season-length", "12", "--models", "naive,seasonal_naive",
        "--out", str(tmp_path / "out"), "--workspace", "bench-csv",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    forecasts = pd.read_csv(tmp_path / "out" / "forecasts.csv")
    assert forecasts.groupby("series")["time"].first().to_dict() == {"x": "2003-05-01", "y": "2003-11-01"}
    assert forecasts["seasonal_naive"].iloc[0] == forecasts["actual"].iloc[0] - 12  # the trend's 12 steps of 1
    # kept in the run store (the session's, workspace "bench-csv"), listed by kind, re-run from its stored settings
    assert "saved as benchmark" in done.stderr
    listed = cli("runs", "list", "--kind", "benchmark", "--workspace", "bench-csv").stdout.splitlines()
    assert len(listed) == 2 and " benchmark " in listed[1] and "long.csv" in listed[1]
    assert len(cli("runs", "list", "--kind", "benchmark", "--workspace", "someone-else").stdout.splitlines()) == 1
    again = cli("runs", "rerun", listed[1][:8], "--out", str(tmp_path / "again"), "--workspace", "bench-csv")
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "again" / "scores.csv").read_text() == (tmp_path / "out" / "scores.csv").read_text()


@pytest.mark.parametrize(
    "args, words",
    [
        (["--data", "collection:tourism-weekly"], "Unknown collection"),
        (["--data", "collection:tourism-monthly", "--models", "lstm,arima"], "arima"),
        (["--data", "LONG", "--id-column", "id"], "--horizon"),
        (["--data", "LONG", "--id-column", "code", "--horizon", "2"], "'code'"),
        (["--data", "collection:m3-yearly", "--series", "0"], "--series"),
        (["--data", "collection:tourism-yearly", "--horizon", "9"], "longer than the test part"),
        (["--data", "collection:tourism-monthly", "--models", "lstm", "--inside", "nope"], "'nope'"),
    ],
)
def test_bad_input_is_one_error_line(tmp_path, args, words):
    """Each bad input ends with status 2 and one `error:` line naming the problem; no folder is made."""
    long = tmp_path / "long.csv"
    pd.DataFrame({"id": ["a"] * 8, "value": range(8)}).to_csv(long, index=False)
    args = [str(long) if a == "LONG" else a for a in args]
    models = [] if "--models" in args else ["--models", "naive"]
    done = cli("benchmark", *args, *models, "--out", str(tmp_path / "o"))
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert words in lines[0]
    assert not (tmp_path / "o").exists()


def test_a_stored_benchmarks_and_backtests_settings_give_their_options_back():
    """`runs rerun` passes a stored benchmark's or backtest's own settings back as options: every setting its config
    declares (the new ones too) parses to the same config."""
    import argparse
    import dataclasses

    from lstm_core.cli.backtest import add_backtest_arguments
    from lstm_core.cli.benchmark import add_benchmark_arguments
    from lstm_core.cli.rerun import rerun_arguments
    from lstm_core.config.backtest import BacktestConfig
    from lstm_core.config.benchmark import BenchmarkConfig
    from lstm_core.config.options import given_settings

    for kind, cls, add, own in (
        ("benchmark", BenchmarkConfig, add_benchmark_arguments, BenchmarkConfig(
            models=("lstm", "ets"), horizon=12, series=30, sample_seed=4, windows_per_series=20, series_embedding=3,
            series_code=2, calendar=True, head="recursive", base="theta")),
        ("backtest", BacktestConfig, add_backtest_arguments, BacktestConfig(start="0.6", horizon=4, stride=2,
                                                                             retrain="3", window_type="sliding")),
    ):  # fmt: skip
        parser = argparse.ArgumentParser()
        add(parser)
        stored = json.loads(json.dumps({kind: dataclasses.asdict(own)}))  # as the store keeps it
        args = parser.parse_args(["--data", "x.csv", "--out", "o", *rerun_arguments(kind, stored)])
        assert cls(**given_settings(args, cls, flags=True)) == own, kind
