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
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lstm_core.config.setting import setting, validate_settings
from lstm_core.config.source import DataSource
from lstm_core.errors import LabError

__all__ = [
    "CELLS",
    "CONFIG_VERSION",
    "DEVICES",
    "DIFFERENCES",
    "LIMITS",
    "SCALERS",
    "STRATEGIES",
    "WINDOW_TYPES",
    "DataConfig",
    "ExperimentConfig",
    "ForecastConfig",
    "ModelConfig",
    "TrainConfig",
    "WindowConfig",
]

SCALERS = ("minmax", "standard", "none")
SCALER_LABELS = {"minmax": "min-max (0 to 1)", "standard": "standard (mean 0, std 1)", "none": "none"}
DEVICES = ("auto", "cpu", "gpu")
DEVICE_LABELS = {"auto": "auto", "cpu": "CPU", "gpu": "GPU"}
DIFFERENCES = ("none", "first", "seasonal")
DIFFERENCE_LABELS = {
    "none": "no: levels",
    "first": "first: change since the last step",
    "seasonal": "seasonal: change since last season",
}
WINDOW_TYPES = ("expanding", "sliding")
# config.json's `version`: raised when a newer file could mean something this code would misread. A file
# without `version` (written before it existed) reads as version 1.
CONFIG_VERSION = 1
STRATEGIES = ("recursive", "direct")
# The recurrent cell (nn/weights.py's CELLS, restated so the config imports nothing of nn).
CELLS = ("lstm", "gru", "rnn")
CELL_LABELS = {"lstm": "LSTM", "gru": "GRU", "rnn": "plain RNN (SimpleRNN)"}

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
    "seeds": 10,
    "trials": 10_000,  # a sweep's study, all workers together
}


@dataclass(frozen=True)
class DataConfig:
    """Where the series comes from and which columns to use.

    `source` is a CSV path, `sample:NAME` or `yahoo:TICKER` (or `upload:NAME`, a file given in the app), kept as
    that text; `data_source` is it parsed. `column` is the target (None: the first numeric column, or `Close` for
    prices); `features` are extra input columns.
    """

    source: str = setting(
        "sample:airline-passengers", kind="text", help="a CSV path, sample:NAME or yahoo:TICKER", flag="--data"
    )
    column: str | None = setting(None, kind="text", optional=True, help="target column (default: detected)")
    date_column: str | None = setting(
        None, kind="text", optional=True, help="date column (default: detected; `none`: rows in file order)"
    )
    features: tuple[str, ...] = setting((), kind="texts", help="extra input columns, comma-separated")
    period: str = setting("5y", kind="text", help="Yahoo period, e.g. 1y, 5y, max")
    interval: str = setting("1d", kind="text", help="Yahoo interval, e.g. 1d, 1wk")

    def __post_init__(self) -> None:
        if not isinstance(self.source, str) or not self.source.strip():
            raise LabError(
                f"`source` must be a CSV path, sample:NAME or yahoo:TICKER. Received: source={self.source!r}"
            )
        validate_settings(self)

    @property
    def data_source(self) -> DataSource:
        """`source` parsed: its kind (sample, yahoo, upload or path) and its name."""
        return DataSource.parse(self.source)


