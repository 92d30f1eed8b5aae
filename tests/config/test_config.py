"""Configuration: validation messages, caps, JSON round trip, hashing and `replace`."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from lstm_core.config.settings import (
    LIMITS,
    DataConfig,
    ExperimentConfig,
    ForecastConfig,
    ModelConfig,
    TrainConfig,
    WindowConfig,
)
from lstm_core.errors import LabError


@pytest.mark.parametrize(
    ("part", "name", "value"),
    [
        (WindowConfig, "window", 0),
        (WindowConfig, "window", 2.5),
        (WindowConfig, "val_fraction", -0.1),
        (WindowConfig, "test_fraction", 0.0),
        (WindowConfig, "scaler", "log"),
        (ModelConfig, "units", 0),
        (ModelConfig, "layers", True),
        (ModelConfig, "dropout", 1.5),
        (ModelConfig, "dropout", float("nan")),
        (TrainConfig, "epochs", 0),
        (TrainConfig, "batch_size", "32"),
        (TrainConfig, "learning_rate", 0.0),
        (TrainConfig, "patience", 0),
        (TrainConfig, "device", "tpu"),
        (ForecastConfig, "forecast_steps", -1),
        (ForecastConfig, "season_length", 1),
    ],
)
def test_bad_value_names_parameter_and_value(part, name, value):
    """A bad value raises LabError whose message names the parameter and shows `name=value`."""
    with pytest.raises(LabError) as info:
        part(**{name: value})
    message = str(info.value)
    assert f"`{name}`" in message
    assert f"Received: {name}=" in message


def test_message_follows_keras_form():
    """The message reads like Keras's own: "`window` must be at least 1. Received: window=0"."""
    with pytest.raises(LabError, match=r"^`window` must be at least 1\. Received: window=0$"):
        WindowConfig(window=0)


@pytest.mark.parametrize(
    ("part", "name"),
    [
        (WindowConfig, "window"),
        (ModelConfig, "units"),
        (ModelConfig, "layers"),
        (TrainConfig, "epochs"),
        (TrainConfig, "batch_size"),
        (ForecastConfig, "forecast_steps"),
    ],
)
def test_caps_accept_limit_and_refuse_beyond(part, name):
    """Each capped setting accepts its limit and refuses one more, saying the limit."""
    part(**{name: LIMITS[name]})
    with pytest.raises(LabError, match=f"at most {LIMITS[name]}"):
        part(**{name: LIMITS[name] + 1})


def test_fractions_must_leave_training_data():
    """Validation and test fractions that leave under 20% for training are refused, naming both."""
    with pytest.raises(LabError, match=r"val_fraction=0\.4, test_fraction=0\.45"):
        WindowConfig(val_fraction=0.4, test_fraction=0.45)


def test_empty_source_is_refused():
    """An empty data source is refused with the forms a source may take."""
    with pytest.raises(LabError, match="sample:NAME"):
        DataConfig(source="  ")


def test_defaults_are_the_classic_example():
    """Defaults are LSTM(50), window 10, batch 32, Adam at 0.001."""
    config = ExperimentConfig()
    assert (config.model.units, config.windows.window, config.train.batch_size) == (50, 10, 32)
    assert config.train.learning_rate == 0.001


def test_json_round_trip():
    """A configuration with every part changed survives to_json/from_json unchanged."""
    config = ExperimentConfig(
        data=DataConfig(source="yahoo:MSFT", column="Close", features=("Volume", "Open"), period="1y"),
        windows=WindowConfig(window=20, val_fraction=0.15, test_fraction=0.25, scaler="standard"),
        model=ModelConfig(units=64, layers=2, dropout=0.1),
        train=TrainConfig(epochs=7, batch_size=16, learning_rate=0.01, patience=3, seed=42, device="cpu"),
        forecast=ForecastConfig(forecast_steps=30, season_length=7),
    )
    text = config.to_json()
    assert json.loads(text)["data"]["features"] == ["Volume", "Open"]
    assert ExperimentConfig.from_json(text) == config


def test_from_dict_fills_missing_parts_and_refuses_unknown_keys():
    """Missing sections take defaults; an unknown section or setting is refused by name."""
    assert ExperimentConfig.from_dict({"model": {"units": 8}}).model.units == 8
    with pytest.raises(LabError, match="Unknown configuration section"):
        ExperimentConfig.from_dict({"optimiser": {}})
    with pytest.raises(LabError, match="unit"):
        ExperimentConfig.from_dict({"model": {"unit": 8}})
    with pytest.raises(LabError, match="not valid JSON"):
        ExperimentConfig.from_json("{")


def test_hashable_and_equal_by_value():
    """Equal configurations hash equal, so a configuration can key a cache."""
    a = ExperimentConfig().replace(units=8)
    b = ExperimentConfig().replace(units=8)
    assert a == b and hash(a) == hash(b)
    assert len({a, b, ExperimentConfig()}) == 2


def test_frozen():
    """A configuration cannot be changed in place."""
    with pytest.raises(dataclasses.FrozenInstanceError):
        ExperimentConfig().model.units = 3  # type: ignore[misc]


def test_replace_single_settings_and_parts():
    """`replace` changes single settings in any part, or whole parts, and validates the result."""
    config = ExperimentConfig().replace(units=64, window=20, epochs=3)
    assert (config.model.units, config.windows.window, config.train.epochs) == (64, 20, 3)
    assert config.data == ExperimentConfig().data
    assert config.replace(model=ModelConfig(units=4)).model.units == 4
    with pytest.raises(LabError, match="Unknown setting `colour`"):
        config.replace(colour="red")
    with pytest.raises(LabError, match="window=0"):
        config.replace(window=0)


def test_difference_round_trips_and_defaults_to_off():
    """`difference` survives the JSON round trip and `replace`; JSON written before it existed loads as levels."""
    config = ExperimentConfig().replace(difference="first", window=12)
    assert config.windows.difference == "first"
    text = config.to_json()
    assert json.loads(text)["windows"]["difference"] == "first"
    assert ExperimentConfig.from_json(text) == config
    old = json.loads(ExperimentConfig().to_json())
    del old["windows"]["difference"]
    assert ExperimentConfig.from_dict(old).windows.difference == "none"


@pytest.mark.parametrize(("old", "new"), [(True, "first"), (False, "none")])
def test_difference_written_as_a_bool_still_reads(old, new):
    """Configs saved when `difference` was true/false load as first differences / levels."""
    values = json.loads(ExperimentConfig().to_json())
    values["windows"]["difference"] = old
    assert ExperimentConfig.from_dict(values).windows.difference == new


@pytest.mark.parametrize("value", ["false", 1, None, "second"])
def test_difference_must_be_a_known_choice(value):
    """A `difference` that is not none, first or seasonal is refused in one sentence, even if truthy."""
    with pytest.raises(LabError, match=r"^`difference` must be one of 'none', 'first', 'seasonal'\. Received: "):
        WindowConfig(difference=value)


def test_numpy_scalars_are_accepted_as_plain_numbers():
    """Values read from a DataFrame (np.int64, np.float64, np.bool_) work like Python numbers and write to JSON."""
    config = ExperimentConfig().replace(
        units=np.int64(16), learning_rate=np.float64(0.01), window=np.int32(12), deterministic=np.bool_(True)
    )
    assert config.model.units == 16 and type(config.model.units) is int
    assert type(config.train.learning_rate) is float and type(config.train.deterministic) is bool
    assert ExperimentConfig.from_json(config.to_json()) == config
    with pytest.raises(LabError, match="whole number"):
        ExperimentConfig().replace(units=np.float64(16.5))
