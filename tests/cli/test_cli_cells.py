"""The command line with another cell: `run --cell gru` writes a GRU's gates and gradients (through main() in this
process); `compare-cells` as a real subprocess."""

from __future__ import annotations

import json

import numpy as np
from cli_helpers import main_here
from test_cli import cli


def test_run_with_a_gru(tmp_path, capsys):
    """`--cell gru` trains a GRU: config.json says so, gates.npz holds x, z, r, n, h and gradients.npz its gradients."""
    out = tmp_path / "gru"
    args = ["--data", "sample:sine", "--cell", "gru", "--units", "3", "--window", "6", "--epochs", "1"]
    done = main_here("run", *args, "--forecast-steps", "2", "--out", str(out), capsys=capsys)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads((out / "config.json").read_text())["model"]["cell"] == "gru"
    with np.load(out / "gates.npz") as gates:
        assert sorted(gates.files) == ["h", "n", "r", "x", "z"]
        assert gates["z"].shape == (6, 3) and gates["x"].shape == (6, 1)
    with np.load(out / "gradients.npz") as archive:
        assert archive["input_gradient"].shape == (6, 1) and archive["state_gradient"].shape == (6,)
    with np.load(out / "states.npz") as states:
        assert sorted(states.files) == ["h", "time", "x"]


def test_compare_cells(tmp_path):
    """`compare-cells` trains each cell with the same settings, writes a run folder per cell and cells.json with
    their scores and gradient reach; an unknown cell is one error line."""
    out = tmp_path / "compare"
    args = ["--data", "sample:sine", "--units", "3", "--window", "6", "--epochs", "1", "--forecast-steps", "2"]
    done = cli("compare-cells", *args, "--cells", "rnn,gru", "--out", str(out))
    assert done.returncode == 0, done.stderr[-2000:]
    table = json.loads((out / "cells.json").read_text())
    assert list(table) == ["rnn", "gru"] and len(table["gru"]["reach"]) == 6
    assert all(row["rmse"] > 0 and row["reach_first_step"] > 0 for row in table.values())
    assert json.loads((out / "rnn" / "config.json").read_text())["model"]["cell"] == "rnn"
    refused = cli("compare-cells", *args, "--cells", "lstm,tcn", "--out", str(out))
    assert refused.returncode == 2 and refused.stderr.strip().startswith("error: `--cells` must list cells among")
