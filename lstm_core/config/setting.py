"""A setting: a config field declared with everything the command line, the form and validation need
(`setting()`), the fields of a part that carry it (`settings_of`), and their checks, with Keras-style messages:
"`window` must be at least 1. Received: window=0". Every config part (lstm_core.config.settings, backtest,
benchmark, sweep) declares its fields with it.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import field
from typing import Any

import numpy as np

from lstm_core.errors import LabError

__all__ = ["check_setting", "setting", "settings_of", "validate_settings"]


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
