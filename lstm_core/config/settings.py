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
    "BacktestConfig",
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


def setting(
    default: Any,
    *,
    kind: str,
    help: str,
    label: str | None = None,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    choices: tuple[str, ...] = (),
    labels: dict[str, str] | None = None,
    step: float | None = None,
    flag: str | None = None,
    const: Any = None,
    optional: bool = False,
) -> Any:
    """A config field with everything the command line, the form and validation need to know about it.

    `kind`: "int", "float", "bool", "choice", "text", "texts" (tuple of str) or "numbers" (tuple of float).
    `low`/`high`: the limits (inclusive unless `*_open`); `optional`: None is allowed (off / inferred).
    `flag`: the command-line option if not `--name-with-dashes`; `const`: the value of a bare flag.
    """
    metadata = {
        "kind": kind,
        "help": help,
        "label": label or help,
        "low": low,
        "high": high,
        "low_open": low_open,
        "high_open": high_open,
        "choices": choices,
        "labels": labels or {},
        "step": step,
        "flag": flag,
        "const": const,
        "optional": optional,
    }
    return field(default=default, metadata=metadata)


def settings_of(part: type) -> list[dataclasses.Field]:
    """The fields of a config part that carry `setting` metadata, in declaration order."""
    return [item for item in dataclasses.fields(part) if "kind" in item.metadata]


