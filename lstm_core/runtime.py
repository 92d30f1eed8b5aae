"""Process-wide choices for the backend, made by an explicit call (the app and the command line make it).

`configure_threads()` must run before TensorFlow starts; importing `lstm_core` changes nothing.
`give_back_freed_memory()` returns the heap's free pages to the system after a large release (a run dropped, a
task done), for the long-lived processes: the app's server and its workers.
"""

from __future__ import annotations

import ctypes
import gc
import os

__all__ = ["configure_threads", "give_back_freed_memory", "usable_cores"]


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


def give_back_freed_memory() -> bool:
    """Collect garbage, then ask glibc to return free heap pages to the system (`malloc_trim(0)`); True if it could.

    A training's result is thousands of small arrays (gate snapshots, frames). Once they are freed, the heap keeps
    their pages, and a long-lived process's resident memory steps up with every run it has held: measured in the
    app's server, about 20-30 MiB over a visitor's first runs. Other C libraries (musl, macOS): nothing to do.
    """
    gc.collect()
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    trim = getattr(libc, "malloc_trim", None)
    return bool(trim is not None and trim(0) >= 0)
