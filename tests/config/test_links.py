"""Share-link parameters: every setting round-trips as text; uploads stay out; bad values are one sentence."""

from __future__ import annotations

import pytest

from lstm_core.config.links import UPLOAD_KEY, config_from_params, config_to_params, link_keys
from lstm_core.config.settings import ExperimentConfig
from lstm_core.errors import LabError


def test_every_setting_round_trips():
    """A config with settings of every kind (int, float, bool, choice, optional, lists) comes back equal."""
    config = ExperimentConfig().replace(
        source="yahoo:AAPL", period="2y", interval="1wk", column="Close", features=("Volume",), window=20,
        units=64, layers=2, dropout=0.25, learning_rate=0.0025, patience=7, seed=11, seeds=3, deterministic=True,
        difference="first", scaler="standard", season_length=5, levels=(90.0,), forecast_steps=30,
    )  # fmt: skip
    params = config_to_params(config)
    assert all(isinstance(value, str) for value in params.values())
    assert set(params) == set(link_keys()) - {UPLOAD_KEY}
    assert config_from_params(params) == config


def test_unset_optional_settings_and_empty_levels_round_trip():
    """`none` stands for an unset optional setting; no interval levels survive as an empty tuple."""
    config = ExperimentConfig().replace(patience=None, season_length=None, levels=())
    assert config_from_params(config_to_params(config)) == config


def test_an_upload_is_named_not_carried():
    """For an upload the data settings are left out and `upload` names the file; the rest still travels."""
    config = ExperimentConfig().replace(source="upload:my prices.csv", column="Close", units=33)
    params = config_to_params(config)
    assert params[UPLOAD_KEY] == "my prices.csv" and "data" not in params and "column" not in params
    assert config_from_params(params).model.units == 33


def test_unknown_parameters_are_ignored_and_bad_values_refused():
    """Parameters such as `ws` or `lang` are ignored; a bad number or boolean is one sentence naming it."""
    assert config_from_params({"ws": "x", "lang": "zh"}) == ExperimentConfig()
    with pytest.raises(LabError, match=r"^The link's `window` must be a number\. Received: window='ten'$"):
        config_from_params({"window": "ten"})
    with pytest.raises(LabError, match="`deterministic` must be true or false"):
        config_from_params({"deterministic": "maybe"})
    with pytest.raises(LabError, match="`units` must be at most 512"):
        config_from_params({"units": "100000"})
