"""A sweep in a worker thread, for the app: start, watch, stop.

A `SweepJob` opens (or joins) its study and runs trials in a daemon thread; it makes no UI calls. It holds
one of the process's training places for its whole run (`jobs.reserve_training`), so a sweep counts
against the server's cap `LSTM_LAB_MAX_TRAININGS` like a training does (it trains one trial at a time).

- `request_stop()` ends the running trial at its next step (marked "stopped") and starts no other.
- `heartbeat()` must be called while a page watches; after `heartbeat_timeout` seconds without one (the
  tab was closed) the sweep stops itself.
- `save_trial(trial)`, when given, is called in the worker thread after each trial (the app saves it to
  the run store); an exception there is kept in `store_error` and never ends the sweep.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from lstm_core.dataset import Dataset
from lstm_core.errors import LabError
from lstm_core.jobs import release_training, reserve_training
from lstm_core.sweep import SweepSetup

__all__ = ["SweepJob"]


class SweepJob:
    """One sweep of `setup` on `dataset`, in the study `study_name` of `storage`."""

    def __init__(
        self,
        dataset: Dataset,
        setup: SweepSetup,
        *,
        storage: str,
        study_name: str,
        timeout: float | None = None,
        heartbeat_timeout: float = 120.0,
        save_trial: Callable[[Any], None] | None = None,
    ) -> None:
        self.dataset, self.setup = dataset, setup
        self.storage, self.study_name, self.timeout = storage, study_name, timeout
        self.heartbeat_timeout = heartbeat_timeout
        self.save_trial = save_trial
        self.state = "new"  # new -> running -> done | stopped | failed
        self.trials_run = 0
        self.error: str | None = None
        self.store_error: str | None = None
        self.started_at: float | None = None
        self.finished_at: float | None = None
        self._stop = threading.Event()
        self._last_heartbeat = time.monotonic()
        self._thread: threading.Thread | None = None

    def start(self) -> SweepJob:
        reserve_training()
        self.state = "running"
        self.started_at = self._last_heartbeat = time.monotonic()
        self._thread = threading.Thread(target=self._work, name="lstm-lab-sweep", daemon=True)
        self._thread.start()
        return self

    def request_stop(self) -> None:
        self._stop.set()

    def heartbeat(self) -> None:
        self._last_heartbeat = time.monotonic()

    def wait(self, timeout: float | None = None) -> bool:
        if self._thread is not None:
            self._thread.join(timeout)
        return self.finished

    @property
    def finished(self) -> bool:
        return self.state in ("done", "stopped", "failed")

    @property
    def stopping(self) -> bool:
        return self._stop.is_set() and not self.finished

    @property
    def elapsed(self) -> float:
        if self.started_at is None:
            return 0.0
        return (self.finished_at or time.monotonic()) - self.started_at

    def _should_stop(self) -> bool:
        if time.monotonic() - self._last_heartbeat > self.heartbeat_timeout:
            self._stop.set()
        return self._stop.is_set()

    def _on_trial(self, trial: Any) -> None:
        self.trials_run += 1
        if self.save_trial is None:
            return
        try:
            self.save_trial(trial)
        except Exception as exc:  # the store is optional: a sweep never fails because of it
            self.store_error = str(exc) if isinstance(exc, LabError) else f"{type(exc).__name__}: {exc}"

    def _work(self) -> None:
        from lstm_core.sweep import open_study, optimize

        try:
            study, _ = open_study(self.storage, self.study_name, self.setup)
            optimize(
                study,
                self.setup,
                self.dataset,
                timeout=self.timeout,
                should_stop=self._should_stop,
                on_trial=self._on_trial,
            )
            self.state = "stopped" if self._stop.is_set() else "done"
        except LabError as exc:
            self.error, self.state = str(exc), "failed"
        except Exception as exc:
            self.error = (
                f"The sweep failed unexpectedly ({type(exc).__name__}: {exc}). Your data and settings are kept."
            )
            self.state = "failed"
        finally:
            self.finished_at = time.monotonic()
            release_training()
