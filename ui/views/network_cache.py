"""Values the Gates page computes once per network: kept beside the network's weights object, not per rerun.

The page's epoch fragment reruns on every change inside it (the window slider, a what-if edit). Two of its views
depend only on the network and its run's test windows: the mean gradient reach over up to 256 test windows (about
two thirds of the fragment's time for LSTM(64), window 60: bench/whatif_speed.py) and the gates' saturation over
the test part. `per_network(weights, name, compute)` computes such a value once and keeps it for as long as that
weights object lives (a `WeakKeyDictionary`: the entry goes with its run). The key is the visitor's own weights
object, so one visitor can never read another's entry; NetworkWeights compares by identity (`eq=False`).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

__all__ = ["per_network"]

T = TypeVar("T")
_VALUES: weakref.WeakKeyDictionary[Any, dict[Hashable, Any]] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()  # sessions run in threads of one server


def per_network(weights: Any, name: Hashable, compute: Callable[[], T]) -> T:
    """`compute()` once per (`weights` object, `name`); later calls give the kept value."""
    with _LOCK:
        entries = _VALUES.setdefault(weights, {})
        if name in entries:
            return entries[name]
    value = compute()  # outside the lock: another visitor's rerun does not wait for this one
    with _LOCK:
        return _VALUES.setdefault(weights, {}).setdefault(name, value)
