"""Deterministic training: the backend's deterministic ops around one fit (TrainConfig.deterministic).

Seeds are set by `train._set_seed` for every run. `deterministic_ops(backend, on)` adds what the backend
needs for bit-identical results on one machine:
- TensorFlow: `tf.config.experimental.enable_op_determinism()`. It is process-wide, so while any
  deterministic training runs, every other training in the process also uses deterministic ops
  (slower, never wrong); it is switched off again when the last one ends, unless it was on before.
- JAX: its CPU ops are deterministic already; on GPU, XLA's deterministic ops need
  XLA_FLAGS=--xla_gpu_deterministic_ops=true before JAX starts (`note` says so).
- PyTorch: `torch.use_deterministic_algorithms(True)` for the fit.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["deterministic_ops", "note"]

_lock = threading.Lock()
_users = 0
_was_on = False


def note(backend: str, device: str) -> str | None:
    """A sentence when determinism cannot be fully promised on this backend and device, else None."""
    import os

    flags = os.environ.get("XLA_FLAGS", "")
    if backend == "jax" and device.startswith(("gpu", "cuda")) and "--xla_gpu_deterministic_ops=true" not in flags:
        return "On JAX with a GPU, set XLA_FLAGS=--xla_gpu_deterministic_ops=true before starting for identical runs."
    return None


@contextmanager
def deterministic_ops(backend: str, enabled: bool) -> Iterator[None]:
    """Within the block, the backend uses deterministic ops when `enabled` (see the module docstring)."""
    if not enabled:
        yield
        return
    if backend == "tensorflow":
        from tensorflow.python.framework import config as tf_config

        global _users, _was_on
        with _lock:
            if _users == 0:
                _was_on = tf_config.is_op_determinism_enabled()
                tf_config.enable_op_determinism()
            _users += 1
        try:
            yield
        finally:
            with _lock:
                _users -= 1
                if _users == 0 and not _was_on:
                    tf_config.disable_op_determinism()
    elif backend == "torch":
        import torch

        before = torch.are_deterministic_algorithms_enabled()
        torch.use_deterministic_algorithms(True)
        try:
            yield
        finally:
            torch.use_deterministic_algorithms(before)
    else:
        yield
