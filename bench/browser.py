"""Shared by the live-app benchmarks: a `streamlit run` server, headless Chromium, and a memory sampler.

The server and browser steps are the e2e tests' own (tests/e2e/e2e_helpers.py), so the
benchmarks drive the app exactly as the tests do: Debian's Chromium through Playwright, waits on
visible things only.
"""

from __future__ import annotations

import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
E2E = ROOT / "tests" / "e2e"
if str(E2E) not in sys.path:
    sys.path.insert(0, str(E2E))

from e2e_helpers import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    TRACE_LINE,
    assert_no_exception,
    click_train,
    free_port,
    open_page,
    set_training,
    start_server,
    stop_server,
    wait_for_health,
    wait_idle,
    wait_trained,
)

__all__ = [
    "CHROMIUM",
    "ROOT",
    "TRACE_LINE",
    "RssSampler",
    "assert_no_exception",
    "chromium",
    "click_train",
    "open_page",
    "proc_memory_mb",
    "server",
    "set_training",
    "tensorflow_loaded",
    "wait_idle",
    "wait_trained",
]


@contextmanager
def server(app: Path = ROOT / "app.py", env: dict[str, str] | None = None):
    """(url, process) of a `streamlit run app` answering its health check."""
    port = free_port()
    process = start_server(app, port=port, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(url, timeout=120)
        yield url, process
    finally:
        stop_server(process)


@contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def proc_memory_mb(pid: int) -> dict[str, float]:
    """VmRSS (now) and VmHWM (peak so far) of a process, in MiB, from /proc/<pid>/status."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024.0
    return values


def tensorflow_loaded(pid: int) -> bool:
    """Whether TensorFlow's native library is mapped into the process (i.e. `import tensorflow` ran)."""
    maps = Path(f"/proc/{pid}/maps").read_text()
    return "_pywrap_tensorflow_internal" in maps or "libtensorflow_framework" in maps


class RssSampler:
    """Samples a process's VmRSS every `interval` s in a thread; `peak()` is the maximum since `reset()`."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.pid, self.interval = pid, interval
        self._peak = 0.0
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._done.is_set():
            try:
                rss = proc_memory_mb(self.pid)["VmRSS"]
            except (OSError, KeyError):
                break
            with self._lock:
                self._peak = max(self._peak, rss)
            time.sleep(self.interval)

    def reset(self) -> None:
        with self._lock:
            self._peak = proc_memory_mb(self.pid)["VmRSS"]

    def peak(self) -> float:
        with self._lock:
            return self._peak