@dataclass(frozen=True)
class WindowConfig:
    """How the series is cut: `window` past steps predict the next value.

    `difference`: what the network learns for the target — its levels ("none"), its first
    differences y_t - y_{t-1} ("first") or its seasonal differences y_t - y_{t-s} ("seasonal", s the
    season length); forecasts are mapped back to levels. JSON `true`/`false` (older files) read as
    "first"/"none".
    """

    window: int = setting(
        10,
        kind="int",
        low=1,
        high=LIMITS["window"],
        label="Window (past steps per prediction)",
        help="past steps the model sees to predict the next value",
    )
    val_fraction: float = setting(
        0.1,
        kind="float",
        low=0.0,
        high=0.5,
        high_open=True,
        step=0.05,
        label="Validation fraction",
        help="chronological validation part",
    )
    test_fraction: float = setting(
        0.2,
        kind="float",
        low=0.0,
        high=0.5,
        low_open=True,
        high_open=True,
        step=0.05,
        label="Test fraction",
        help="chronological test part",
    )
    scaler: str = setting(
        "minmax",
        kind="choice",
        choices=SCALERS,
        label="Scaler (fit on the training part only)",
        labels=SCALER_LABELS,
        help="scaling fit on the training part only",
    )
    difference: str = setting(
        "none",
        kind="choice",
        choices=DIFFERENCES,
        const="first",
        labels=DIFFERENCE_LABELS,
        label="Predict differences",
        help="learn levels (none), the change from one step to the next (first: helps on trending series) or "
        "from the same step last season (seasonal); forecasts and metrics stay in the series' units",
    )

    def __post_init__(self) -> None:
        if isinstance(self.difference, (bool, np.bool_)):  # configs written before seasonal differences
            object.__setattr__(self, "difference", "first" if self.difference else "none")
        validate_settings(self)
        if self.val_fraction + self.test_fraction >= 0.8:
            raise LabError(
                "`val_fraction` + `test_fraction` must leave at least 20% of the series for training. "
                f"Received: val_fraction={self.val_fraction}, test_fraction={self.test_fraction}"
            )


@dataclass(frozen=True)
class ModelConfig:
    """A stack of `layers` recurrent layers of `units` each, then Dense(1).

    `cell`: "lstm" (default), "gru" (Keras's GRU, reset_after=True) or "rnn" (a plain SimpleRNN).
    `recurrent_dropout` > 0 disables the fast fused (cuDNN) kernel on GPU: training gets
    several times slower there.
    """

    cell: str = setting(
        "lstm",
        kind="choice",
        choices=CELLS,
        labels=CELL_LABELS,
        label="Cell",
        help="the recurrent cell: an LSTM, a GRU (update and reset gates, no cell state) or a plain RNN "
        "(h = tanh(x·W + h·U + b), whose gradient fades over long lags)",
    )
    units: int = setting(
        50,
        kind="int",
        low=1,
        high=LIMITS["units"],
        label="Units per LSTM layer",
        help="size of the hidden and cell state of each layer",
    )
    layers: int = setting(
        1,
        kind="int",
        low=1,
        high=LIMITS["layers"],
        label="LSTM layers",
        help="stacked LSTM layers: each reads the previous layer's hidden states",
    )
    dropout: float = setting(
        0.0,
        kind="float",
        low=0.0,
        high=0.9,
        step=0.05,
        label="Dropout after each layer",
        help="randomly zeroes outputs during training; one way to fight overfitting",
    )
    recurrent_dropout: float = setting(
        0.0,
        kind="float",
        low=0.0,
        high=0.9,
        step=0.05,
        label="Recurrent dropout",
        help="dropout inside the recurrence; > 0 disables the fast GPU kernel",
    )
    l2: float = setting(
        0.0,
        kind="float",
        low=0.0,
        high=1.0,
        step=0.0001,
        label="L2 penalty on the weights",
        help="adds l2 x the sum of squared weights (kernels, recurrent kernels, head) to the training loss; "
        "another way to fight overfitting (the reported training loss includes it)",
    )

    def __post_init__(self) -> None:
        validate_settings(self)


@dataclass(frozen=True)
class TrainConfig:
    """How to fit: Adam on mean squared error, with optional early stopping.

    `seeds` > 1 trains a seed ensemble (seeds `seed`, `seed + 1`, ...); `deterministic` also turns on
    the backend's deterministic ops, so one config gives the same numbers twice on one machine.
    """

    epochs: int = setting(100, kind="int", low=1, high=LIMITS["epochs"], label="Epochs", help="passes over the data")
    batch_size: int = setting(
        32, kind="int", low=1, high=LIMITS["batch_size"], label="Batch size", help="windows per gradient step"
    )
    learning_rate: float = setting(
        0.001,
        kind="float",
        low=0.0,
        high=1.0,
        low_open=True,
        step=0.0005,
        label="Learning rate (Adam)",
        help="Adam's step size",
    )
    patience: int | None = setting(
        None,
        kind="int",
        low=1,
        high=LIMITS["patience"],
        optional=True,
        label="Early-stopping patience (0 = off)",
        help="stop after this many epochs without a better validation loss; the best weights are kept",
    )
    seed: int = setting(0, kind="int", low=0, high=2**31 - 1, label="Seed", help="makes a run reproducible")
    seeds: int = setting(
        1,
        kind="int",
        low=1,
        high=LIMITS["seeds"],
        label="Seeds (ensemble size)",
        help="train this many seeds of the model and average them; metrics get a spread",
    )
    deterministic: bool = setting(
        False,
        kind="bool",
        label="Deterministic",
        help="seed everything and use the backend's deterministic ops (slower)",
    )
    device: str = setting(
        "auto", kind="choice", choices=DEVICES, labels=DEVICE_LABELS, label="Device", help="where to train"
    )
    input_noise: float = setting(
        0.0,
        kind="float",
        low=0.0,
        high=1.0,
        step=0.01,
        label="Input noise (training only)",
        help="standard deviation of Gaussian noise added to every training window's inputs (scaled units), a "
        "training-only augmentation against overfitting; validation, test and forecasts see the clean inputs",
    )

    def __post_init__(self) -> None:
        validate_settings(self)


