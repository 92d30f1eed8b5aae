"""A small pool of worker processes, so the server never holds the backend and no training can take it down.

TensorFlow keeps memory from every traced training step and JAX about 100 MiB per trained model; neither
gives it back. So the app's trainings (and whatever else needs Keras, such as building `model.keras`) run in
worker processes that can be recycled, limited and killed. Standard library only: each worker is a fresh
interpreter (`python -m lstm_core.jobs.worker`, started by `subprocess`; forking a process that holds threads is
unsafe) with one end of a socket pair as a `multiprocessing.connection.Connection`, for tasks, progress and the
result (pickled plain data: NumPy weights, frames, reports). Not `multiprocessing`'s spawn method: it re-runs the
parent's `__main__` in every child, and under Streamlit `__main__` is the app script itself.

- Warm: a worker imports the backend as it starts (`worker.serve`), then traces the app's default model
  (nn.model_shelf); `warm(visitors)` (the app calls it on every page run) keeps a warm worker for each visitor
  present, as far as the pool's size allows, so a click does not pay the import. One visitor alone never holds
  a spare beside their own training: that would double the memory of the commonest case.
- Recycled: after `jobs_per_worker` tasks (env `LSTM_LAB_WORKER_JOBS`, default 25) or when its resident memory
  passes `recycle_mb` after a task (env `LSTM_LAB_WORKER_RECYCLE_MB`, default 1,200), a worker is told to exit
  and a fresh one is started in its place: what the backend leaks dies with the process.
- Idle workers exit by themselves after `idle_seconds` (env `LSTM_LAB_WORKER_IDLE_SECONDS`, default 300), so an
  unvisited server returns to the server process alone.
- Size: one worker per training place (`LSTM_LAB_MAX_TRAININGS`, whose default should stay at most the cores);
  a short call (a model download) may take one more, which exits after it.
- A worker that dies (a crash in the backend, the kernel's out-of-memory kill, `kill -9`) ends its task with
  outcome "died" and the pool forgets it; the next `warm()` or checkout starts another. Other workers go on.
- Nothing is left behind: the pool kills its workers at the server's exit (atexit), and each worker exits within
  half a second of finding its parent gone (a server killed with SIGKILL).

`LSTM_LAB_WORKERS=0` keeps every job in a thread of the calling process (tests, the JAX comparison, a
machine where processes cannot be started); `enabled()` says which.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from lstm_core.errors import LabError

__all__ = ["Outcome", "Worker", "WorkerPool", "enabled", "process_mb", "shared_pool"]

# A worker keeps its compiled model between trainings of one shape (nn.model_shelf), which traces nothing new: a
# worker simulated in one process grew 11 MiB at its second default training and 0.3 MiB a training after that. A
# replacement costs an import (~6 s of CPU) and the default model's tracing (~3 s), so it is not done often.
DEFAULT_JOBS_PER_WORKER = 25
DEFAULT_RECYCLE_MB = 1200.0
DEFAULT_IDLE_SECONDS = 300.0


def _number(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value > 0 else default


def enabled() -> bool:
    """Whether the app's jobs run in worker processes (env `LSTM_LAB_WORKERS`, default 1; 0: in threads)."""
    return os.environ.get("LSTM_LAB_WORKERS", "1").strip() not in ("0", "false", "no", "off")


