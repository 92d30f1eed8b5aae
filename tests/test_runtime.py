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


def _run(script: str) -> str:
    """`script` in a fresh interpreter (its library pages and modules are its own); what it printed."""
    import subprocess
    import textwrap

    done = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="madvise(MADV_PAGEOUT) and /proc")
def test_library_pages_go_back_and_nothing_is_lost(tmp_path):
    """A read-only private file mapping (what a loaded library's code is) leaves resident memory once paged out, and
    reads back the same bytes; anonymous memory stays resident."""
    library = tmp_path / "library.so"
    library.write_bytes(bytes(range(256)) * (64 * 4096))  # 64 MiB
    printed = _run(f"""
        import mmap, os
        from lstm_core.runtime import page_out_library_pages

        def mapped_kib(path):
            found, total = False, 0
            for line in open("/proc/self/smaps"):
                if "-" in line.split()[0] and len(line.split()) >= 5 and ":" not in line.split()[0]:
                    found = line.rstrip().endswith(path)
                elif found and line.startswith("Rss:"):
                    total += int(line.split()[1])
            return total

        with open({str(library)!r}, "rb") as file:
            view = mmap.mmap(file.fileno(), 0, flags=mmap.MAP_PRIVATE, prot=mmap.PROT_READ)
        checksum = sum(view[i] for i in range(0, len(view), 4096))  # every page touched
        heap = bytearray(os.urandom(32 * 2**20))  # 32 MiB of anonymous memory, touched

        def anonymous_kib():
            return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("RssAnon:"))

        before, anonymous = mapped_kib({str(library)!r}), anonymous_kib()
        went = page_out_library_pages()
        after, anonymous_after = mapped_kib({str(library)!r}), anonymous_kib()
        print(before // 1024, after // 1024, round(went), checksum == sum(view[i] for i in range(0, len(view), 4096)))
        print(len(heap) // 2**20, anonymous // 1024, anonymous_after // 1024)
    """)
    first, second = printed.splitlines()
    before, after, went, same = first.split()
    heap, anonymous, anonymous_after = (int(value) for value in second.split())
    assert heap == 32 and anonymous >= 32 and anonymous - anonymous_after <= 1, printed  # anonymous memory stays
    assert int(before) >= 60 and int(after) <= 4, printed  # the mapping's pages went back
    assert float(went) >= 60, printed  # and the function says so
    assert same == "True", printed  # read again from the file: the same bytes


def test_jax_is_kept_out_of_a_tensorflow_process_only():
    """On TensorFlow `import jax` fails as if JAX were not installed (TensorFlow's own guarded import takes its
    except branch); on JAX nothing changes."""
    printed = _run("""
        import sys
        from lstm_core.runtime import keep_jax_out

        print(keep_jax_out("jax"), "jax" in sys.modules)
        print(keep_jax_out("tensorflow"))
        try:
            from jax import jit as _jit  # as tensorflow/lite/python/util.py does
        except ImportError as exc:
            print(type(exc).__name__)
    """)
    assert printed.split() == ["False", "False", "True", "ModuleNotFoundError"], printed
