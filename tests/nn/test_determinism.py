"""Deterministic ops around a fit: on inside, back off after, and shared by overlapping trainings."""

from __future__ import annotations

import pytest

from lstm_core.nn.determinism import deterministic_ops, note


def test_tensorflow_op_determinism_is_on_only_while_needed():
    """TensorFlow's op determinism is on inside the block, stays on while another deterministic fit runs,
    and is off again after the last one (it was off before)."""
    pytest.importorskip("tensorflow")
    from tensorflow.python.framework import config as tf_config

    assert not tf_config.is_op_determinism_enabled()
    with deterministic_ops("tensorflow", True):
        assert tf_config.is_op_determinism_enabled()
        with deterministic_ops("tensorflow", True):  # a second visitor's deterministic training
            assert tf_config.is_op_determinism_enabled()
        assert tf_config.is_op_determinism_enabled()
    assert not tf_config.is_op_determinism_enabled()
    with deterministic_ops("tensorflow", False):
        assert not tf_config.is_op_determinism_enabled()


def test_jax_on_gpu_without_the_flag_gets_a_note(monkeypatch):
    """JAX on a GPU without XLA's deterministic flag is told how to get it; on a CPU nothing is needed."""
    monkeypatch.delenv("XLA_FLAGS", raising=False)
    assert "xla_gpu_deterministic_ops" in note("jax", "gpu:0")
    assert note("jax", "cpu:0") is None and note("tensorflow", "gpu:0") is None
    monkeypatch.setenv("XLA_FLAGS", "--xla_gpu_deterministic_ops=true")
    assert note("jax", "gpu:0") is None
