"""Process-wide helpers: freed heap memory goes back to the system."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from lstm_core.runtime import give_back_freed_memory


def _resident_mb() -> float:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_freed_small_arrays_return_their_pages():
    """After 100,000 small arrays (about 100 MiB) are freed, giving memory back lowers the resident size by most of
    it (the heap alone would keep it)."""
    arrays = [np.ones(128) for _ in range(100_000)]  # 1 KiB each, spread over the heap
    keep = arrays[::1000]  # a few survivors, so the freed pages are holes, not the heap's top
    del arrays
    before = _resident_mb()
    assert give_back_freed_memory()
    assert before - _resident_mb() > 50
    assert len(keep) == 100
