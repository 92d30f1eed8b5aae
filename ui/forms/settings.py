"""The Train page's settings form, drawn from the config dataclasses' field metadata.

Each setting's label, help, limits, step and choices come from `lstm_core.config.settings` (the same
source as the command line's options); this module only decides which settings the form shows
and in which column. Widget keys are `train_<field name>`.

Form widgets lose their state when the visitor opens another page, so the submitted
settings live in `st.session_state.config` and the widgets are refilled from it when
their keys are missing. Changing a widget never trains: only the form's Train button does.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import streamlit as st

from lstm_core.config.backtest import BacktestConfig
from lstm_core.config.setting import settings_of
from lstm_core.config.settings import ExperimentConfig, ModelConfig
from lstm_core.errors import LabError
from lstm_core.nn.keras_model import gpu_advice as model_advice
from ui.text.i18n import text

__all__ = [
    "FORM_COLUMNS",
    "SEED_PRESET",
    "apply_seed_preset",
    "apply_settings",
    "config_from_widgets",
    "describe_settings",
    "draw_form_fields",
    "draw_setting",
    "fill_missing_widgets",
    "gpu_advice",
]

# Which settings the form shows, by column (heading, whose words are `train.column_<heading>` in ui/text, and field
# names). Everything else about a setting (label, help, limits, choices) comes from its field in
# lstm_core/config/settings.py.
FORM_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("network", ("cell", "units", "layers", "dropout", "l2", "forecast_steps")),
    ("windows", ("window", "scaler", "difference", "val_fraction", "test_fraction")),
    (
        "training",
        (
            "epochs",
            "batch_size",
            "learning_rate",
            "patience",
            "input_noise",
            "seed",
            "seeds",
            "deterministic",
            "device",
        ),
    ),
)

# The classic example: LSTM(50), window 10, Dense(1), Adam lr 0.001, MSE, batch 32, one layer, no dropout,
# min-max scaled levels: the defaults of these settings.
_PRESET_NAMES = (
    "cell",
    "units",
    "layers",
    "window",
    "batch_size",
    "learning_rate",
    "dropout",
    "scaler",
    "difference",
)


def _fields() -> dict[str, tuple[str, dataclasses.Field]]:
    """Setting name -> (config part, field) for every setting of an experiment and of a backtest."""
    out = {}
    for part in dataclasses.fields(ExperimentConfig):
        for item in settings_of(part.default_factory):  # type: ignore[arg-type]
            out[item.name] = (part.name, item)
    for item in settings_of(BacktestConfig):
        out[item.name] = ("backtest", item)
    return out


_FIELDS = _fields()
_FORM_NAMES = tuple(name for _, names in FORM_COLUMNS for name in names)
SEED_PRESET = {name: getattr(getattr(ExperimentConfig(), _FIELDS[name][0]), name) for name in _PRESET_NAMES}


def _widget_value(name: str, value: Any) -> Any:
    """A config value as its widget holds it (an optional whole number shows None as 0 = off)."""
    meta = _FIELDS[name][1].metadata
    if meta["kind"] == "int" and meta["optional"]:
        return value or 0
    if meta["kind"] == "float":
        return float(value)
    return value


def _config_value(name: str, value: Any) -> Any:
    meta = _FIELDS[name][1].metadata
    if meta["kind"] == "int":
        return (int(value) or None) if meta["optional"] else int(value)
    if meta["kind"] == "float":
        return float(value)
    if meta["kind"] == "bool":
        return bool(value)
    return value


def _values(config: ExperimentConfig) -> dict[str, Any]:
    """Widget key -> value for every setting in the form."""
    return {
        f"train_{name}": _widget_value(name, getattr(getattr(config, _FIELDS[name][0]), name)) for name in _FORM_NAMES
    }


def fill_missing_widgets(config: ExperimentConfig) -> None:
    """Give every settings widget its value from `config` where the visitor has none yet."""
    for key, value in _values(config).items():
        if key not in st.session_state:
            st.session_state[key] = value


def apply_seed_preset() -> None:
    """Button callback: put the classic example's settings into the form and the saved config."""
    config = st.session_state.config.replace(**SEED_PRESET)
    st.session_state.config = config
    for key, value in _values(config).items():
        if key.removeprefix("train_") in SEED_PRESET:
            st.session_state[key] = value


