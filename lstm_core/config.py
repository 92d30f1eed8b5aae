"""Every choice a user makes, as frozen, validated, hashable dataclasses.

The same names are used in the app, the command line and the JSON files: `window`,
`difference`, `units`, `layers`, `dropout`, `epochs`, `batch_size`, `learning_rate`, `forecast_steps`.
Construction validates; a bad value raises `LabError` naming the parameter and the value,
in Keras's form: "`window` must be at least 1. Received: window=0".
Caps keep one visitor from taking a whole shared server.
Defaults reproduce the classic example: LSTM(50), window 10, Dense(1), Adam, MSE, batch 32.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lstm_core.errors import LabError

__all__ = [
    "DEVICES",
    "LIMITS",
    "SCALERS",
    "DataConfig",
    "ExperimentConfig",
    "ForecastConfig",
    "ModelConfig",
    "TrainConfig",
    "WindowConfig",
]

SCALERS = ("minmax", "standard", "none")
DEVICES = ("auto", "cpu", "gpu")

# Upper bounds that keep one training within a shared server's means.
LIMITS = {
    "window": 365,
    "units": 512,
    "layers": 4,
    "epochs": 1000,
    "batch_size": 4096,
    "forecast_steps": 1000,
    "season_length": 1000,
    "patience": 1000,
}


def _check_int(name: str, value: Any, low: int, high: int | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise LabError(f"`{name}` must be a whole number. Received: {name}={value!r}")
    if value < low:
        raise LabError(f"`{name}` must be at least {low}. Received: {name}={value}")
    if high is not None and value > high:
        raise LabError(f"`{name}` must be at most {high}. Received: {name}={value}")


def _check_float(
    name: str, value: Any, low: float, high: float, *, low_open: bool = False, high_open: bool = False
) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise LabError(f"`{name}` must be a finite number. Received: {name}={value!r}")
    too_low = value <= low if low_open else value < low
    too_high = value >= high if high_open else value > high
    if too_low or too_high:
        left = "(" if low_open else "["
        right = ")" if high_open else "]"
        raise LabError(f"`{name}` must be in {left}{low}, {high}{right}. Received: {name}={value}")


def _plain_scalars(config: Any) -> None:
    """Replace NumPy scalars (np.int64 from a DataFrame, np.float32, np.bool_) by Python ones, so that
    `ModelConfig(units=np.int64(64))` is accepted like 64 and the config still writes to JSON."""
    for item in dataclasses.fields(config):
        value = getattr(config, item.name)
        if isinstance(value, np.generic):
            object.__setattr__(config, item.name, value.item())


def _check_bool(name: str, value: Any) -> None:
    # Only a real bool: JSON "true"/"false" arrive as bools, while a string like "false" would be truthy.
    if not isinstance(value, bool):
        raise LabError(f"`{name}` must be true or false. Received: {name}={value!r}")


def _check_choice(name: str, value: Any, choices: tuple[str, ...]) -> None:
    if value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise LabError(f"`{name}` must be one of {options}. Received: {name}={value!r}")


@dataclass(frozen=True)
class DataConfig:
    """Where the series comes from and which columns to use.

    `source` is a CSV path, `sample:NAME` or `yahoo:TICKER`. `column` is the target (None:
    the first numeric column, or `Close` for prices); `features` are extra input columns.
    """

    source: str = "sample:airline-passengers"
    column: str | None = None
    date_column: str | None = None
    features: tuple[str, ...] = ()
    period: str = "5y"
    interval: str = "1d"

    def __post_init__(self) -> None:
        _plain_scalars(self)
        if not isinstance(self.source, str) or not self.source.strip():
            raise LabError(
                f"`source` must be a CSV path, sample:NAME or yahoo:TICKER. Received: source={self.source!r}"
            )
        object.__setattr__(self, "features", tuple(self.features))


@dataclass(frozen=True)
class WindowConfig:
    """How the series is cut: `window` past steps predict the next value.

    `difference`: the network learns the target's first differences (the change from one step
    to the next) instead of its levels; forecasts are mapped back to levels.
    """

    window: int = 10
    val_fraction: float = 0.1
    test_fraction: float = 0.2
    scaler: str = "minmax"
    difference: bool = False

    def __post_init__(self) -> None:
        _plain_scalars(self)
        _check_int("window", self.window, 1, LIMITS["window"])
        _check_float("val_fraction", self.val_fraction, 0.0, 0.5, high_open=True)
        _check_float("test_fraction", self.test_fraction, 0.0, 0.5, low_open=True, high_open=True)
        if self.val_fraction + self.test_fraction >= 0.8:
            raise LabError(
                "`val_fraction` + `test_fraction` must leave at least 20% of the series for training. "
                f"Received: val_fraction={self.val_fraction}, test_fraction={self.test_fraction}"
            )
        _check_choice("scaler", self.scaler, SCALERS)
        _check_bool("difference", self.difference)


@dataclass(frozen=True)
class ModelConfig:
    """A stack of `layers` LSTM layers of `units` each, then Dense(1).

    `recurrent_dropout` > 0 disables the fast fused (cuDNN) kernel on GPU: training gets
    several times slower there.
    """

    units: int = 50
    layers: int = 1
    dropout: float = 0.0
    recurrent_dropout: float = 0.0

    def __post_init__(self) -> None:
        _plain_scalars(self)
        _check_int("units", self.units, 1, LIMITS["units"])
        _check_int("layers", self.layers, 1, LIMITS["layers"])
        _check_float("dropout", self.dropout, 0.0, 0.9)
        _check_float("recurrent_dropout", self.recurrent_dropout, 0.0, 0.9)


@dataclass(frozen=True)
class TrainConfig:
    """How to fit: Adam on mean squared error, with optional early stopping."""

    epochs: int = 100
    batch_size: int = 32
    learning_rate: float = 0.001
    patience: int | None = None
    seed: int = 0
    device: str = "auto"

    def __post_init__(self) -> None:
        _plain_scalars(self)
        _check_int("epochs", self.epochs, 1, LIMITS["epochs"])
        _check_int("batch_size", self.batch_size, 1, LIMITS["batch_size"])
        _check_float("learning_rate", self.learning_rate, 0.0, 1.0, low_open=True)
        if self.patience is not None:
            _check_int("patience", self.patience, 1, LIMITS["patience"])
        _check_int("seed", self.seed, 0, 2**31 - 1)
        _check_choice("device", self.device, DEVICES)


@dataclass(frozen=True)
class ForecastConfig:
    """The future forecast and the seasonal baseline."""

    forecast_steps: int = 12
    season_length: int | None = None  # None: inferred from the series' frequency

    def __post_init__(self) -> None:
        _plain_scalars(self)
        _check_int("forecast_steps", self.forecast_steps, 0, LIMITS["forecast_steps"])
        if self.season_length is not None:
            _check_int("season_length", self.season_length, 2, LIMITS["season_length"])


_PARTS = {
    "data": DataConfig,
    "windows": WindowConfig,
    "model": ModelConfig,
    "train": TrainConfig,
    "forecast": ForecastConfig,
}


@dataclass(frozen=True)
class ExperimentConfig:
    """One experiment: all five parts. Hashable, so it can key a cache; JSON round-trips."""

    data: DataConfig = field(default_factory=DataConfig)
    windows: WindowConfig = field(default_factory=WindowConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    forecast: ForecastConfig = field(default_factory=ForecastConfig)

    def to_dict(self) -> dict[str, dict[str, Any]]:
        out = dataclasses.asdict(self)
        out["data"]["features"] = list(self.data.features)
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> ExperimentConfig:
        if not isinstance(values, dict):
            raise LabError(f"A configuration must be a JSON object. Received: {type(values).__name__}")
        unknown = set(values) - set(_PARTS)
        if unknown:
            raise LabError(
                f"Unknown configuration section(s): {', '.join(sorted(unknown))}. Known: {', '.join(_PARTS)}"
            )
        parts = {}
        for name, part_cls in _PARTS.items():
            given = dict(values.get(name) or {})
            known = {f.name for f in dataclasses.fields(part_cls)}
            extra = set(given) - known
            if extra:
                raise LabError(
                    f"Unknown setting(s) in `{name}`: {', '.join(sorted(extra))}. Known: {', '.join(sorted(known))}"
                )
            if "features" in given:
                given["features"] = tuple(given["features"] or ())
            parts[name] = part_cls(**given)
        return cls(**parts)

    @classmethod
    def from_json(cls, text: str) -> ExperimentConfig:
        try:
            values = json.loads(text)
        except json.JSONDecodeError as exc:
            raise LabError(f"The configuration is not valid JSON ({exc.msg} at line {exc.lineno}).") from None
        return cls.from_dict(values)

    def replace(self, **parts: Any) -> ExperimentConfig:
        """A copy with whole parts or single settings changed: `replace(units=64, window=20)`."""
        updates: dict[str, Any] = {}
        for key, value in parts.items():
            if key in _PARTS:
                updates[key] = value
                continue
            for name, part_cls in _PARTS.items():
                if key in {f.name for f in dataclasses.fields(part_cls)}:
                    current = updates.get(name, getattr(self, name))
                    updates[name] = dataclasses.replace(current, **{key: value})
                    break
            else:
                raise LabError(f"Unknown setting `{key}`.")
        return dataclasses.replace(self, **updates)