def process_mb(pid: int) -> float | None:
    """A process's resident memory in MiB from /proc (None when it is gone or /proc is not there)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except (OSError, ValueError):
        return None
    return None


class Worker:
    """One worker process and the server's end of its pipe."""

    def __init__(self, *, idle_seconds: float, trace_default: bool = False) -> None:
        ours, theirs = socket.socketpair()
        self.conn = Connection(ours.detach())
        root = str(Path(__file__).resolve().parents[2])  # the folder holding lstm_core
        path = os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))
        arguments = [str(theirs.fileno()), str(os.getpid()), str(idle_seconds), "trace" if trace_default else "-"]
        with theirs:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "lstm_core.jobs.worker", *arguments],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                env=os.environ | {"PYTHONPATH": path},
            )  # only the worker holds its end now: its death reads as EOF here
        self.busy = False
        self.tasks = 0
        self.temporary = False  # a call's extra worker beyond the pool's size, retired after its task

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def exitcode(self) -> int | None:
        """None while it runs; negative: the signal that ended it."""
        return self.process.poll()

    def alive(self) -> bool:
        return self.process.poll() is None

    def join(self, timeout: float) -> None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout)

    def resident_mb(self) -> float:
        return process_mb(self.pid) or 0.0

    def send(self, message: Any) -> bool:
        try:
            self.conn.send(message)
            return True
        except (OSError, ValueError):
            return False

    def kill(self) -> None:
        """End the process now (SIGKILL: a backend stuck in native code ignores anything gentler)."""
        if self.alive():
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
        self.join(2.0)
        self.conn.close()

    def retire(self) -> None:
        """Ask the process to exit after its task (it is reaped by `alive()` later)."""
        self.send(None)
        self.conn.close()


@dataclass(frozen=True)
class Outcome:
    """How a task in a worker ended: "done" (value: its result), "failed" (value: a LabError's sentence),
    "error" (value: "Type: message"), "died" (the process ended; exitcode) or "ended" (the caller's `tick`
    ended the worker; value: the reason it returned)."""

    status: str
    value: Any = None
    exitcode: int | None = None


class WorkerPool:
    """Worker processes for the server's jobs; see the module docstring. Thread-safe."""

    def __init__(
        self,
        *,
        size: int,
        jobs_per_worker: int = DEFAULT_JOBS_PER_WORKER,
        recycle_mb: float = DEFAULT_RECYCLE_MB,
        idle_seconds: float = DEFAULT_IDLE_SECONDS,
        trace_default: bool = False,
    ) -> None:
        """`trace_default`: each worker trains the app's default model for one epoch while it waits for its first
        task (worker.serve), so that a visitor's first default training starts without tracing (the app's pool)."""
        self.size = max(1, size)
        self.jobs_per_worker = max(1, jobs_per_worker)
        self.recycle_mb = recycle_mb
        self.idle_seconds = idle_seconds
        self.trace_default = trace_default
        self._lock = threading.Lock()
        self._workers: list[Worker] = []
        self._visitors = 1  # how many visitors the app last said it has (`warm`)
        atexit.register(self.shutdown)

    # --- the workers -----------------------------------------------------------------------------------------
    def _prune(self) -> None:
        """Forget the workers that have exited (idle, recycled, died); reaps them."""
        for dead in [w for w in self._workers if not w.alive()]:
            self._workers.remove(dead)
            dead.conn.close()

    def _spawn(self) -> Worker:
        worker = Worker(idle_seconds=self.idle_seconds, trace_default=self.trace_default)
        self._workers.append(worker)
        return worker

    def warm(self, visitors: int | None = None) -> None:
        """Keep a warm worker for each of the server's `visitors` (None: as last said, at first 1), busy or idle, as
        far as the pool's size allows; one is started per call. So one visitor training alone holds one backend,
        not two, and while two visitors are here each has a warm worker for their click."""
        with self._lock:
            if visitors is not None:
                self._visitors = max(1, visitors)
            self._prune()
            if len(self._workers) < min(self.size, self._visitors):
                self._spawn()

    def checkout(self, *, temporary: bool = False) -> Worker:
        """An idle worker, marked busy (a new one if the pool has room; one beyond it when `temporary`)."""
        with self._lock:
            self._prune()
            idle = [w for w in self._workers if not w.busy]
            if idle:
                worker = idle[0]
            elif len(self._workers) < self.size or temporary:
                worker = self._spawn()
                worker.temporary = len(self._workers) > self.size
            else:
                raise LabError(
                    f"The server is busy: all {self.size} of its worker processes are in use. "
                    "Try again in a minute; your data and settings are kept."
                )
            worker.busy = True
            return worker

    def checkin(self, worker: Worker, *, healthy: bool) -> None:
        """Give a worker back after a task; an unhealthy one is killed, a worn one retired (the next `warm()`
        replaces them: the caller warms once it has used the result, so the new import does not slow that)."""
        with self._lock:
            worker.busy = False
            worker.tasks += 1
            if not healthy or not worker.alive():
                worker.kill()
            elif worker.temporary or worker.tasks >= self.jobs_per_worker or worker.resident_mb() > self.recycle_mb:
                worker.retire()
            else:
                return
            if worker in self._workers:
                self._workers.remove(worker)

    def has_idle(self) -> bool:
        """Whether a live worker waits for a task now."""
        with self._lock:
            self._prune()
            return any(not w.busy for w in self._workers)

    def pids(self) -> list[int]:
        with self._lock:
            self._prune()
            return [w.pid for w in self._workers]

    def workers_mb(self, *, besides: Worker | None = None) -> float:
        """The resident memory of the pool's workers (all but `besides`), in MiB."""
        with self._lock:
            return sum(w.resident_mb() for w in self._workers if w is not besides)

    def shutdown(self) -> None:
        """Kill every worker now (registered with atexit)."""
        with self._lock:
            workers, self._workers = self._workers, []
        for w in workers:
            w.kill()

    # --- a task ----------------------------------------------------------------------------------------------
    def run(
        self,
        task: tuple[str, Any],
        *,
        on_message: Callable[[tuple], None] = lambda message: None,
        tick: Callable[[Worker], str | None] = lambda worker: None,
        poll_seconds: float = 0.1,
        temporary: bool = False,
    ) -> Outcome:
        """Run `task` in a worker, passing its progress messages to `on_message` and calling `tick(worker)`
        every `poll_seconds`; a `tick` that ends the worker returns its reason. A worker that turns out to have
        exited before taking the task (an idle exit at that very moment) is replaced once."""
        for attempt in range(2):
            worker = self.checkout(temporary=temporary)
            outcome, started = _drive(worker, task, on_message, tick, poll_seconds)
            self.checkin(worker, healthy=outcome.status in ("done", "failed", "error"))
            if outcome.status != "died" or started or attempt:
                return outcome
        raise AssertionError("unreachable")


