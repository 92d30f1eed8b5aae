"""Saving a run: spreadsheet-safe CSV, the output files, the gates archive."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from tiny import TINY

from lstm_core.experiment.export import forecast_frame, gates_arrays, safe_csv, write_run

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


def test_formula_cells_neutralised():
    """Text cells starting with =, +, -, @, tab or CR get a leading quote; numbers stay as they are."""
    frame = pd.DataFrame(
        {
            "note": ["=SUM(A1:A2)", "+1", "-cmd", "@x", "\tt", "\rr", "plain"],
            "value": [-1.5, 2.0, -3.0, 4.0, 5.0, 6.0, 7.0],
        }
    )
    text = safe_csv(frame)
    lines = text.splitlines()
    assert lines[1].startswith("'=SUM(A1:A2)")
    for line, start in zip(lines[2:5], ["'+1", "'-cmd", "'@x"], strict=True):
        assert line.startswith(start)
    assert "'\tt" in text and "'\rr" in text
    assert lines[1].endswith(",-1.5") and lines[-1] == "plain,7.0"


def test_formula_column_names_neutralised():
    """A column name that looks like a formula is neutralised too."""
    assert safe_csv(pd.DataFrame({"=cmd": [1]})).splitlines()[0] == "'=cmd"


def test_forecast_frame_columns(run):
    """forecast.csv has exactly time, actual, lstm, naive, ets, theta and a band per level, dates as plain days."""
    frame = forecast_frame(run)
    bands = ["lower_80", "upper_80", "lower_95", "upper_95"]
    assert list(frame.columns) == ["time", "actual", "lstm", "naive", "ets", "theta", *bands]
    assert frame[["ets", "theta"]].notna().all().all()  # test and future rows alike
    assert frame["time"].iloc[0] == run.forecast.index[0].strftime("%Y-%m-%d")
    assert len(frame) == len(run.forecast)


def test_gates_arrays_shapes(run):
    """gates.npz holds x (window, features) and i, f, g, o, c, h each (window, units)."""
    arrays = gates_arrays(run)
    window, units = TINY.windows.window, TINY.model.units
    assert arrays["x"].shape == (window, 1)
    for name in "ifgoch":
        assert arrays[name].shape == (window, units)
    np.testing.assert_array_equal(arrays["x"], run.windows.x_test[-1])


def test_write_run_writes_every_file(run, tmp_path):
    """write_run writes the nine documented files with their documented contents."""
    out = tmp_path / "out"
    written = write_run(run, out)
    assert sorted(p.name for p in written) == sorted(FILES)
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    assert json.loads((out / "config.json").read_text())["model"]["units"] == TINY.model.units
    metrics = json.loads((out / "metrics.json").read_text())
    assert {"lstm", "naive", "seasonal_naive", "skill_vs_naive", "ets", "theta", "skill_vs_ets"} <= set(metrics)
    history = pd.read_csv(out / "history.csv")
    assert list(history.columns) == ["epoch", "loss", "val_loss", "seconds"]
    forecast = pd.read_csv(out / "forecast.csv")
    assert list(forecast.columns)[:6] == ["time", "actual", "lstm", "naive", "ets", "theta"]
    with np.load(out / "gates.npz") as gates:
        assert sorted(gates.files) == sorted(["x", "i", "f", "g", "o", "c", "h"])
    with np.load(out / "gradients.npz") as archive:
        keys = [
            "x",
            "input_gradient",
            "state_gradient",
            "integrated_gradients",
            "baseline",
            "output",
            "baseline_output",
        ]
        assert sorted(archive.files) == sorted(keys)
        window = TINY.windows.window
        assert archive["input_gradient"].shape == archive["integrated_gradients"].shape == (window, 1)
        assert archive["state_gradient"].shape == (window,) and archive["output"].shape == ()
        np.testing.assert_array_equal(archive["x"], run.windows.x_test[-1])
        difference = float(archive["output"] - archive["baseline_output"])  # completeness, as promised
        assert abs(float(archive["integrated_gradients"].sum()) - difference) <= 0.01 * abs(difference)