def apply_settings(changes: dict[str, Any]) -> ExperimentConfig:
    """Put `changes` (setting name -> value, e.g. a diagnostic's suggestion) into the saved config and the Train form's
    widgets; returns the new config. Raises LabError (one sentence) for a value the config refuses, changing nothing.
    Call it before the form is drawn (a button's callback, or a page that then switches to Train)."""
    config = st.session_state.config.replace(**changes)
    st.session_state.config = config
    for key, value in _values(config).items():
        if key.removeprefix("train_") in changes:
            st.session_state[key] = value
    return config


def describe_settings(changes: dict[str, Any]) -> str:
    """Settings in short, by the form's labels less their parenthesis: "Window: 12, Predict differences: seasonal"."""
    parts = []
    for name, value in changes.items():
        label = _FIELDS[name][1].metadata["label"] if name in _FIELDS else name
        parts.append(f"{label.split(' (')[0]}: {value}")
    return ", ".join(parts)


def gpu_advice() -> str | None:
    """The model-too-small-for-a-GPU sentence for the settings now in the form, or None."""
    s = st.session_state
    try:
        model = ModelConfig(cell=s.train_cell, units=int(s.train_units), layers=int(s.train_layers))
    except LabError:
        return None
    return model_advice(model, batch_size=int(s.train_batch_size), window=int(s.train_window))


def config_from_widgets(base: ExperimentConfig) -> ExperimentConfig:
    """The settings in the form as a config; raises LabError (one sentence) for a bad combination."""
    s = st.session_state
    return base.replace(**{name: _config_value(name, s[f"train_{name}"]) for name in _FORM_NAMES})


def draw_setting(name: str, *, key_prefix: str = "train_", field: dataclasses.Field | None = None) -> None:
    """One setting's widget, with its label, help and limits from the config field (`field`: a setting of another
    config class, e.g. SweepConfig's, drawn the same way)."""
    meta = (field or _FIELDS[name][1]).metadata
    key, label, help_text = f"{key_prefix}{name}", meta["label"], meta["help"]
    help_text = help_text[:1].upper() + help_text[1:] + "."
    kind = meta["kind"]
    if kind == "bool":
        st.checkbox(label, key=key, help=help_text)
    elif kind == "choice":
        labels = meta["labels"]
        st.selectbox(label, meta["choices"], key=key, help=help_text, format_func=lambda v: labels.get(v, v))
    elif kind == "int":
        low = 0 if meta["optional"] else int(meta["low"])
        st.number_input(label, low, int(meta["high"]), step=1, key=key, help=help_text)
    elif kind == "float" and meta["high"] <= 1.0 and meta["step"] and meta["step"] >= 0.01:
        step = meta["step"]
        low = meta["low"] + (step if meta["low_open"] else 0.0)
        high = meta["high"] - (step if meta["high_open"] else 0.0)
        st.slider(label, float(low), float(round(high, 10)), step=step, key=key, help=help_text)
    elif kind == "float":
        st.number_input(
            label,
            min_value=1e-6 if meta["low_open"] else float(meta["low"]),  # 0 allowed where 0 means off (l2)
            max_value=float(meta["high"]),
            step=meta["step"],
            format="%.4f",
            key=key,
            help=help_text,
        )
    elif kind in ("text", "numbers"):  # numbers are typed as "80, 95"
        st.text_input(label, key=key, help=help_text)
    else:  # pragma: no cover - a kind the form does not draw; a bug in FORM_COLUMNS
        raise ValueError(f"The form cannot draw setting {name!r} of kind {kind!r}.")


def draw_form_fields() -> None:
    """The settings widgets, in three columns; call inside an `st.form`."""
    for column, (heading, names) in zip(st.columns(len(FORM_COLUMNS)), FORM_COLUMNS, strict=True):
        with column:
            st.markdown(f"**{text(f'train.column_{heading}')}**")
            for name in names:
                draw_setting(name)
