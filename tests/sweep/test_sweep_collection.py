"""`python -m lstm_core sweep` over a collection (in this process): one global model per trial, scored by the mean
validation MASE; the best settings scored once on the test parts beside the statistical methods; no test value
reaches a trial; bad input is one line."""

from __future__ import annotations

import contextlib
import io
import json

import numpy as np
import optuna
import pandas as pd
import pytest
from tiny import TINY, tiny_dataset

from lstm_core.cli.main import main
from lstm_core.config.sweep import SweepConfig
from lstm_core.errors import LabError
from lstm_core.forecast.global_model import global_forecast
from lstm_core.store.db import open_store
from lstm_core.sweep.space import GLOBAL_PARAMETERS, SweepSpace
from lstm_core.sweep.start import start_study
from lstm_core.sweep.study import stored_setup

H = 3
LENGTHS = (30, 26, 34)


def _long_csv(path, *, shift_tests: float = 0.0):
    """Three short monthly series (a trend and a season each) in one long CSV; `shift_tests` moves every test value."""
    rows = []
    for k, length in enumerate(LENGTHS):
        steps = np.arange(length)
        values = 40 + 5 * k + 0.3 * steps + (3 + k) * np.sin(2 * np.pi * steps / 12) + (steps % 5) * 0.2
        values[-H:] += shift_tests * (1 + k)
        months = pd.date_range("2001-01-01", periods=length, freq="MS").strftime("%Y-%m")
        rows += [(f"s{k}", month, value) for month, value in zip(months, values, strict=True)]
    pd.DataFrame(rows, columns=["id", "month", "value"]).to_csv(path, index=False)
    return path


def _sweep(*args: str) -> tuple[int, str]:
    with contextlib.redirect_stderr(io.StringIO()) as errors:
        status = main(["sweep", *args])
    return status, errors.getvalue()


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("LSTM_LAB_CACHE", str(tmp_path))
    monkeypatch.delenv("LSTM_LAB_DB", raising=False)
    return tmp_path


