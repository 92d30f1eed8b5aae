"""Sweeps in this process: the space, real Optuna studies in real SQLite files, pruning, results."""

from __future__ import annotations

import dataclasses
import json
import math

import optuna
import pytest
from tiny import TINY, tiny_dataset

from lstm_core.errors import LabError
from lstm_core.sweep.results import best_so_far, trials_frame, write_results
from lstm_core.sweep.space import SweepSpace
from lstm_core.sweep.study import SweepSetup, best_config, default_storage_url, fingerprint, open_study, optimize

SMALL = SweepSpace(units=(3, 6), layers=None, window=(4, 8), learning_rate=(1e-3, 1e-2), dropout=None,
                   batch_size=(16, 32), difference=("none", "first", "seasonal"))  # fmt: skip


RATE_ONLY = SweepSpace(units=None, layers=None, window=None, learning_rate=(1e-5, 5e-2), dropout=None,
                       batch_size=None, difference=None)  # fmt: skip


def _setup(dataset, **changes) -> SweepSetup:
    values = {"config": TINY, "space": SMALL, "data_fingerprint": fingerprint(dataset), "trials": 3}
    return SweepSetup(**{**values, **changes})


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ({"units": [64, 8]}, "low <= high"),
        ({"units": [0, 8]}, "within [1, 512]"),
        ({"window": [2.5, 8]}, "whole numbers"),
        ({"learning_rate": [0, 0.1]}, "within [1e-06, 1]"),
        ({"dropout": [0.0, 0.95]}, "within [0, 0.9]"),
        ({"batch_size": [16, "big"]}, "whole numbers from 1"),
        ({"difference": ["none", "cubic"]}, "`difference` choices"),
        ({"units": 8}, "must be a list"),
        ({"epochs": [1, 2]}, "Unknown setting(s) in the sweep space: epochs"),
        ({"units": [8, 8]}, "searches nothing"),
    ],
)
def test_space_rejects_bad_ranges_in_one_sentence(values, words):
    """A bad range in a space file is one LabError sentence naming the setting."""
    with pytest.raises(LabError) as caught:
        SweepSpace.from_dict(values)
    assert words in str(caught.value) and str(caught.value).count("\n") == 0


def test_space_json_round_trips_and_leaves_out_unsearched():
    """A space read from JSON writes back the same JSON; settings left out are not searched."""
    space = SweepSpace.from_json('{"units": [8, 64], "batch_size": [64, 16, 16], "difference": ["first"]}')
    assert space.searched == ("units", "batch_size")
    assert space.batch_size == (16, 64) and space.layers is None
    assert SweepSpace.from_json(space.to_json()) == space
    with pytest.raises(LabError, match="not valid JSON"):
        SweepSpace.from_json("{units: 1}")


def test_space_suggests_fixed_and_searched_values():
    """A FixedTrial gets searched values from the trial and fixed ones (a one-value range) from the space."""
    space = SweepSpace(units=(8, 8), layers=None, window=(4, 10), learning_rate=None, dropout=None,
                       batch_size=None, difference=None)  # fmt: skip
    assert space.suggest(optuna.trial.FixedTrial({"window": 6})) == {"units": 8, "window": 6}


def test_space_too_wide_for_the_series_is_refused():
    """A window range the series cannot hold is refused before any trial, naming the window."""
    space = SweepSpace(window=(4, 200))
    with pytest.raises(LabError, match="lower the top of the `window` range"):
        space.check_fits(160, TINY)
    with pytest.raises(LabError, match="validation part"):
        SMALL.check_fits(160, TINY.replace(val_fraction=0.0))


def test_default_storage_is_a_sqlite_file_in_the_cache_folder(monkeypatch, tmp_path):
    """Without LSTM_LAB_DB the study lives in the run store's SQLite file in LSTM_LAB_CACHE; LSTM_LAB_DB wins."""
    monkeypatch.delenv("LSTM_LAB_DB", raising=False)
    monkeypatch.setenv("LSTM_LAB_CACHE", str(tmp_path))
    assert default_storage_url() == f"sqlite:///{tmp_path / 'runs.sqlite'}"  # the run store's database
    monkeypatch.setenv("LSTM_LAB_DB", "postgresql://u@h/db")
    assert default_storage_url() == "postgresql://u@h/db"


