"""The sweep's own settings as one SweepConfig: the command line, links and the study derive from it; the study
is started by one function."""

from __future__ import annotations

import argparse
import dataclasses

import pytest
from tiny import TINY, tiny_dataset

from lstm_core.config.links import settings_from_params, settings_to_params
from lstm_core.config.options import add_config_options, given_settings
from lstm_core.config.sweep import DEFAULT_TRIALS, SweepConfig
from lstm_core.errors import LabError
from lstm_core.sweep.space import SweepSpace
from lstm_core.sweep.start import start_study
from lstm_core.sweep.study import STUDY_SETTINGS, SweepSetup, open_study

SPACE = SweepSpace(units=(3, 6), layers=None, window=None, learning_rate=None, dropout=None, batch_size=None,
                   difference=None)  # fmt: skip


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_config_options(parser, (SweepConfig,))
    return parser.parse_args(argv)


def test_command_line_options_are_the_fields():
    """Every field is an option; none given means the defaults; `none` turns an optional setting off."""
    assert given_settings(_parse(), SweepConfig) == {}
    args = _parse("--trials", "none", "--timeout", "90", "--objective", "backtest", "--horizon", "3",
                  "--sampler", "random", "--sampler-seed", "7")  # fmt: skip
    sweep = dataclasses.replace(SweepConfig(), **given_settings(args, SweepConfig))
    assert sweep == SweepConfig(trials=None, timeout=90.0, objective="backtest", horizon=3, sampler="random",
                                sampler_seed=7)  # fmt: skip
    assert SweepConfig().trials == DEFAULT_TRIALS == 20


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (("--trials", "0"), "`--trials` must be at least 1. Received: --trials=0"),
        (("--timeout", "0"), "`--timeout` must be above 0"),
        (("--horizon", "0"), "`--horizon` must be at least 1"),
    ],
)
def test_a_bad_option_names_the_option(argv, words):
    """A bad value given on the command line is one sentence naming its option, as the user typed it."""
    with pytest.raises(LabError, match=words.replace("(", r"\(")):
        given_settings(_parse(*argv), SweepConfig, flags=True)


def test_links_round_trip():
    """A SweepConfig goes into link parameters (text, `none` for off) and back unchanged."""
    sweep = SweepConfig(trials=None, timeout=600.0, pruner="median", objective="backtest", horizon=4)
    params = settings_to_params(sweep)
    assert params["trials"] == "none" and params["timeout"] == "600.0" and params["horizon"] == "4"
    assert settings_from_params(params, SweepConfig()) == sweep
    with pytest.raises(LabError, match="must be a number"):
        settings_from_params({"horizon": "many"}, SweepConfig())


def test_the_study_keeps_its_settings_and_each_worker_its_own():
    """A setup holds the study-wide settings; `settings()` gives them back with a worker's time limit and sampler."""
    sweep = SweepConfig(trials=5, timeout=30.0, pruner="none", objective="backtest", horizon=2, sampler="random")
    setup = SweepSetup.of(TINY, SPACE, "sha256:x", sweep)
    assert {name: getattr(setup, name) for name in STUDY_SETTINGS} == dict(trials=5, pruner="none",
                                                                          objective="backtest", horizon=2)  # fmt: skip
    assert setup.settings(sweep) == sweep and setup.settings().timeout is None
    assert SweepSetup(TINY, SPACE, "x").trials == SweepConfig().trials  # one default
    with pytest.raises(LabError, match="`trials` must be at least 1"):
        SweepSetup(TINY, SPACE, "x", trials=0)


def test_start_study_creates_or_joins_and_refuses_a_sweep_without_a_budget(tmp_path):
    """The one way a study starts: a new study needs a budget, its setup is stored, a joining worker is checked."""
    dataset, storage = tiny_dataset(), f"sqlite:///{tmp_path / 'studies.db'}"
    with pytest.raises(LabError, match="needs a budget"):
        start_study(dataset, TINY, SPACE, SweepConfig(trials=None), storage=storage, study_name="s")
    with pytest.raises(LabError, match="Give the study a name"):
        start_study(dataset, TINY, SPACE, SweepConfig(), storage=storage, study_name=" ")
    sweep = SweepConfig(trials=None, timeout=60.0, objective="backtest", horizon=2)
    study, setup = start_study(dataset, TINY, SPACE, sweep, storage=storage, study_name=" s ")
    assert study.study_name == "s" and setup == SweepSetup.of(TINY, SPACE, setup.data_fingerprint, sweep)
    _, stored = open_study(storage, "s")
    assert stored == setup and stored.trials is None
    start_study(dataset, TINY, SPACE, SweepConfig(trials=None, objective="backtest", horizon=2), storage=storage,
                study_name="s")  # fmt: skip  # joining: the study's own budget (none: until stopped)
    with pytest.raises(LabError, match="other values of objective"):
        start_study(dataset, TINY, SPACE, SweepConfig(), storage=storage, study_name="s")


def test_a_worker_joining_a_study_being_created_waits_for_its_setup_and_a_foreign_study_is_refused(tmp_path):
    """Optuna creates a study and stores LSTM Lab's setup in two steps: a worker joining between them waits for the
    setup instead of calling the study foreign; a study with trials but no setup was made elsewhere and is refused."""
    import threading

    import optuna

    storage = f"sqlite:///{tmp_path / 'studies.db'}"
    setup = SweepSetup.of(TINY, SPACE, "sha256:x", SweepConfig())
    being_made = optuna.create_study(storage=storage, study_name="new", direction="minimize")
    later = threading.Timer(0.5, being_made.set_user_attr, args=("lstm_lab", setup.to_attr()))
    later.start()
    _, joined = open_study(storage, "new", setup)
    later.join()
    assert joined == setup
    foreign = optuna.create_study(storage=storage, study_name="foreign", direction="minimize")
    foreign.add_trial(optuna.trial.create_trial(params={}, distributions={}, value=1.0))
    with pytest.raises(LabError, match="'foreign' was not made by LSTM Lab"):
        open_study(storage, "foreign", setup)