def test_trials_are_the_global_models_validation_mase_and_never_read_a_test_value(tmp_path, cache):
    """Two trials (1 epoch each) over three short series: each trial's value is the val_mase of global_forecast with
    its settings on the training parts; the best is scored once on the test parts as a benchmark (files and store);
    a collection whose every test value differs gives the same trials and the same choice."""
    space = tmp_path / "space.json"
    space.write_text(json.dumps({"units": [2, 4], "window": [3, 12], "base": ["seasonal_naive", "theta"],
                                 "windows_per_series": [4, 8]}))  # fmt: skip
    options = ["--id-column", "id", "--column", "value", "--date-column", "month", "--horizon", str(H),
               "--epochs", "1", "--batch-size", "16", "--device", "cpu", "--trials", "2", "--sampler", "random",
               "--space", str(space), "--study", "c", "--workspace", "global-sweep"]  # fmt: skip
    storage = f"sqlite:///{tmp_path / 'a.db'}"
    data = _long_csv(tmp_path / "long.csv")
    status, errors = _sweep("--data", str(data), *options, "--storage", storage, "--out", str(tmp_path / "out"))
    assert status == 0, errors
    assert "one global model over 3 series, horizon 3" in errors and "val MASE" in errors
    study = optuna.load_study(study_name="c", storage=storage)
    setup = stored_setup(storage, "c")
    assert setup.collection == {"id_column": "id", "series": None, "sample_seed": 0} and setup.horizon == H
    frame = pd.read_csv(data)
    trains = [group["value"].to_numpy()[:-H] for _, group in frame.groupby("id", sort=False)]
    complete = [trial for trial in study.trials if trial.state.name == "COMPLETE"]
    assert len(complete) == 2
    other = next(trial for trial in complete if trial.number != study.best_trial.number)
    config = setup.config.replace(**{k: v for k, v in other.params.items() if k not in GLOBAL_PARAMETERS})
    per_series, base = other.params["windows_per_series"], other.params["base"]
    fit = global_forecast(trains, H, config, seasons=[12] * 3, windows_per_series=per_series, base=base)
    assert other.value == pytest.approx(fit.val_mase, rel=1e-5)
    out = tmp_path / "out"
    trials = pd.read_csv(out / "trials.csv")
    assert "val_mase" in trials and trials["val_mase"].tolist() == pytest.approx([t.value for t in complete])
    scores = pd.read_csv(out / "scores.csv")
    assert set(scores["model"]) == {"lstm", "ets", "theta", "seasonal_naive", "naive"} and len(scores) == 15
    summary = json.loads((out / "summary.json").read_text())
    assert summary["config"]["base"] == study.best_trial.params["base"] and summary["config"]["study"] == "c"
    assert summary["config"]["lstm"]["model"]["units"] == study.best_trial.params["units"]
    # the best trial's settings trained again by the benchmark: the trial's value (the benchmark keeps 4 digits)
    chosen = summary["networks"]["lstm"]["validation_mase"]
    assert chosen == {study.best_trial.params["base"]: pytest.approx(study.best_value, abs=6e-5)}
    assert json.loads((out / "study.json").read_text())["best_val_mase"] == study.best_value
    store = open_store(None)
    kinds = [run.kind for run in store.list_runs("global-sweep")]
    assert sorted(kinds) == ["benchmark", "sweep_trial", "sweep_trial"]
    # Every test value moved: the same trials, values and best settings (no test value reaches a trial).
    moved = _long_csv(tmp_path / "moved.csv", shift_tests=50.0)
    again = f"sqlite:///{tmp_path / 'b.db'}"
    status, errors = _sweep("--data", str(moved), *options, "--storage", again)
    assert status == 0, errors
    other = optuna.load_study(study_name="c", storage=again)
    assert [(t.params, t.value) for t in other.trials] == [(t.params, t.value) for t in study.trials]
    assert other.best_trial.params == study.best_trial.params


@pytest.mark.parametrize(
    ("data", "extra", "words"),
    [
        ("collection:none-such", [], "none-such"),
        ("{csv}", ["--horizon", "14"], "No series is long enough for this horizon"),
    ],
)
def test_bad_collection_input_is_one_error_line(tmp_path, cache, data, extra, words):
    """An unknown collection, or series too short for the horizon: exit 2 and one `error:` line, nothing trained."""
    data = data.replace("{csv}", str(_long_csv(tmp_path / "long.csv")))
    storage = f"sqlite:///{tmp_path / 's.db'}"
    status, errors = _sweep("--data", data, "--id-column", "id", "--column", "value", "--date-column", "month",
                            *extra, "--trials", "2", "--storage", storage)  # fmt: skip
    lines = errors.strip().splitlines()
    assert status == 2 and len(lines) == 1 and lines[0].startswith("error: ") and words in lines[0], errors


def test_the_global_models_settings_are_checked_and_kept_for_collections():
    """`base` and `calendar` choices are checked in one sentence; a one-series sweep refuses the global model's
    settings; a space with them round-trips through JSON."""
    with pytest.raises(LabError, match="`base` choices must be among 'seasonal_naive', 'theta'"):
        SweepSpace.from_dict({"base": ["arima"]})
    with pytest.raises(LabError, match="`calendar` choices must be true or false"):
        SweepSpace.from_dict({"calendar": ["yes", "no"]})
    space = SweepSpace.from_dict({"units": [4, 8], "base": ["theta", "seasonal_naive"], "calendar": [False, True]})
    assert space.global_settings == ("base", "calendar") and SweepSpace.from_json(space.to_json()) == space
    with pytest.raises(LabError, match="settings of a collection's global model"):
        start_study(tiny_dataset(), TINY, space, SweepConfig(trials=1), storage="sqlite://", study_name="one")
