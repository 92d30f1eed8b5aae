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


def test_the_sweep_page_starts_from_the_season_aware_space_of_the_loaded_data():
    """Monthly airline passengers (season 12): the form's ranges are the command line's default for it (seasonal
    differences, windows 4 to 24) and say why; data without a season refills them with the plain default."""
    from app_helpers import open_app, switch

    from lstm_core.sweep.space import DEFAULT_SPACE, default_space

    at = switch(open_app(), "sweep")
    assert not at.exception
    assert (
        at.multiselect(key="sweep_difference").value
        == ["none", "first", "seasonal"]
        == list(default_space(12).difference)
    )
    assert (at.number_input(key="sweep_window_low").value, at.number_input(key="sweep_window_high").value) == (4, 24)
    assert any("This series has a season" in caption.value for caption in at.caption)
    switch(at, "data")  # a file without dates: rows in order, no season
    rows = "value\n" + "".join(f"{10 + (k % 7) + k * 0.1}\n" for k in range(120))
    at.file_uploader(key="data_upload").upload("steps.csv", rows.encode(), "text/csv").run()
    at.button(key="data_upload_submit").click().run()
    assert at.session_state["dataset"].freq is None
    switch(at, "sweep")
    assert at.multiselect(key="sweep_difference").value == list(DEFAULT_SPACE.difference)
    assert not any("This series has a season" in caption.value for caption in at.caption)
