"""The Train page's settings form: widget keys, their values from and back to an ExperimentConfig.

Form widgets lose their state when the visitor opens another page, so the submitted
settings live in `st.session_state.config` and the widgets are refilled from it when
their keys are missing. Changing a widget never trains: only the form's Train button does.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from lstm_core.config import DEVICES, LIMITS, SCALERS, ExperimentConfig, ModelConfig
from lstm_core.errors import LabError
from lstm_core.model import gpu_advice as model_advice

__all__ = [
    "SEED_PRESET",
    "apply_seed_preset",
    "config_from_widgets",
    "draw_form_fields",
    "fill_missing_widgets",
    "gpu_advice",
]

# The classic example: LSTM(50), window 10, Dense(1), Adam lr 0.001, MSE, batch 32, one layer, no dropout,
# min-max scaled levels (not differences).
SEED_PRESET = {
    "units": 50,
    "layers": 1,
    "window": 10,
    "batch_size": 32,
    "learning_rate": 0.001,
    "dropout": 0.0,
    "scaler": "minmax",
    "difference": False,
}

_DEVICE_LABELS = {"auto": "auto", "cpu": "CPU", "gpu": "GPU"}
_SCALER_LABELS = {"minmax": "min-max (0 to 1)", "standard": "standard (mean 0, std 1)", "none": "none"}


def _values(config: ExperimentConfig) -> dict[str, Any]:
    """Widget key -> value for every setting in the form."""
    return {
        "train_units": config.model.units,
        "train_layers": config.model.layers,
        "train_dropout": float(config.model.dropout),
        "train_window": config.windows.window,
        "train_scaler": config.windows.scaler,
        "train_difference": bool(config.windows.difference),
        "train_val_fraction": float(config.windows.val_fraction),
        "train_test_fraction": float(config.windows.test_fraction),
        "train_epochs": config.train.epochs,
        "train_batch_size": config.train.batch_size,
        "train_learning_rate": float(config.train.learning_rate),
        "train_patience": config.train.patience or 0,
        "train_seed": config.train.seed,
        "train_device": config.train.device,
        "train_forecast_steps": config.forecast.forecast_steps,
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


def gpu_advice() -> str | None:
    """The model-too-small-for-a-GPU sentence for the settings now in the form, or None."""
    s = st.session_state
    try:
        model = ModelConfig(units=int(s.train_units), layers=int(s.train_layers))
    except LabError:
        return None
    return model_advice(model, batch_size=int(s.train_batch_size), window=int(s.train_window))


def config_from_widgets(base: ExperimentConfig) -> ExperimentConfig:
    """The settings in the form as a config; raises LabError (one sentence) for a bad combination."""
    s = st.session_state
    return base.replace(
        units=int(s.train_units),
        layers=int(s.train_layers),
        dropout=float(s.train_dropout),
        window=int(s.train_window),
        scaler=s.train_scaler,
        difference=bool(s.train_difference),
        val_fraction=float(s.train_val_fraction),
        test_fraction=float(s.train_test_fraction),
        epochs=int(s.train_epochs),
        batch_size=int(s.train_batch_size),
        learning_rate=float(s.train_learning_rate),
        patience=int(s.train_patience) or None,
        seed=int(s.train_seed),
        device=s.train_device,
        forecast_steps=int(s.train_forecast_steps),
    )


def draw_form_fields() -> None:
    """The settings widgets, in three columns; call inside an `st.form`."""
    model, data, fit = st.columns(3)
    with model:
        st.markdown("**Network**")
        st.number_input(
            "Units per LSTM layer",
            1,
            LIMITS["units"],
            step=1,
            key="train_units",
            help="Size of the hidden and cell state of each layer.",
        )
        st.number_input(
            "LSTM layers",
            1,
            LIMITS["layers"],
            step=1,
            key="train_layers",
            help="Stacked layers: each reads the previous layer's hidden states.",
        )
        st.slider(
            "Dropout after each layer",
            0.0,
            0.9,
            step=0.05,
            key="train_dropout",
            help="Randomly zeroes outputs during training; one way to fight overfitting.",
        )
        st.number_input(
            "Forecast steps into the future",
            0,
            LIMITS["forecast_steps"],
            step=1,
            key="train_forecast_steps",
            help="Predictions fed back as inputs, one step at a time.",
        )
    with data:
        st.markdown("**Windows**")
        st.number_input("Window (past steps per prediction)", 1, LIMITS["window"], step=1, key="train_window")
        st.selectbox(
            "Scaler (fit on the training part only)", SCALERS, key="train_scaler", format_func=_SCALER_LABELS.get
        )
        st.checkbox(
            "Predict differences",
            key="train_difference",
            help="The network learns the change from one step to the next instead of the level; helps on series "
            "with a trend, like airline-passengers. Forecasts and errors stay in the series' units.",
        )
        st.slider("Validation fraction", 0.0, 0.45, step=0.05, key="train_val_fraction")
        st.slider("Test fraction", 0.05, 0.45, step=0.05, key="train_test_fraction")
    with fit:
        st.markdown("**Training**")
        st.number_input("Epochs", 1, LIMITS["epochs"], step=1, key="train_epochs")
        st.number_input("Batch size", 1, LIMITS["batch_size"], step=1, key="train_batch_size")
        st.number_input(
            "Learning rate (Adam)", min_value=1e-6, max_value=1.0, step=0.0005, format="%.4f", key="train_learning_rate"
        )
        st.number_input(
            "Early-stopping patience (0 = off)",
            0,
            LIMITS["patience"],
            step=1,
            key="train_patience",
            help="Stop after this many epochs without a better validation loss; the best weights are kept.",
        )
        st.number_input("Seed", 0, 2**31 - 1, step=1, key="train_seed")
        st.selectbox("Device", DEVICES, key="train_device", format_func=_DEVICE_LABELS.get)