def test_sweep_runs_trials_prunes_and_scores_the_best(tmp_path):
    """A 6-trial sweep on real SQLite: objective in series units, per-epoch reports, best re-run scored on test."""
    dataset = tiny_dataset()
    storage = f"sqlite:///{tmp_path / 'study.db'}"
    setup = _setup(dataset, config=TINY.replace(epochs=3), trials=6, pruner="median")
    study, stored = open_study(storage, "s1", setup)
    assert stored == setup
    seen = []
    ran = optimize(study, setup, dataset, sampler_seed=1, on_trial=seen.append)
    assert ran == 6 and len(seen) == 6
    frame = trials_frame(study)
    assert list(frame.columns[:2]) == ["number", "state"] and list(frame.columns[-4:]) == [
        "val_rmse", "epochs", "seconds", "worker"]  # fmt: skip
    assert set(SMALL.searched) <= set(frame.columns)
    assert frame["number"].tolist() == list(range(6))
    complete = frame[frame["state"] == "complete"]
    assert len(complete) >= 4 and (complete["epochs"] == 3).all()  # the median pruner waits for 4 complete trials
    # val RMSE is in the series' units: the tiny series' values are around 50-90, its steps about 1-10.
    assert complete["val_rmse"].between(0.1, 100).all()
    trial = study.trials[0]
    assert sorted(trial.intermediate_values) == [1, 2, 3]
    assert math.isclose(trial.intermediate_values[3], trial.value, rel_tol=1e-4)
    assert best_so_far(frame).iloc[-1] == complete["val_rmse"].min()

    config = best_config(study, setup)
    assert config.model.units == study.best_params["units"] and config.train.epochs == 3
    run = write_results(study, setup, dataset, tmp_path / "out", storage=storage)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["best", "study.json", "trials.csv"]
    assert {"config.json", "metrics.json", "history.csv", "forecast.csv", "gates.npz", "model.keras"} <= {
        p.name for p in (tmp_path / "out" / "best").iterdir()}  # fmt: skip
    summary = json.loads((tmp_path / "out" / "study.json").read_text())
    assert summary["best_trial"] == study.best_trial.number and summary["best_test_rmse"] == run.metrics.rmse("lstm")
    assert json.loads((tmp_path / "out" / "best" / "config.json").read_text())["model"]["units"] == config.model.units


@pytest.mark.parametrize("pruner", ["halving"])  # the default; the median pruner runs in the sweep test above
def test_pruner_ends_a_trial_worse_than_the_others(tmp_path, pruner):
    """A trial whose validation RMSE is far above the others' is pruned mid-way: by the median pruner after four
    complete trials, by successive halving (the default) when it falls out of the better half at a rung."""
    dataset = tiny_dataset()
    storage = f"sqlite:///{tmp_path / 'prune.db'}"
    # batches of 4: about 25 steps an epoch, so the first judged epoch (50 steps) is the second
    setup = _setup(dataset, config=TINY.replace(epochs=6, batch_size=4), space=RATE_ONLY, trials=6, pruner=pruner)
    study, _ = open_study(storage, "prune", setup)
    for rate in (0.01, 0.02, 0.03, 0.015, 0.025):  # five good learning rates
        study.enqueue_trial({"learning_rate": rate})
    study.enqueue_trial({"learning_rate": 1e-5})  # barely moves: far above the others after warm-up
    optimize(study, setup, dataset)
    last = study.trials[-1]
    assert last.state == optuna.trial.TrialState.PRUNED
    assert trials_frame(study)["epochs"].iloc[-1] < 6


def test_no_trial_is_pruned_at_its_last_epoch(tmp_path):
    """A trial judged at its last epoch has already cost all it will: it completes and its value counts."""
    dataset = tiny_dataset()
    setup = _setup(dataset, config=TINY.replace(epochs=1), space=RATE_ONLY, trials=4, pruner="halving")
    study, _ = open_study(f"sqlite:///{tmp_path / 'last.db'}", "last", setup)
    for rate in (0.01, 0.02, 0.03, 1e-5):  # the last one is the worst after its only epoch
        study.enqueue_trial({"learning_rate": rate})
    optimize(study, setup, dataset)
    assert [t.state for t in study.trials] == [optuna.trial.TrialState.COMPLETE] * 4
    assert study.trials[-1].value > max(t.value for t in study.trials[:3])


