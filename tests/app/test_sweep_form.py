"""The Sweep form's budget, pruner, objective and horizon come from SweepConfig, as the command line's do."""

from __future__ import annotations

import argparse
import dataclasses

from lstm_core.config.options import given_settings
from lstm_core.config.settings import ExperimentConfig
from lstm_core.config.sweep import SweepConfig
from lstm_core.sweep.space import SweepSpace
from lstm_core.sweep.study import SweepSetup
from ui.forms import sweep_form


def _command_line_defaults() -> SweepConfig:
    from lstm_core.cli.main import _parser

    args = _parser().parse_args(["sweep", "--data", "sample:sine"])
    return dataclasses.replace(SweepConfig(), **given_settings(args, SweepConfig))


def test_defaults_are_one_in_the_command_line_the_form_and_the_study():
    """One default each: the form's widgets, the command line and a study's setup agree (20 trials, halving, ...)."""
    defaults = SweepConfig()
    widgets = sweep_form._defaults()
    for name in sweep_form.FORM_SETTINGS:
        assert widgets[f"sweep_{name}"] == getattr(defaults, name) == getattr(_command_line_defaults(), name)
    assert widgets["sweep_trials"] == 20 and widgets["sweep_minutes"] == 0
    assert SweepSetup(ExperimentConfig(), SweepSpace(), "").settings() == defaults


def test_the_command_line_help_shows_the_same_default():
    """`sweep --help` states the default trials and pruner from the same fields."""
    from lstm_core.cli.main import _parser

    sweep_parser = next(
        action for action in _parser()._actions if isinstance(action, argparse._SubParsersAction)
    ).choices["sweep"]
    text = sweep_parser.format_help()
    assert "(default: 20)" in text and "(default: halving)" in text and "(default: validation)" in text
