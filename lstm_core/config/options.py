"""Command-line options derived from the config dataclasses: one source of truth per setting.

Every field made with `config.setting(...)` becomes an option `--name-with-dashes` (or its `flag`)
with its help, type and choices. Options the user does not give are absent from the parsed
namespace, so `config_from_args` can lay them over any base: the defaults, or a `--config` file.
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Mapping
from typing import Any

from lstm_core.config.setting import check_setting, settings_of
from lstm_core.config.settings import ExperimentConfig
from lstm_core.errors import LabError

__all__ = [
    "RUN_PARTS",
    "add_config_options",
    "config_from_args",
    "given_settings",
    "parse_numbers",
    "parse_texts",
    "part_from_args",
    "settings_arguments",
]

RUN_PARTS = ("data", "windows", "model", "train", "forecast")  # the parts of an ExperimentConfig

_NONE_WORDS = {"none", "off", ""}


def parse_texts(text: str) -> tuple[str, ...]:
    """`a, b,c` -> ("a", "b", "c"); empty items dropped."""
    return tuple(item.strip() for item in text.split(",") if item.strip())


def parse_numbers(text: str) -> tuple[float, ...]:
    """`80,95` -> (80.0, 95.0); `none` -> () (turns the setting off)."""
    if text.strip().lower() in _NONE_WORDS:
        return ()
    try:
        return tuple(float(item) for item in parse_texts(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected numbers separated by commas, e.g. 80,95; got {text!r}") from None


def settings_arguments(cls: type, values: Mapping[str, Any]) -> list[str]:
    """The options that give `values` (settings of `cls` by name, as stored) back to `add_config_options`' parser:
    `given_settings`' inverse. Settings absent, None or empty are left to their defaults; a bool is its flag."""
    arguments = []
    for item in dataclasses.fields(cls):
        value = values.get(item.name)
        if value is None or (isinstance(value, (list, tuple)) and not value):
            continue
        if item.metadata["kind"] == "bool":
            arguments += [_flag(item)] if value else []
            continue
        text = ",".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)
        arguments.append(f"{_flag(item)}={text}")
    return arguments


def _flag(item: dataclasses.Field) -> str:
    return item.metadata["flag"] or "--" + item.name.replace("_", "-")


def _help(item: dataclasses.Field, default: Any) -> str:
    text = item.metadata["help"]
    if item.metadata["kind"] == "bool" or default in (None, ()):
        return text
    shown = ",".join(f"{v:g}" for v in default) if isinstance(default, tuple) else default
    return f"{text} (default: {shown})"


def add_config_options(parser: argparse.ArgumentParser, parts: tuple[str, ...] | tuple[type, ...] = RUN_PARTS) -> None:
    """Add one option per setting of the config parts (ExperimentConfig part names, or config classes such as
    BacktestConfig and SweepConfig); given options land in `args.<field name>`."""
    defaults = ExperimentConfig()
    for part in parts:
        instance = getattr(defaults, part) if isinstance(part, str) else part()
        title = part if isinstance(part, str) else part.__name__.removesuffix("Config").lower()
        group = parser.add_argument_group(f"{title} settings")
        for item in settings_of(type(instance)):
            meta, default = item.metadata, getattr(instance, item.name)
            options: dict[str, Any] = {"dest": item.name, "default": argparse.SUPPRESS, "help": _help(item, default)}
            if meta["flag"]:
                options["metavar"] = meta["flag"].strip("-").upper()
            kind = meta["kind"]
            if kind == "bool":
                options["action"] = "store_true"
            elif kind == "choice":
                options["choices"] = meta["choices"]
                if meta["const"] is not None:  # a bare `--difference` means first differences
                    options.update(nargs="?", const=meta["const"])
            elif kind == "int":
                options["type"] = _none_or(int) if meta["optional"] else int
            elif kind == "float":
                options["type"] = _none_or(float) if meta["optional"] else float
            elif kind == "texts":
                options["type"] = parse_texts
            elif kind == "numbers":
                options["type"] = parse_numbers
            group.add_argument(_flag(item), **options)


def _none_or(convert):
    def parse(text: str):
        return None if text.strip().lower() in _NONE_WORDS else convert(text)

    parse.__name__ = convert.__name__  # argparse names the type in its message: "invalid int value"
    return parse


def part_from_args(args: argparse.Namespace, part: Any) -> Any:
    """A config part (an instance, e.g. `BacktestConfig()`) with every option of its settings the user gave."""
    given = {item.name: getattr(args, item.name) for item in settings_of(type(part)) if hasattr(args, item.name)}
    return dataclasses.replace(part, **given) if given else part


def given_settings(args: argparse.Namespace, part: type, *, flags: bool = False) -> dict[str, Any]:
    """The settings of the config class `part` that the user gave, each checked alone (LabError for a bad value);
    with `flags` the sentence names the option (`--trials`) instead of the setting (`trials`)."""
    return {
        item.name: check_setting(item, getattr(args, item.name), name=_flag(item) if flags else None)
        for item in settings_of(part)
        if hasattr(args, item.name)
    }


def config_from_args(args: argparse.Namespace, base: ExperimentConfig | None = None) -> ExperimentConfig:
    """`base` (default: the defaults) with every option the user gave; raises LabError for a bad value."""
    config = base or ExperimentConfig()
    updates = {}
    for part in dataclasses.fields(config):
        for item in settings_of(type(getattr(config, part.name))):
            if hasattr(args, item.name):
                updates[item.name] = getattr(args, item.name)
    if not updates:
        return config
    try:
        return config.replace(**updates)
    except TypeError as exc:  # pragma: no cover - a field without a setting; a bug, not bad input
        raise LabError(str(exc)) from None
