"""Process-wide choices for the backend, made by an explicit call (the app and the command line make it).

`configure_threads()` must run before TensorFlow starts; importing `lstm_core` changes nothing.
"""

from __future__ import annotations

import os

__all__ = ["configure_threads", "usable_cores"]


def usable_cores() -> int:
    """The cores this process may use (a container's limit), at least 1."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def configure_threads() -> str | None:
    """On two cores or fewer, ask TensorFlow for one intra-op thread; returns the value in force (or None).

    TensorFlow splits each op over its intra-op threads. On two cores or fewer the small ops of a small
    LSTM lose more to that synchronisation than they gain: one thread trains the seed model about 1.3x
    faster (22,700 against 17,000 samples/s) and steadier, at about 24% less speed for LSTM(256) with a
    window of 60 (bench/train_speed.py, docs/PERFORMANCE.md). A value already in the environment wins.
    JAX ignores it.
    """
    if usable_cores() <= 2:
        os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "1")
    return os.environ.get("TF_NUM_INTRAOP_THREADS")
