"""Share links: an experiment's data source and every setting as flat text parameters, and back.

`config_to_params(config)` gives one parameter per setting (its field name; the data source is `data`),
written in full so a link means the same thing after the defaults change. Values: numbers as Python
writes them, booleans `true`/`false`, an unset optional setting `none`, lists comma-separated.
An uploaded file cannot travel in a link: for a source `upload:NAME` the data settings are left out and
`upload=NAME` says which file it was. `config_from_params(params, base)` reads them back over `base`
(parameters it does not know, such as the workspace `ws`, are ignored; a bad value raises LabError).

Any other config part declared with `setting()` (a `BacktestConfig`, a `SweepConfig`) goes into a link and back the
same way with `settings_to_params(part)` and `settings_from_params(params, base)`, one parameter per field name.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from lstm_core.config.options import parse_texts
from lstm_core.config.setting import settings_of
from lstm_core.config.settings import ExperimentConfig
from lstm_core.config.source import SourceKind
from lstm_core.errors import LabError

__all__ = [
    "UPLOAD_KEY",
    "config_from_params",
    "config_to_params",
    "link_keys",
    "settings_from_params",
    "settings_to_params",
]

UPLOAD_KEY = "upload"
_TRUE, _FALSE = {"true", "1", "yes", "on"}, {"false", "0", "no", "off"}


def _settings() -> list[tuple[str, str, dataclasses.Field]]:
    """(part, parameter name, field) for every setting; the data source's parameter is `data`."""
    out = []
    for part in dataclasses.fields(ExperimentConfig):
        for item in settings_of(part.default_factory):  # type: ignore[arg-type]
            out.append((part.name, "data" if item.name == "source" else item.name, item))
    return out


_SETTINGS = _settings()


def link_keys() -> tuple[str, ...]:
    """Every parameter a share link may carry."""
    return (*(key for _, key, _ in _SETTINGS), UPLOAD_KEY)


def _text(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ",".join(f"{v:g}" if isinstance(v, float) else str(v) for v in value)
    return str(value)


def config_to_params(config: ExperimentConfig) -> dict[str, str]:
    """Every setting of `config` as text parameters (see the module docstring)."""
    source = config.data.data_source
    upload = source.kind == SourceKind.UPLOAD
    params = {}
    for part, key, item in _SETTINGS:
        if upload and part == "data":
            continue
        params[key] = _text(getattr(getattr(config, part), item.name))
    if upload:
        params[UPLOAD_KEY] = source.name
    return params


def _value(key: str, text: str, meta: Mapping[str, Any]) -> Any:
    text = text.strip()
    kind = meta["kind"]
    if meta["optional"] and text.lower() in ("none", ""):
        return None
    try:
        if kind == "int":
            return int(text)
        if kind == "float":
            return float(text)
        if kind == "numbers":
            return () if text.lower() == "none" else tuple(float(v) for v in parse_texts(text))
    except ValueError:
        raise LabError(f"The link's `{key}` must be a number. Received: {key}={text!r}") from None
    if kind == "bool":
        if text.lower() not in _TRUE | _FALSE:
            raise LabError(f"The link's `{key}` must be true or false. Received: {key}={text!r}")
        return text.lower() in _TRUE
    if kind == "texts":
        return parse_texts(text)
    return text


def config_from_params(params: Mapping[str, str], base: ExperimentConfig | None = None) -> ExperimentConfig:
    """The config a link describes, over `base` (default: the defaults); raises LabError for a bad value."""
    config = base or ExperimentConfig()
    parts: dict[str, dict[str, Any]] = {}
    for part, key, item in _SETTINGS:
        if key in params:
            parts.setdefault(part, {})[item.name] = _value(key, str(params[key]), item.metadata)
    if not parts:
        return config
    updates = {name: dataclasses.replace(getattr(config, name), **values) for name, values in parts.items()}
    return dataclasses.replace(config, **updates)


def settings_to_params(part: Any) -> dict[str, str]:
    """Every setting of one config part (e.g. a SweepConfig) as text parameters named by its fields."""
    return {item.name: _text(getattr(part, item.name)) for item in settings_of(type(part))}


def settings_from_params(params: Mapping[str, str], base: Any) -> Any:
    """`base` (a config part) with every setting `params` carries; others are ignored; LabError for a bad value."""
    given = {
        item.name: _value(item.name, str(params[item.name]), item.metadata)
        for item in settings_of(type(base))
        if item.name in params
    }
    return dataclasses.replace(base, **given) if given else base
