"""One life for every background job of a visitor: start, poll in a fragment, stop, collect, the sidebar line.

A `JobSlot` is the place in the session where one kind of job lives (`job` for trainings, `backtest_job`,
`sweep_job`): at most one of each runs at a time. Its life is the same for every kind, and written here once:

- `start(build)` refuses while the slot's job runs, builds the job, starts it and keeps it in `key`;
- `watch()`, called in a fragment every `poll_seconds` while the job runs, sends the heartbeat (a job that
  nobody watches stops itself) and, once the job has finished, reruns the whole app;
- that full run calls `collect()` (app.py, for every slot): once per finished job, `keep(job)` turns it
  into the family's record or error sentence, and `collected_key` remembers that it was kept;
- `stop()` is the Stop buttons' callback; `live_progress()` the owning page's progress line, and
  `sidebar(here=...)` the line every page shows (polling, except on the page that polls the job itself).

A family (ui.jobs.trainings, backtests, sweeps) subclasses it and declares only what differs: its keys and
words, its progress line, its sidebar line, and `keep`. The slot talks to a job only through `Job` below
(start, request_stop, heartbeat, finished, stopping); the family reads its results and failure in `keep`. A job
whose work runs in a worker process instead of a thread needs only to offer the same surface.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import streamlit as st

from lstm_core.errors import LabError
from ui.session.keys import KEYS

__all__ = ["Job", "JobSlot", "Progress"]


class Job(Protocol):
    """What a slot needs of a job (lstm_core.jobs' WorkerJob offers it)."""

    @property
    def finished(self) -> bool: ...

    @property
    def stopping(self) -> bool: ...  # a stop was requested and the job has not finished yet

    def start(self) -> Any: ...  # raises LabError when the server is busy or a limit would break

    def request_stop(self) -> None: ...

    def heartbeat(self) -> None: ...  # "a page is watching": without one for a while the job stops itself


@dataclass(frozen=True)
class Progress:
    """A running job's progress bar: how far (0..1) and the sentence on it."""

    fraction: float
    text: str


class JobSlot:
    """The life of one kind of job in a visitor's session; a subclass sets the attributes and the hooks."""

    key: str  # session key of the current or last job (None before the first)
    collected_key: str  # session key: whether that job's end has been kept (`collect`)
    noun: str  # "training": "A training is already running; ..."
    page: str  # the page that shows the job and polls it itself (its name in ui.pages)
    poll_seconds: float = 0.5  # how often a watching fragment reruns while the job runs
    idle_text: str | None = None  # the sidebar's line before the first job; None: no line
    stop_label: str | None = None  # the sidebar's Stop button; None: no button there
    stop_key: str | None = None

    def __init__(self) -> None:
        missing = sorted({self.key, self.collected_key} - {key.name for key in KEYS})
        if missing:  # a key is made in one place: ui.session.keys
            raise ValueError(f"A job slot's keys must be in ui.session.keys.KEYS. Received: missing={missing}")

    # --- what a family declares -------------------------------------------------------------------------------
    def progress(self, job: Any) -> Progress:
        """The running job's progress bar on its own page."""
        raise NotImplementedError

    def draw_sidebar_progress(self, job: Any) -> None:
        """The running job's lines in the sidebar (the slot adds the Stop button)."""
        raise NotImplementedError

    def finished_text(self, job: Any) -> str | None:
        """The sidebar's line once the job's end has been kept; None: no line."""
        return None

    def keep(self, job: Any) -> Any:
        """Once per finished job: keep its result (a record) or its failure (a sentence); returns the record."""
        return None

    # --- the life, the same for every family ----------------------------------------------------------------
    def current(self) -> Any:
        """The current or last job, or None before the first."""
        return st.session_state.get(self.key)

    def running(self) -> bool:
        """Whether this visitor's job of this kind runs now (started and not finished)."""
        job = self.current()
        return job is not None and not job.finished

    def collected(self) -> bool:
        return bool(st.session_state.get(self.collected_key, True))

    def start(self, build: Callable[[], Job]) -> Any:
        """Build and start a job (`build` raises LabError for bad settings); LabError while one runs or when busy."""
        if self.running():
            raise LabError(f"A {self.noun} is already running; stop it or wait for it to finish first.")
        job = build()
        job.start()
        st.session_state[self.key] = job
        st.session_state[self.collected_key] = False
        return job

    def stop(self) -> None:
        """Button callback: ask the running job to stop (it ends soon, keeping what it reached)."""
        job = self.current()
        if job is not None:
            job.request_stop()

    def collect(self) -> Any:
        """Once per finished job (called by app.py on every run): `keep` it; the record, or None."""
        job = self.current()
        if job is None or not job.finished or self.collected():
            return None
        st.session_state[self.collected_key] = True
        return self.keep(job)

    def watch(self) -> Any:
        """In a polling fragment: the heartbeat while the job runs; a rerun of the whole app once it has finished."""
        job = self.current()
        if job is None:
            return None
        if job.finished:
            if not self.collected():
                st.rerun()  # the whole app: collect the job, and every page shows its result
        else:
            job.heartbeat()
        return job

    def live_progress(self) -> None:
        """The job's progress bar on its own page, a fragment polling every `poll_seconds` while the job runs."""
        self._fragment("progress", self._progress_body, poll=self.running())

    def sidebar(self, *, here: bool) -> None:
        """The job's line in the sidebar of every page; `here`: on the page that polls the job itself."""
        job = self.current()
        if job is None and self.idle_text is None:
            return
        if job is not None and job.finished and self.collected() and self.finished_text(job) is None:
            return
        self._fragment("sidebar", self._sidebar_body, poll=not here and self.running())

    # --- the fragments --------------------------------------------------------------------------------------
    def _fragment(self, part: str, body: Callable[[], None], *, poll: bool) -> None:
        def run() -> None:
            body()

        # A fragment is known by its function's module and name: one name per slot and part.
        run.__module__, run.__qualname__ = type(self).__module__, f"{type(self).__qualname__}.{part}"
        st.fragment(run_every=self.poll_seconds if poll else None)(run)()

    def _progress_body(self) -> None:
        job = self.watch()
        if job is None or job.finished:
            return
        progress = self.progress(job)
        st.progress(progress.fraction, text=progress.text)

    def _sidebar_body(self) -> None:
        job = self.watch()
        if job is None:
            if self.idle_text is not None:
                st.caption(self.idle_text)
        elif not job.finished:
            self.draw_sidebar_progress(job)
            if self.stop_label is not None:
                st.button(self.stop_label, key=self.stop_key, on_click=self.stop, disabled=job.stopping)
        elif text := self.finished_text(job):
            st.caption(text)
