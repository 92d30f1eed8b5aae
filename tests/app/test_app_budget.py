"""AppTest: the Train page refuses a training over the server's time or memory limit, keeping data and settings."""

from __future__ import annotations

import pytest
from app_helpers import open_app, set_widgets
from streamlit.testing.v1 import AppTest


def press_train(**settings: object) -> AppTest:
    """Press Train on the Train page with `settings` in the form; the app is returned as the press left it."""
    at = set_widgets(open_app("train"), **settings)
    at.button(key="train_submit").click().run()
    assert not at.exception
    return at


def test_train_page_refuses_a_training_over_the_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Too many epochs for the server's time limit: one error naming the epochs that fit; nothing starts."""
    monkeypatch.setenv("LSTM_LAB_MAX_TRAIN_SECONDS", "60")
    at = press_train(units=512, window=60, epochs=1000)
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "LSTM_LAB_MAX_TRAIN_SECONDS" in errors[0] and "Reduce the epochs" in errors[0]
    assert at.session_state["job"] is None and at.session_state["dataset"].name == "airline-passengers"
    assert at.number_input(key="train_units").value == 512  # the settings stay as the visitor left them


def test_train_page_refuses_a_training_over_the_memory_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """A budget the server already exceeds: one error saying what to reduce; nothing starts."""
    monkeypatch.setenv("LSTM_LAB_MEMORY_MB", "50")
    at = press_train(units=8, epochs=2)
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "LSTM_LAB_MEMORY_MB" in errors[0] and "Reduce the batch size (now 32)" in errors[0]
    assert at.session_state["job"] is None