def _drive(
    worker: Worker,
    task: tuple[str, Any],
    on_message: Callable[[tuple], None],
    tick: Callable[[Worker], str | None],
    poll_seconds: float,
) -> tuple[Outcome, bool]:
    started = False
    if not worker.send(task):
        return _died(worker), started
    while True:
        try:
            ready = worker.conn.poll(poll_seconds)
            message = worker.conn.recv() if ready else None
        except (EOFError, OSError):
            return _died(worker), started
        if message is not None:
            kind = message[0]
            if kind == "ready":
                continue
            started = started or kind == "started"
            if kind in ("done", "failed", "error"):
                return Outcome(kind, message[1]), started
            on_message(message)
        reason = tick(worker)
        if reason is not None:
            worker.kill()
            return Outcome("ended", reason, worker.exitcode), started


def _died(worker: Worker) -> Outcome:
    worker.join(1.0)
    return Outcome("died", exitcode=worker.exitcode)


_shared: WorkerPool | None = None
_shared_lock = threading.Lock()


def shared_pool() -> WorkerPool:
    """The process's one pool, sized by the training places (made on first use)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            from lstm_core.jobs.base import max_concurrent_trainings

            _shared = WorkerPool(
                size=max_concurrent_trainings(),
                jobs_per_worker=int(_number("LSTM_LAB_WORKER_JOBS", DEFAULT_JOBS_PER_WORKER)),
                recycle_mb=_number("LSTM_LAB_WORKER_RECYCLE_MB", DEFAULT_RECYCLE_MB),
                idle_seconds=_number("LSTM_LAB_WORKER_IDLE_SECONDS", DEFAULT_IDLE_SECONDS),
                trace_default=True,  # the app's pool: a visitor's first default training traces nothing
            )
        return _shared


def wait_for_exit(pids: list[int], timeout: float) -> bool:
    """True once none of `pids` runs any more (for tests and the shutdown path)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(os.path.exists(f"/proc/{pid}") and _not_zombie(pid) for pid in pids):
            return True
        time.sleep(0.05)
    return False


def _not_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False
