"""Process-wide choices for the backend, made by an explicit call (the app and the command line make it).

`configure_threads()` must run before TensorFlow starts; importing `lstm_core` changes nothing.
`keep_jax_out(backend)` must run before Keras is imported: on TensorFlow it keeps JAX from loading uselessly.
`give_back_freed_memory()` returns the heap's free pages to the system after a large release (a run dropped, a
task done), for the long-lived processes: the app's server and its workers.
`page_out_library_pages()` hands back the library pages a process touched while loading (a worker, once warm).
"""

from __future__ import annotations

import ctypes
import gc
import os
import sys

__all__ = ["configure_threads", "give_back_freed_memory", "keep_jax_out", "page_out_library_pages", "usable_cores"]

_MADV_PAGEOUT = 21  # Linux 5.4+: reclaim the range's pages (clean file pages are dropped, never lost)
_PAGE_OUT_PERMISSIONS = ("r--p", "r-xp")  # a library's code and read-only data, mapped privately


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

    Inter-op threads stay TensorFlow's default: one inter-op thread per worker raised two trainings at once from
    1.23x to 1.51x the throughput of one on this 2-core machine, but cost one training alone 7-15%
    (bench/worker_speed.py; docs/PERFORMANCE.md, "Worker processes"). A host that expects its training places to
    be full most of the time can set TF_NUM_INTEROP_THREADS=1 (docs/RELIABILITY.md, "Sizing").
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


def keep_jax_out(backend: str) -> bool:
    """On the TensorFlow backend, make `import jax` fail in this process (as if JAX were not installed); True if so.

    TensorFlow imports JAX whenever it is installed (tensorflow/lite/python/util.py, inside a try, for its Lite
    converter), though nothing a TensorFlow training does uses it. Measured in a warm worker on a machine with both
    (requirements-dev.txt installs JAX for the backend tests): 109 MiB of its 873 MiB after a default training, 35
    of them anonymous. Call it before Keras is imported; on JAX, or once JAX is loaded, it does nothing.
    """
    if backend != "tensorflow" or "jax" in sys.modules:
        return False
    sys.modules["jax"] = None  # type: ignore[assignment]  (the import system's "not available": ModuleNotFoundError)
    return True


def page_out_library_pages() -> float:
    """Ask the kernel to reclaim the pages of read-only library mappings that only this process maps; the MiB of
    resident memory that went (0 where it cannot: not Linux, a kernel before 5.4).

    Loading TensorFlow touches about 380 MiB of its library files (symbol tables, relocations, initialisers) that a
    training never reads again: clean file pages, which the kernel could drop under pressure but counts as the
    process's memory until it does. A warm worker calls this once after its imports, before it traces the default
    model, so what a training needs is back before a visitor clicks (measured: 85 MiB of it returns over a default
    training; the worker's peak went from 764 to 445 MiB). Nothing is lost: such a page is read again from its file
    on first touch; pages another process maps too, and anonymous memory, are left alone.
    """
    if not sys.platform.startswith("linux"):
        return 0.0
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        with open("/proc/self/maps") as mapped:
            maps = mapped.read().splitlines()  # read whole first: the loop below changes no mapping
    except OSError:
        return 0.0
    libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    before = _resident_mib()
    for line in maps:
        fields = line.split(maxsplit=5)
        if len(fields) == 6 and fields[1] in _PAGE_OUT_PERMISSIONS and fields[5].startswith("/"):
            start, end = (int(address, 16) for address in fields[0].split("-"))
            libc.madvise(start, end - start, _MADV_PAGEOUT)  # EINVAL on an older kernel: nothing happens
    return max(0.0, before - _resident_mib())


def _resident_mib() -> float:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0
