"""A sweep in a worker thread, for the app: start, watch, stop.

The study is started first, by `sweep.start.start_study` (as the command line starts it); a `SweepJob` then joins
it and runs trials in a daemon thread with its `SweepConfig`'s time limit and sampler; it makes no UI calls. It holds
one of the process's training places for its whole run (`jobs.WorkerJob`), so a sweep counts
against the server's cap `LSTM_LAB_MAX_TRAININGS` like a training does (it trains one trial at a time). A sweep of
a collection's global model (`setup.collection`) takes a `sweep.collection.CollectionData` as its `dataset`.

- `request_stop()` ends the running trial at its next step (marked "stopped") and starts no other.
- `heartbeat()` must be called while a page watches; after `heartbeat_timeout` seconds without one (the
  tab was closed) the sweep stops itself.
- `save_trial(trial)`, when given, is called in the worker thread after each trial (the app saves it to
  the run store); an exception there is kept in `store_error` and never ends the sweep.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lstm_core.config.sweep import SweepConfig
from lstm_core.errors import LabError
from lstm_core.jobs.base import WorkerJob
from lstm_core.jobs.state import JobState
from lstm_core.sweep.study import SweepSetup

__all__ = ["SweepJob"]


class SweepJob(WorkerJob):
    """One sweep of `setup` on `dataset`, in the study `study_name` of `storage`, with `sweep`'s time limit and
    sampler (its study settings are `setup`'s)."""

    failure_subject = "The sweep"
    thread_name = "lstm-lab-sweep"

    def __init__(
        self,
        dataset: Any,
        setup: SweepSetup,
        *,
        storage: str,
        study_name: str,
        sweep: SweepConfig | None = None,
        heartbeat_timeout: float = 120.0,
        save_trial: Callable[[Any], None] | None = None,
    ) -> None:
        super().__init__(heartbeat_timeout=heartbeat_timeout)
        self.dataset, self.setup = dataset, setup
        self.storage, self.study_name = storage, study_name
        self.sweep = setup.settings(sweep or SweepConfig())
        self.save_trial = save_trial
        self.trials_run = 0
        self.store_error: str | None = None

    def _on_trial(self, trial: Any) -> None:
        self.trials_run += 1
        if self.save_trial is None:
            return
        try:
            self.save_trial(trial)
        except Exception as exc:  # the store is optional: a sweep never fails because of it
            self.store_error = str(exc) if isinstance(exc, LabError) else f"{type(exc).__name__}: {exc}"

    def _execute(self) -> JobState:
        from lstm_core.sweep.start import run_trials
        from lstm_core.sweep.study import open_study

        study, _ = open_study(self.storage, self.study_name, self.setup)
        run_trials(study, self.setup, self.dataset, self.sweep, should_stop=self._should_stop, on_trial=self._on_trial)
        return JobState.STOPPED if self._stop.is_set() else JobState.DONE
