"""A process and all its descendants, measured from /proc: proportional set size, backends mapped, quiet or busy.

PSS (proportional set size, `Pss:` in /proc/<pid>/smaps_rollup) charges each shared page to the processes that
map it in equal parts, so summing it over a tree counts a page shared by the server and its workers once; RSS
would count it once per process. Falls back to VmRSS where smaps_rollup is missing (kernels before 4.14).

Shared by bench/app_memory.py (the `streamlit run` server and its worker processes) and bench/worker_speed.py
(a library-level pool), and by tests/test_bench_smoke.py.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

__all__ = [
    "BACKEND_LIBRARIES",
    "TreeSampler",
    "cpu_seconds",
    "descendants",
    "maps_backend",
    "pss_mb",
    "tree_mb",
    "wait_quiet",
]

# A native library each backend maps once imported (TensorFlow's core; jaxlib's XLA extension, in any version).
BACKEND_LIBRARIES = {
    "tensorflow": ("_pywrap_tensorflow_internal", "libtensorflow_framework"),
    "jax": ("xla_extension", "jaxlib"),
}


def _parent(pid: int) -> int | None:
    """The parent's pid; None for a process that is gone or a zombie (exited, not yet reaped: it holds no memory)."""
    try:
        state, parent = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[:2]
    except (OSError, ValueError):
        return None
    return None if state in ("Z", "X") else int(parent)


def descendants(pid: int) -> list[int]:
    """Every live process below `pid` (children, their children, ...; not zombies), from one scan of /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            parent = _parent(int(entry.name))
            if parent is not None:
                children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def pss_mb(pid: int) -> float:
    """A process's proportional set size in MiB (0.0 when it is gone)."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
        key = "Pss:"
    except FileNotFoundError:
        try:
            text = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            return 0.0
        key = "VmRSS:"
    except OSError:
        return 0.0
    for line in text.splitlines():
        if line.startswith(key):
            return int(line.split()[1]) / 1024.0
    return 0.0  # a zombie has no mappings


def tree_mb(pid: int) -> tuple[float, float, list[int]]:
    """(the process's own PSS, the PSS summed over it and its descendants, the descendants' pids), in MiB."""
    own = pss_mb(pid)
    below = descendants(pid)
    return own, own + sum(pss_mb(child) for child in below), below


def maps_backend(pid: int, backend: str = "tensorflow") -> bool:
    """Whether `backend`'s native library is mapped into the process (its `import` has run)."""
    try:
        maps = Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False
    return any(name in maps for name in BACKEND_LIBRARIES[backend])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used, in seconds (0.0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _state(pid: int) -> str:
    """The process's state letter from /proc/<pid>/stat (R running, S sleeping, D disk, Z zombie; "" when gone)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return ""


def wait_quiet(
    pid: int, *, backend: str | None = None, workers: int = 0, timeout: float = 120.0, busy: float = 0.05
) -> dict[str, bool | float | int]:
    """Wait until the tree below `pid` is settled: at least `workers` descendants (each with `backend` mapped when
    given), the same pids for a second, every one of them (and `pid`) using under `busy` of a core over that second
    and asleep at each of five looks (a process starved of the CPU while it imports uses little of it, but is
    runnable, not asleep). A worker importing its backend, or one just replaced after a recycle, is not settled.
    Returns whether it settled within `timeout` seconds, how long it waited and how many descendants there are."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        below = descendants(pid)
        # this process, when it is `pid`, is the one measuring (and perhaps sampling): never quiet, not waited for
        before = {p: cpu_seconds(p) for p in [pid, *below] if p != os.getpid()}
        asleep = True
        for _ in range(5):
            time.sleep(0.2)
            asleep = asleep and all(_state(p) == "S" for p in before)
        if not asleep or descendants(pid) != below or len(below) < workers:
            continue
        if backend is not None and not all(maps_backend(p, backend) for p in below):
            continue
        if all(cpu_seconds(p) - seconds < busy for p, seconds in before.items()):
            return {"settled": True, "seconds": round(time.monotonic() - started, 2), "descendants": len(below)}
    return {"settled": False, "seconds": round(time.monotonic() - started, 2), "descendants": len(descendants(pid))}


class TreeSampler:
    """Samples the PSS of a process and of its tree every `interval` s in a thread.

    `peak()` is the maximum since `reset()` (server alone, tree); `max_server` the server's maximum over the whole
    sampling ("throughout"); `timeline` one (seconds, server MiB, tree MiB, descendants) row per `interval`.
    """

    def __init__(self, pid: int, interval: float = 0.15) -> None:
        self.pid, self.interval = pid, interval
        self.max_server = 0.0
        self.timeline: list[tuple[float, float, float, int]] = []
        self.samples = 0
        self._peak = (0.0, 0.0)
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tree-sampler", daemon=True)
        self._started = time.monotonic()

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._done.is_set():
            own, tree, below = tree_mb(self.pid)
            if own == 0.0:
                break  # the process is gone
            with self._lock:
                self.samples += 1
                self.max_server = max(self.max_server, own)
                self._peak = (max(self._peak[0], own), max(self._peak[1], tree))
                self.timeline.append((round(time.monotonic() - self._started, 2), round(own, 1), round(tree, 1),
                                      len(below)))  # fmt: skip
            self._done.wait(self.interval)

    def reset(self) -> None:
        own, tree, _ = tree_mb(self.pid)
        with self._lock:
            self._peak = (own, tree)

    def peak(self) -> tuple[float, float]:
        """(server, tree) maxima since the last reset, in MiB."""
        with self._lock:
            return self._peak
