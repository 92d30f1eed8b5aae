"""The Sweep page's form: which settings to search and over what ranges, and the sweep's own settings.

Widget keys start with `sweep_`. A setting is searched when its "search" box is ticked; its range is two
number inputs (low, high) or, for batch size, differences and the cell, a multiselect. Unticked settings keep the
Train form's value in every trial. `space_from_widgets()` turns the widgets into a validated SweepSpace. The ranges
start from the loaded series' default space (`sweep.start.default_space_for`, as the command line's): seasonal
differences and windows of two seasons where the series has a season. When the loaded data's default space changes
(another series, another season), the range widgets are refilled from it; the budget widgets keep their values.

The budget, pruner, objective and horizon widgets are drawn from `lstm_core.config.sweep.SweepConfig`'s fields
(label, help, limits, choices and defaults, as the command line's options are); the time limit is shown in
minutes. `sweep_from_widgets()` gives the SweepConfig. The sampler and its seed keep their defaults here.
"""

from __future__ import annotations

import secrets
from typing import Any

import streamlit as st

from lstm_core.config.setting import settings_of
from lstm_core.config.settings import CELLS, LIMITS, ExperimentConfig
from lstm_core.config.sweep import SweepConfig
from lstm_core.data.dataset import Dataset
from lstm_core.sweep.space import DEFAULT_SPACE, SEARCHABLE_DIFFERENCES, SweepSpace
from lstm_core.sweep.start import default_space_for
from ui.forms import settings
from ui.text import i18n

__all__ = ["draw_budget", "draw_space", "new_study_name", "space_from_widgets", "sweep_from_widgets"]

_SWEEP_FIELDS = {item.name: item for item in settings_of(SweepConfig)}
FORM_SETTINGS = ("trials", "pruner", "objective", "horizon")  # SweepConfig's settings the form draws as they are

_RANGES: dict[str, tuple[str, float, float, float, str]] = {
    # name: (label, lowest, highest, step, format)
    "units": ("Units per LSTM layer", 1, LIMITS["units"], 1, "%d"),
    "layers": ("LSTM layers", 1, LIMITS["layers"], 1, "%d"),
    "window": ("Window", 1, LIMITS["window"], 1, "%d"),
    "learning_rate": ("Learning rate (log scale)", 1e-6, 1.0, 1e-4, "%.5f"),
    "dropout": ("Dropout", 0.0, 0.9, 0.05, "%.2f"),
}
_CHOICES: dict[str, tuple[str, tuple[Any, ...]]] = {
    "batch_size": ("Batch sizes", (8, 16, 32, 64, 128, 256)),
    "difference": ("Differences", SEARCHABLE_DIFFERENCES),
    "cell": ("Cells", CELLS),
}


def new_study_name() -> str:
    """A fresh study name nobody can guess (a study is opened by its name)."""
    return f"sweep-{secrets.token_urlsafe(8)}"


def _space_defaults(space: SweepSpace) -> dict[str, Any]:
    """The range and choice widgets' values for `space`."""
    values: dict[str, Any] = {}
    for name in [*_RANGES, *_CHOICES]:
        default = getattr(space, name)
        values[f"sweep_search_{name}"] = default is not None
        if name in _RANGES:
            low, high = default
            kind = int if _RANGES[name][4] == "%d" else float
            values[f"sweep_{name}_low"], values[f"sweep_{name}_high"] = kind(low), kind(high)
        else:  # a choice the default space does not search (cell) offers all its options once ticked
            values[f"sweep_{name}"] = list(_CHOICES[name][1] if default is None else default)
    return values


def _defaults(space: SweepSpace = DEFAULT_SPACE) -> dict[str, Any]:
    values = _space_defaults(space)
    defaults = SweepConfig()
    values.update({f"sweep_{name}": getattr(defaults, name) for name in FORM_SETTINGS})
    values["sweep_trials"] = defaults.trials or 0  # 0 = no limit, as the widget shows None
    values["sweep_minutes"] = 0 if defaults.timeout is None else round(defaults.timeout / 60)
    values["sweep_study"] = new_study_name()
    return values


def fill_missing_widgets(dataset: Dataset, config: ExperimentConfig) -> SweepSpace:
    """Every widget's default where the visitor has none, the ranges from the default space of `dataset` with
    `config` (refilled when that space changes); a fresh study name after a sweep has started. Returns that space."""
    space = default_space_for(dataset, config)
    for key, value in _defaults(space).items():
        st.session_state.setdefault(key, value)
    if st.session_state.sweep_default_space not in (None, space):  # another series or season: its own ranges
        st.session_state.update(_space_defaults(space))
    st.session_state.sweep_default_space = space
    if st.session_state.sweep_rename:  # set before the widget is drawn, as Streamlit requires
        st.session_state.sweep_rename = False
        st.session_state.sweep_study = new_study_name()
    return space


def draw_space() -> None:
    """The range widgets, one row per setting; call inside an `st.form`."""
    for name, (label, lowest, highest, step, fmt) in _RANGES.items():
        search, low, high = st.columns([2, 2, 2])
        search.checkbox(i18n.text("sweep.search").format(s=label.lower()), key=f"sweep_search_{name}")
        kind = int if fmt == "%d" else float
        limits = {"step": kind(step), "format": fmt}
        low.number_input(i18n.text("sweep.from"), kind(lowest), kind(highest), **limits, key=f"sweep_{name}_low")
        high.number_input(i18n.text("sweep.to"), kind(lowest), kind(highest), **limits, key=f"sweep_{name}_high")
    for name, (label, options) in _CHOICES.items():
        search, choices = st.columns([2, 4])
        search.checkbox(i18n.text("sweep.search").format(s=label.lower()), key=f"sweep_search_{name}")
        choices.multiselect(label, options, key=f"sweep_{name}")


def _draw(name: str) -> None:
    settings.draw_setting(name, key_prefix="sweep_", field=_SWEEP_FIELDS[name])


def draw_budget() -> None:
    """The sweep's own settings; call inside an `st.form`."""
    trials, minutes, pruner = st.columns(3)
    with trials:
        _draw("trials")
    minutes.number_input(i18n.text("sweep.minutes"), 0, 24 * 60, step=1, key="sweep_minutes", help=_time_limit_help())
    with pruner:
        _draw("pruner")
    objective, horizon = st.columns([2, 1])
    with objective:
        _draw("objective")
    with horizon:
        _draw("horizon")


def _time_limit_help() -> str:
    text = _SWEEP_FIELDS["timeout"].metadata["help"].replace("seconds", "minutes", 1)
    return text[:1].upper() + text[1:] + "."


def sweep_from_widgets() -> SweepConfig:
    """The form's sweep settings as a SweepConfig; raises LabError (one sentence) for a bad value."""
    s = st.session_state
    minutes = float(s.sweep_minutes)
    return SweepConfig(
        trials=int(s.sweep_trials) or None,
        timeout=minutes * 60 if minutes else None,
        pruner=s.sweep_pruner,
        objective=s.sweep_objective,
        horizon=int(s.sweep_horizon),
    )


def space_from_widgets() -> SweepSpace:
    """The ticked ranges as a SweepSpace; raises LabError (one sentence) for a bad range."""
    s = st.session_state
    values: dict[str, Any] = {}
    for name in _RANGES:
        values[name] = [s[f"sweep_{name}_low"], s[f"sweep_{name}_high"]] if s[f"sweep_search_{name}"] else None
    for name in _CHOICES:
        values[name] = list(s[f"sweep_{name}"]) if s[f"sweep_search_{name}"] else None
    return SweepSpace.from_dict(values)
