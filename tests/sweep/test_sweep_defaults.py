"""The default sweep space follows the series' season, and the same sweep command proposes the same trials."""

from __future__ import annotations

import contextlib
import io
import json

import optuna
import pytest
from tiny import TINY, tiny_dataset

from lstm_core.config.sweep import SweepConfig
from lstm_core.sweep.space import DEFAULT_SPACE, default_space
from lstm_core.sweep.start import default_space_for, sampler_seed_for
from lstm_core.sweep.study import stored_setup


def test_a_season_adds_seasonal_differences_and_windows_of_two_seasons():
    """Season 12: seasonal differences and windows 4..24; season 24: windows up to 48; none or 1: as before."""
    assert default_space(None) == default_space(1) == DEFAULT_SPACE
    assert "seasonal" not in DEFAULT_SPACE.difference
    monthly = default_space(12)
    assert monthly.difference == ("none", "first", "seasonal") and monthly.window == (4, 24)
    assert default_space(24).window == (4, 48) and default_space(4).window == (4, 24)
    assert monthly.units == DEFAULT_SPACE.units and monthly.searched == DEFAULT_SPACE.searched


def test_a_short_series_gets_the_largest_windows_it_fits():
    """A series too short for two seasons after the validation and test parts gets the windows it has room for
    (every one of them trainable with seasonal differences); too short for one season: the plain default."""
    config = TINY.replace(val_fraction=0.1, test_fraction=0.1)
    space = default_space(24, length=80, config=config)  # 64 training points: windows up to 64 - 24 - 2 = 38
    assert space.window == (4, 38) and "seasonal" in space.difference
    space.check_fits(80, config)
    assert default_space(24, length=40, config=config) == DEFAULT_SPACE  # 32 points: not even one season


@pytest.mark.parametrize(
    ("freq", "season", "expected"),
    [("MS", None, (4, 24)), ("h", None, (4, 48)), ("MS", 6, (4, 24)), (None, None, None)],
)
def test_the_space_for_a_dataset_takes_its_frequency_or_the_season_setting(freq, season, expected):
    """Monthly data (season 12), hourly (24), a set season length; a step index without a season: the default."""
    dataset = tiny_dataset(400, freq=freq or "MS")
    if freq is None:
        dataset = dataset.__class__(frame=dataset.frame.reset_index(drop=True).rename_axis("step"), target="value")
    space = default_space_for(dataset, TINY.replace(season_length=season))
    if expected is None:
        assert space == DEFAULT_SPACE
    else:
        assert space.window == expected and "seasonal" in space.difference


def test_the_sampler_seed_is_the_run_seed_unless_given():
    """No sampler seed: the run's seed (plus the worker's number and the trials already in the study); given: it."""
    assert sampler_seed_for(SweepConfig(), TINY.replace(seed=7)) == 7
    assert sampler_seed_for(SweepConfig(), TINY.replace(seed=7), worker=2, trials_before=3) == 12
    assert sampler_seed_for(SweepConfig(sampler_seed=100), TINY.replace(seed=7), worker=1) == 101


def _sweep(*args: str) -> None:
    from lstm_core.cli.main import main

    with contextlib.redirect_stderr(io.StringIO()) as errors:
        assert main(["sweep", *args]) == 0, errors.getvalue()


@pytest.fixture()
def monthly_csv(tmp_path, monkeypatch):
    monkeypatch.setenv("LSTM_LAB_CACHE", str(tmp_path))
    monkeypatch.delenv("LSTM_LAB_DB", raising=False)
    data = tmp_path / "monthly.csv"
    tiny_dataset().frame.to_csv(data)
    return data


def test_the_command_line_searches_the_season_aware_default_space(tmp_path, monthly_csv):
    """`sweep` without --space on monthly data stores the seasonal default space with its study (a time limit so
    short that no trial starts: nothing is trained)."""
    storage = f"sqlite:///{tmp_path / 'study.db'}"
    _sweep("--data", str(monthly_csv), "--timeout", "0.000001", "--study", "s", "--storage", storage)
    assert stored_setup(storage, "s").space == default_space(12) != DEFAULT_SPACE


def test_the_same_sweep_command_proposes_the_same_trials(tmp_path, monthly_csv):
    """`sweep` twice with the same options and no --sampler-seed (2 random trials of 1 epoch each): the same
    parameters in the same order (the sampler seed is the run's seed)."""
    space = tmp_path / "space.json"
    space.write_text(json.dumps({"units": [2, 4], "window": [4, 8], "difference": ["none", "first", "seasonal"]}))
    proposals = []
    for number in range(2):
        storage = f"sqlite:///{tmp_path / f'study{number}.db'}"
        options = ["--epochs", "1", "--batch-size", "32", "--device", "cpu", "--trials", "2", "--sampler", "random"]
        _sweep("--data", str(monthly_csv), "--space", str(space), *options, "--study", "s", "--storage", storage)
        proposals.append([trial.params for trial in optuna.load_study(study_name="s", storage=storage).trials])
    assert len(proposals[0]) == 2 and proposals[0] == proposals[1]
    assert len({str(params) for params in proposals[0]}) == 2  # two different trials, not one repeated