def test_joining_worker_with_other_settings_or_data_is_refused(tmp_path):
    """A worker joining a study with other fixed settings, space or data gets one sentence naming the difference."""
    dataset = tiny_dataset()
    storage = f"sqlite:///{tmp_path / 'join.db'}"
    open_study(storage, "j", _setup(dataset))
    _, stored = open_study(storage, "j")  # name only: the study's own setup
    assert stored.config == TINY and stored.space == SMALL
    with pytest.raises(LabError, match="other values of epochs"):
        open_study(storage, "j", _setup(dataset, config=TINY.replace(epochs=5)))
    with pytest.raises(LabError, match="other values of units"):
        open_study(storage, "j", _setup(dataset, space=dataclasses.replace(SMALL, units=(4, 9))))
    with pytest.raises(LabError, match="other data"):
        open_study(storage, "j", _setup(tiny_dataset(150)))
    with pytest.raises(LabError, match="no study 'nope'"):
        open_study(storage, "nope")


def test_unreachable_storage_is_one_sentence():
    """A storage URL that cannot be opened is a LabError naming the URL without its password."""
    with pytest.raises(LabError) as caught:
        open_study("postgresql+psycopg://me:secret@127.0.0.1:1/none", "x", None)
    assert "cannot be opened" in str(caught.value) and "secret" not in str(caught.value)


def test_backtest_objective_scores_folds_of_the_validation_part_only(tmp_path):
    """With objective "backtest" a trial's value is the mean fold RMSE of a walk-forward backtest whose origins
    lie in the validation part, on the series cut before the test part: a backtest made by hand agrees, and a
    changed test part changes nothing."""
    from lstm_core.config.backtest import BacktestConfig
    from lstm_core.data.windows import prepare
    from lstm_core.evaluate.backtest import run_backtest

    dataset = tiny_dataset()
    space = dataclasses.replace(SMALL, window=None, batch_size=None, difference=None, learning_rate=None)
    setup = _setup(dataset, config=TINY.replace(epochs=2), space=space, trials=2, objective="backtest", horizon=2)
    study, _ = open_study(f"sqlite:///{tmp_path / 'bt.db'}", "bt", setup)
    optimize(study, setup, dataset, sampler_seed=3, sampler="random")
    trial = study.best_trial
    assert trial.user_attrs["folds"] >= 5 and trial.user_attrs["epochs"] == 2

    config = best_config(study, setup)
    windows = prepare(dataset.values, config.windows)
    known = dataclasses.replace(dataset, frame=dataset.frame.iloc[: windows.val_end])
    start = f"{windows.train_end / windows.val_end:.10f}"
    by_hand = run_backtest(known, config, BacktestConfig(start=start, horizon=2, stride=1))
    assert by_hand.origins[0] == windows.train_end and by_hand.summary["folds"] == trial.user_attrs["folds"]
    assert trial.value == pytest.approx(by_hand.summary["models"]["lstm"]["rmse"]["mean"], rel=1e-6)

    frame = dataset.frame.copy()
    frame.iloc[windows.val_end :, 0] += 1_000.0  # the test part only
    changed = dataclasses.replace(dataset, frame=frame)
    again, _ = open_study(f"sqlite:///{tmp_path / 'bt2.db'}", "bt", dataclasses.replace(setup, data_fingerprint="x"))
    optimize(again, dataclasses.replace(setup, data_fingerprint="x"), changed, sampler_seed=3, sampler="random")
    assert [t.value for t in again.trials] == pytest.approx([t.value for t in study.trials], rel=1e-6)


def test_sweep_objective_and_horizon_are_checked():
    """An unknown objective or a horizon below 1 is one sentence."""
    dataset = tiny_dataset()
    with pytest.raises(LabError, match="objective must be one of validation, backtest"):
        _setup(dataset, objective="test")
    with pytest.raises(LabError, match="horizon must be a whole number"):
        _setup(dataset, objective="backtest", horizon=0)


def test_first_judged_epoch_waits_for_a_tenth_and_50_steps():
    """A pruner first judges a trial after a tenth of its epochs and at least 50 optimizer steps."""
    from lstm_core.sweep.study import batches_per_epoch, first_judged_epoch

    assert first_judged_epoch(20, 125) == 2  # 4,000 windows in batches of 32: the tenth decides
    assert first_judged_epoch(20, 10) == 5  # 300 windows: 50 steps take 5 epochs
    assert first_judged_epoch(100) == 10 and first_judged_epoch(3) == 1
    dataset = tiny_dataset()  # 160 points: 112 before the validation part, windows of 8
    assert batches_per_epoch(dataset, TINY) == 7  # (112 - 8) windows / 16, rounded up
    assert batches_per_epoch(tiny_dataset(12), TINY) is None  # too short to split