def _check_int(name: str, value: Any, low: int, high: int | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise LabError(f"`{name}` must be a whole number. Received: {name}={value!r}")
    if value < low:
        raise LabError(f"`{name}` must be at least {low}. Received: {name}={value}")
    if high is not None and value > high:
        raise LabError(f"`{name}` must be at most {high}. Received: {name}={value}")


def _check_float(
    name: str, value: Any, low: float, high: float | None, *, low_open: bool = False, high_open: bool = False
) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise LabError(f"`{name}` must be a finite number. Received: {name}={value!r}")
    too_low = value <= low if low_open else value < low
    if high is None:
        if too_low:
            bound = "above" if low_open else "at least"
            raise LabError(f"`{name}` must be {bound} {low:g}. Received: {name}={value}")
        return
    too_high = value >= high if high_open else value > high
    if too_low or too_high:
        left = "(" if low_open else "["
        right = ")" if high_open else "]"
        raise LabError(f"`{name}` must be in {left}{low}, {high}{right}. Received: {name}={value}")


def _check_bool(name: str, value: Any) -> None:
    # Only a real bool: JSON "true"/"false" arrive as bools, while a string like "false" would be truthy.
    if not isinstance(value, bool):
        raise LabError(f"`{name}` must be true or false. Received: {name}={value!r}")


def _check_choice(name: str, value: Any, choices: tuple[str, ...]) -> None:
    if value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise LabError(f"`{name}` must be one of {options}. Received: {name}={value!r}")


def _plain(value: Any) -> Any:
    """NumPy scalars (np.int64 from a DataFrame, np.float32, np.bool_) as Python ones, so that
    `ModelConfig(units=np.int64(64))` is accepted like 64 and the config still writes to JSON."""
    return value.item() if isinstance(value, np.generic) else value


def validate_settings(config: Any) -> None:
    """Check every `setting` field of a config part against its metadata (Keras-style messages)."""
    for item in settings_of(type(config)):
        object.__setattr__(config, item.name, check_setting(item, getattr(config, item.name)))


def check_setting(item: dataclasses.Field, value: Any, *, name: str | None = None) -> Any:
    """`value` checked against the setting's metadata and returned as the config holds it (NumPy scalars as Python
    ones, lists as tuples); raises LabError naming the setting (or `name`, e.g. a command-line option)."""
    meta = item.metadata
    name = name or item.name
    value = _plain(value)
    if meta["kind"] in ("texts", "numbers"):
        value = tuple(_plain(v) for v in (value or ()))
    if value is None and meta["optional"]:
        return value
    _check_kind(name, value, meta)
    return value


def _check_kind(name: str, value: Any, meta: Any) -> None:
    kind = meta["kind"]
    if kind == "int":
        _check_int(name, value, int(meta["low"]), None if meta["high"] is None else int(meta["high"]))
    elif kind == "float":
        _check_float(name, value, meta["low"], meta["high"], low_open=meta["low_open"], high_open=meta["high_open"])
    elif kind == "bool":
        _check_bool(name, value)
    elif kind == "choice":
        _check_choice(name, value, meta["choices"])
    elif kind == "texts":
        if not all(isinstance(v, str) for v in value):
            raise LabError(f"`{name}` must be a list of column names. Received: {name}={list(value)!r}")
    elif kind == "numbers":
        for number in value:
            _check_float(name, number, meta["low"], meta["high"], low_open=meta["low_open"], high_open=True)
    elif kind == "text" and not isinstance(value, str):
        raise LabError(f"`{name}` must be text. Received: {name}={value!r}")


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


@dataclass(frozen=True)
class BacktestConfig:
    """A walk-forward backtest: forecast origins from `start` to the end every `stride` steps.

    `start`: a fraction of the series in (0, 1) or a date; `horizon`: steps forecast from each origin;
    `window_type`: the training data grows with the origin ("expanding") or keeps its length ("sliding");
    `retrain`: "never" (train once before the first origin, then roll forward) or every K folds
    (a whole number as text, e.g. "5"); `strategy`: feed predictions back ("recursive") or one output
    per horizon step ("direct").
    """

    start: str = setting(
        "0.7",
        kind="text",
        label="First origin (fraction of the series or a date)",
        help="first forecast origin: a fraction of the series (e.g. 0.7) or a date (e.g. 1958-01-01)",
    )
    horizon: int = setting(
        12,
        kind="int",
        low=1,
        high=LIMITS["forecast_steps"],
        label="Horizon (steps forecast per fold)",
        help="steps forecast from each origin",
    )
    stride: int = setting(
        1, kind="int", low=1, high=100_000, label="Stride (steps between origins)", help="steps between two origins"
    )
    window_type: str = setting(
        "expanding",
        kind="choice",
        choices=WINDOW_TYPES,
        label="Training window",
        help="training data before each origin: all of it, or a fixed length",
    )
    retrain: str = setting(
        "never",
        kind="text",
        label="Retrain (never, or every K folds)",
        help="`never` (train once, roll forward) or K: retrain every K folds",
    )
    strategy: str = setting(
        "recursive",
        kind="choice",
        choices=STRATEGIES,
        label="Multi-step strategy",
        help="multi-step forecasts: feed predictions back, or one output per step",
    )

    def __post_init__(self) -> None:
        if isinstance(self.start, (int, float)) and not isinstance(self.start, bool):
            object.__setattr__(self, "start", repr(float(self.start)))
        if isinstance(self.retrain, int) and not isinstance(self.retrain, bool):
            object.__setattr__(self, "retrain", str(self.retrain))
        validate_settings(self)
        start = self.start_fraction
        if start is not None and not 0.0 < start < 1.0:
            raise LabError(f"`start` must be a fraction in (0, 1) or a date. Received: start={self.start!r}")
        if start is None:
            try:
                import pandas as pd

                pd.Timestamp(self.start)
            except (ValueError, TypeError):
                raise LabError(
                    f"`start` must be a fraction in (0, 1) or a date. Received: start={self.start!r}"
                ) from None
        if self.retrain != "never" and (not self.retrain.isdigit() or int(self.retrain) < 1):
            raise LabError(
                "`retrain` must be `never` or a whole number of folds of at least 1. "
                f"Received: retrain={self.retrain!r}"
            )

    @property
    def start_fraction(self) -> float | None:
        """`start` as a fraction of the series, or None when it is a date."""
        try:
            return float(self.start)
        except ValueError:
            return None

    @property
    def retrain_every(self) -> int | None:
        """Retrain every this many folds, or None for never."""
        return None if self.retrain == "never" else int(self.retrain)


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

    A backtest's own settings are a separate `BacktestConfig`.
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
