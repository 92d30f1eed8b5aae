"""The command line with another cell: `run --cell gru` writes a GRU's gates and gradients."""

from __future__ import annotations

import json

import numpy as np
from test_cli import cli


def test_run_with_a_gru(tmp_path):
    """`--cell gru` trains a GRU: config.json says so, gates.npz holds x, z, r, n, h and gradients.npz its gradients."""
    out = tmp_path / "gru"
    args = ["--data", "sample:sine", "--cell", "gru", "--units", "3", "--window", "6", "--epochs", "1"]
    done = cli("run", *args, "--forecast-steps", "2", "--out", str(out))
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads((out / "config.json").read_text())["model"]["cell"] == "gru"
    with np.load(out / "gates.npz") as gates:
        assert sorted(gates.files) == ["h", "n", "r", "x", "z"]
        assert gates["z"].shape == (6, 3) and gates["x"].shape == (6, 1)
    with np.load(out / "gradients.npz") as archive:
        assert archive["input_gradient"].shape == (6, 1) and archive["state_gradient"].shape == (6,)
    with np.load(out / "states.npz") as states:
        assert sorted(states.files) == ["h", "time", "x"]