@dataclass(frozen=True)
class ForecastConfig:
    """The future forecast, the seasonal baseline and the prediction intervals (levels in percent)."""

    forecast_steps: int = setting(
        12,
        kind="int",
        low=0,
        high=LIMITS["forecast_steps"],
        label="Forecast steps into the future",
        help="future values forecast recursively (each prediction fed back)",
    )
    season_length: int | None = setting(
        None,
        kind="int",
        low=2,
        high=LIMITS["season_length"],
        optional=True,
        label="Season length",
        help="season of the seasonal naive, ETS and Theta (default: from the date frequency, 12 for monthly data)",
    )
    levels: tuple[float, ...] = setting(
        (80.0, 95.0),
        kind="numbers",
        low=0.0,
        high=100.0,
        low_open=True,
        label="Interval levels (%)",
        help="prediction-interval levels in percent, comma-separated (`none`: no intervals)",
    )

    def __post_init__(self) -> None:
        validate_settings(self)


_PARTS = {
    "data": DataConfig,
    "windows": WindowConfig,
    "model": ModelConfig,
    "train": TrainConfig,
    "forecast": ForecastConfig,
}


@dataclass(frozen=True)
class ExperimentConfig:
    """One experiment: all five parts. Hashable, so it can key a cache; JSON round-trips.

    A backtest's own settings are a separate `BacktestConfig` (lstm_core.config.backtest).
    """

    data: DataConfig = field(default_factory=DataConfig)
    windows: WindowConfig = field(default_factory=WindowConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    forecast: ForecastConfig = field(default_factory=ForecastConfig)

    def to_dict(self) -> dict[str, dict[str, Any]]:
        out = dataclasses.asdict(self)
        out["data"]["features"] = list(self.data.features)
        out["forecast"]["levels"] = list(self.forecast.levels)
        return out

    def to_json(self, *, data_fingerprint: str | None = None) -> str:
        """config.json: `version`, the five parts and, when given, the data's fingerprint (records.fingerprint)."""
        head: dict[str, Any] = {"version": CONFIG_VERSION}
        if data_fingerprint:
            head["data_fingerprint"] = data_fingerprint
        return json.dumps({**head, **self.to_dict()}, indent=2)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> ExperimentConfig:
        if not isinstance(values, dict):
            raise LabError(f"A configuration must be a JSON object. Received: {type(values).__name__}")
        values = dict(values)
        version = values.pop("version", 1)
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise LabError(f"`version` must be a whole number of at least 1. Received: version={version!r}")
        if version > CONFIG_VERSION:
            raise LabError(
                f"This configuration was written by a newer LSTM Lab (version {version}; this one reads up to "
                f"{CONFIG_VERSION}); update LSTM Lab to run it."
            )
        fingerprint = values.pop("data_fingerprint", None)
        if fingerprint is not None and not isinstance(fingerprint, str):
            raise LabError(f"`data_fingerprint` must be text. Received: data_fingerprint={fingerprint!r}")
        unknown = set(values) - set(_PARTS)
        if unknown:
            raise LabError(
                f"Unknown configuration section(s): {', '.join(sorted(unknown))}. "
                f"Known: version, data_fingerprint, {', '.join(_PARTS)}"
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
