"""The Backtest page's form: the backtest's own settings, plus the interval levels and epochs it may change.

Widget keys are `backtest_<setting name>`; each widget is drawn by `ui.forms.settings.draw_setting` from the
setting's declaration in lstm_core. The model, window and other training settings come from the Train page.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import streamlit as st

from lstm_core.config.backtest import BacktestConfig
from lstm_core.config.options import parse_numbers
from lstm_core.config.settings import ExperimentConfig
from lstm_core.errors import LabError
from ui.forms.settings import FORM_COLUMNS

__all__ = ["BACKTEST_NAMES", "FORM_NAMES", "fill_from_stored", "fill_missing_widgets", "settings_from_widgets"]

BACKTEST_NAMES = ("start", "horizon", "stride", "window_type", "retrain", "strategy")
FORM_NAMES = (*BACKTEST_NAMES, "levels", "epochs")


def fill_missing_widgets(config: ExperimentConfig) -> None:
    """Give every backtest widget its value (the last submitted settings) where the visitor has none yet."""
    backtest = st.session_state.backtest_config
    values = {name: getattr(backtest, name) for name in BACKTEST_NAMES}
    values["levels"] = ", ".join(f"{level:g}" for level in config.forecast.levels)
    values["epochs"] = config.train.epochs
    for name, value in values.items():
        st.session_state.setdefault(f"backtest_{name}", value)


def fill_from_stored(stored: Any) -> None:
    """Put a stored backtest's settings (store.StoredRun of kind "backtest") into the Train and Backtest forms: its
    model and training settings become the Train form's, its backtest settings the Backtest form's."""
    values = {part: value for part, value in stored.config.items() if part != "backtest"}
    config = ExperimentConfig.from_dict(values)
    st.session_state.config = config.replace(data=st.session_state.data_config)
    st.session_state.backtest_config = BacktestConfig(**stored.config["backtest"])
    for _, names in FORM_COLUMNS:  # the Train form refills its widgets from the saved config
        for name in names:
            st.session_state.pop(f"train_{name}", None)
    for name in FORM_NAMES:
        st.session_state.pop(f"backtest_{name}", None)


def settings_from_widgets(config: ExperimentConfig) -> tuple[ExperimentConfig, BacktestConfig]:
    """The form's settings; raises LabError (one sentence) for a bad value."""
    s = st.session_state
    try:
        levels = parse_numbers(str(s.backtest_levels))
    except Exception:  # argparse's error type: one sentence for the app instead
        raise LabError(
            f"Interval levels must be numbers separated by commas, e.g. 80, 95. Received: {s.backtest_levels!r}"
        ) from None
    config = config.replace(levels=levels, epochs=int(s.backtest_epochs))
    values = {name: s[f"backtest_{name}"] for name in BACKTEST_NAMES}
    values["start"], values["retrain"] = str(values["start"]).strip(), str(values["retrain"]).strip().lower()
    return config, dataclasses.replace(BacktestConfig(), **values)
