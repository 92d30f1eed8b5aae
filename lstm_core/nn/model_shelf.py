"""One compiled model kept between trainings of the same shape, so a process that trains again and again traces
its train step once.

On TensorFlow the first epoch of every training is mostly tracing (about 1.3 s of the default model's 1.4 s on
2 cores), and every trace keeps memory the process never gets back (keras-team/keras#17458). A worker process
trains one visitor's model after another, usually of the same shape. `shelved_model(key, build)` builds the
requested model as a fresh training would (same seed, same random draws, same initial values), and when the
shelf already holds a compiled model built with the same `key` it copies the fresh model's state into that one
and returns it: its traced train step is reused, so the training starts at once and traces nothing new.

The copy is exact: every variable of the model (weights, and the state of its random-seed generators) takes the
fresh model's value, the optimizer's state is zeroed as a new optimizer's would be, and the learning rate is set.
A reused model trains bit for bit as the fresh one would (tests/nn/test_model_shelf.py).

- `key`: everything the compiled graph depends on (the architecture, the input shape, the compile options); two
  builds with equal keys must make models of the same variables in the same order.
- One model per process, kept by the thread that shelved it (Keras's state is per thread): another thread, or a
  new key, gets a fresh model, and a new key replaces the shelved model (whose traced graphs are then freed).
- A shelved model is marked (`SHELVED_ATTRIBUTE`) so that `keras_model.release_model` leaves its graphs alone.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["SHELVED_ATTRIBUTE", "clear_shelf", "shelved_key", "shelved_model"]

SHELVED_ATTRIBUTE = "_lstm_lab_shelved"


@dataclass
class _Shelf:
    key: Hashable
    model: Any
    thread: int


_shelf: _Shelf | None = None
_lock = threading.Lock()


def shelved_model(key: Hashable, build: Callable[[], Any], *, learning_rate: float) -> tuple[Any, bool]:
    """A model as `build()` makes it, and whether it is the shelved compiled model of the same `key`, reused (see
    the module docstring). Call with the seed already set, as for `build()` itself."""
    global _shelf
    fresh = build()  # always built: the same random draws as a fresh training, and the values to copy
    thread = threading.get_ident()
    with _lock:
        shelf = _shelf
        if shelf is not None and shelf.thread == thread and shelf.key == key and _copy_state(fresh, shelf.model):
            _reset_optimizer(shelf.model.optimizer, learning_rate)
            return shelf.model, True
        if shelf is not None and shelf.thread != thread:
            return fresh, False  # another thread's shelf: leave it
        _shelf = _Shelf(key=key, model=fresh, thread=thread)
        setattr(fresh, SHELVED_ATTRIBUTE, True)
    if shelf is not None:
        _unshelve(shelf.model)
    return fresh, False


def shelved_key() -> Hashable | None:
    """The key of the shelved model (None when the shelf is empty)."""
    shelf = _shelf
    return None if shelf is None else shelf.key


def clear_shelf() -> None:
    """Drop the shelved model and free its traced graphs."""
    global _shelf
    with _lock:
        shelf, _shelf = _shelf, None
    if shelf is not None:
        _unshelve(shelf.model)


def _unshelve(model: Any) -> None:
    from lstm_core.nn.keras_model import release_model

    setattr(model, SHELVED_ATTRIBUTE, False)
    release_model(model)


def _copy_state(source: Any, target: Any) -> bool:
    """Give `target` every variable value of `source` (same architecture); False when they do not match."""
    sources, targets = source.variables, target.variables
    if len(sources) != len(targets):
        return False
    if any(tuple(s.shape) != tuple(t.shape) or s.dtype != t.dtype for s, t in zip(sources, targets, strict=True)):
        return False
    for s, t in zip(sources, targets, strict=True):
        t.assign(s.value)
    return True


def _reset_optimizer(optimizer: Any, learning_rate: float) -> None:
    """The optimizer's state as a new one's: iterations and moments zero, the learning rate set."""
    rate = getattr(optimizer, "_learning_rate", None)
    for variable in optimizer.variables:
        if variable is not rate:
            variable.assign(np.zeros(tuple(variable.shape), dtype=str(variable.dtype)))
    optimizer.learning_rate = learning_rate
