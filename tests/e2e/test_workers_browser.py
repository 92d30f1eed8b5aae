"""A real server whose trainings run in worker processes (the product's default path): the server never maps
TensorFlow, the Forecast and Gates pages draw a worker's run, a worker killed with SIGKILL costs its visitor one
sentence and nothing else, and no worker outlives the server, even a server killed with SIGKILL. (Stop on the
worker path is tested at the library level, tests/jobs/test_worker_pool.py: here it added 40 s.)"""

from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path

import pytest
from e2e_helpers import CHART, assert_no_exception, click_train, open_page, serve_app, set_training, wait_trained

from lstm_core.jobs.pool import wait_for_exit

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


def maps_tensorflow(pid: int) -> bool:
    return "tensorflow" in Path(f"/proc/{pid}/maps").read_text()


def test_server_without_tensorflow_and_a_killed_worker(browser):
    """Train in a browser: the server maps no TensorFlow; Forecast and Gates draw the run; kill -9 of the worker
    mid-training shows the sentence, the health check answers, the next training works; killing the server with
    SIGKILL leaves no worker."""
    # No file watcher: in a checkout being edited, Streamlit would re-import changed modules mid-test, and objects
    # made by the old classes then fail isinstance checks against the new ones.
    env = {
        "LSTM_LAB_WORKERS": "1",
        "LSTM_LAB_MAX_TRAININGS": "2",
        "LSTM_LAB_MEMORY_MB": "0",
        "LSTM_LAB_MAX_TRAIN_SECONDS": "0",
        "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none",
    }
    with serve_app(env) as (url, server):  # the session's Chromium (tests/e2e/conftest.py), a server of its own
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(120_000)
        open_page(page, url, "Train")
        set_training(page, epochs=2, units=4)
        click_train(page)
        wait_trained(page)
        workers = [pid for pid in children(server.pid) if maps_tensorflow(pid)]
        assert workers, "no worker process with TensorFlow under the server"
        # TensorFlow would load JAX where it is installed (as here: requirements-dev.txt); the worker keeps it out
        assert not any("jaxlib" in Path(f"/proc/{pid}/maps").read_text() for pid in workers), "a worker loaded JAX"
        assert not maps_tensorflow(server.pid), "the server process has TensorFlow loaded"
        for title in ("Forecast", "Gates"):  # the run came back from the worker as plain data: every page draws it
            open_page(page, url, title)
            assert page.locator(CHART).count() >= 1
            assert_no_exception(page)

        open_page(page, url, "Train")
        set_training(page, epochs=1000, units=4)
        click_train(page)
        page.get_by_text(re.compile(r"Training: epoch \d+ of 1000")).first.wait_for()
        time.sleep(2)
        busy = [pid for pid in children(server.pid) if maps_tensorflow(pid)]
        for pid in busy:  # the training's worker (and any idle one): all of them
            os.kill(pid, signal.SIGKILL)
        page.get_by_text("worker process ended unexpectedly", exact=False).first.wait_for()
        import urllib.request

        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as answer:
            assert answer.read().decode().strip() == "ok"
        set_training(page, epochs=1, units=4)
        click_train(page)
        wait_trained(page)
        assert not maps_tensorflow(server.pid)
        left = children(server.pid)
        assert left, "no worker under the server after a training"
        context.close()
        # The crash case, on the real server (a graceful exit is the library's test, tests/jobs/test_worker_pool.py)
        os.kill(server.pid, signal.SIGKILL)
        server.wait(10)
    assert wait_for_exit(left, 10), f"processes left behind by the killed server: {left}"
