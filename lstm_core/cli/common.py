"""What every command shares: the config a command runs, the dataset it names, and how numbers print."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from lstm_core.config.options import RUN_PARTS, config_from_args
from lstm_core.config.settings import ExperimentConfig
from lstm_core.config.source import SourceKind
from lstm_core.data.dataset import Dataset
from lstm_core.errors import LabError

__all__ = ["experiment_config", "load_with_notes", "number"]


def experiment_config(args: argparse.Namespace, parts: tuple[str, ...] = RUN_PARTS) -> ExperimentConfig:
    """The config a command runs: `--config FILE` if given, else the defaults, with the options given on top."""
    base = ExperimentConfig()
    if getattr(args, "config", None):
        try:
            text = Path(args.config).read_text(encoding="utf-8")
        except OSError as exc:
            raise LabError(f"The config file {args.config} cannot be read ({exc.strerror}). Check the path.") from None
        base = ExperimentConfig.from_json(text)
        args.data_fingerprint = json.loads(text).get("data_fingerprint")
    config = config_from_args(args, base)
    if not getattr(args, "config", None) and not hasattr(args, "source"):
        raise LabError(
            "the following arguments are required: --data (or --config). See `python -m lstm_core run --help`."
        )
    source = config.data.data_source
    if source.kind == SourceKind.UPLOAD:
        raise LabError(
            f"This config was made from an uploaded file ({source.name}); give that file again with --data FILE."
        )
    return config


def load_with_notes(config: ExperimentConfig) -> Dataset:
    """The dataset `config.data` names (`sources.load_config`), its loader notes printed as `note:` lines on stderr."""
    from lstm_core.data.sources import load_config

    dataset = load_config(config.data)
    for note in dataset.notes:
        print(f"note: {note}", file=sys.stderr)
    return dataset


def number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4g}"
