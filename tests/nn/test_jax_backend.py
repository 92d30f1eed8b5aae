"""The tests that matter for the backend pass under KERAS_BACKEND=jax too."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytest.importorskip("jax")

# What depends on the backend: gate equality (windows, over training, over the whole series; LSTM, GRU, plain RNN),
# seeding, the NumPy validation loss against evaluate, and NaN handling. The forecasts are NumPy on those gates, and
# the command line's run is the same code again: both were dropped from here to keep the suite within its ten minutes
# (107 s for this test before, 93 s without the run). So were the gradients (session 8): nn/gradients.py is NumPy
# alone, and tf.GradientTape is its independent reference in the main run; jax.grad was a second one.
SELECTION = [
    "tests/nn/test_gates.py",
    "tests/nn/test_cells.py",
    "tests/nn/test_train.py::test_other_seed_other_start",
    "tests/nn/test_train.py::test_val_loss_equals_keras_evaluate",
    "tests/nn/test_train.py::test_nan_loss_stops_with_message",
    "tests/inside/test_inside.py::test_sequence_h_equals_keras_whole_sequence",
]


@pytest.mark.jax
def test_core_tests_pass_on_jax():
    """Gates, gradients and training pass with KERAS_BACKEND=jax."""
    env = {**os.environ, "KERAS_BACKEND": "jax"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider", *SELECTION],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=540,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and "skipped" not in done.stdout.splitlines()[-1]


TRAIN_WITHOUT_TF = """
import sys
import numpy as np
from lstm_core.config.settings import ExperimentConfig
from lstm_core.experiment.run import run_experiment
from lstm_core.data.dataset import Dataset
import pandas as pd
frame = pd.DataFrame({"v": np.sin(np.arange(120) / 4.0) + 2.0}, index=pd.RangeIndex(120, name="step"))
config = ExperimentConfig().replace(window=6, units=4, epochs=1, batch_size=16, forecast_steps=3, device="cpu")
run = run_experiment(Dataset(frame=frame, target="v"), config)
run.gates([0])
print(run.metrics.to_dict()["backend"], "tensorflow" in sys.modules)
"""


@pytest.mark.jax
def test_jax_run_does_not_import_tensorflow():
    """A whole experiment on JAX (seed, fit, forecast, gates) never imports TensorFlow (6 s, 760 MB)."""
    env = {**os.environ, "KERAS_BACKEND": "jax", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", TRAIN_WITHOUT_TF], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split()[-2:] == ["jax", "False"]
