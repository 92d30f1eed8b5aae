"""The inside of a worker process (lstm_core.jobs.pool starts it as `python -m lstm_core.jobs.worker FD PARENT
IDLE TRACE`): warm up, serve tasks, exit.

`serve(conn, parent_pid, idle_seconds, trace_default)` is the process's whole life. It imports the Keras backend
first (a warm worker: the ~6 s import of TensorFlow is paid before a visitor's click), with `trace_default` (the
app's pool) trains the app's default model for one epoch onto the model shelf, then answers tasks from its
end of a duplex pipe, one at a time, until it is told to exit (None), hears no task for `idle_seconds`, or
its parent is gone (checked every half second: a server killed with SIGKILL leaves no worker behind).

Messages to the server are tuples whose first item says what they are:
`("ready", pid)` once warm; `("started", backend, device)` for each task; during a training `("epoch",
EpochReport)`, `("batch", BatchReport)` (at most ten a second), `("probe", probe_x, epochs)` and
`("snapshot", Snapshot)` (the probe recorder's epoch, weights and probe gates, so the server holds the weights
of the last recorded epoch should it have to end the worker), `("baselines", fits)` (ETS's and Theta's answers,
fitted in a thread beside the training) and `("trained",)` once the network is trained; during a benchmark
`("series", model, done, total)` and the LSTM's `("epoch", EpochReport)`; then `("done", result)`,
`("failed", sentence)` for a LabError or `("error", "Type: message")` for anything else. The server sends
`("stop",)` during a training to end it at the next execution step, as a Stop does in-process.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from lstm_core.errors import LabError
from lstm_core.nn.stop_reason import StopReason
from lstm_core.runtime import give_back_freed_memory

__all__ = ["serve"]

BATCH_REPORTS_PER_SECOND = 10.0
STOP_WAIT_FOR_BASELINES_SECONDS = 0.3  # after a Stop, what ETS and Theta may still take before they are left out


def _exit_when_orphaned(parent_pid: int) -> None:
    """Exit as soon as the parent is gone (reparented): no worker outlives a killed server."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="lstm-lab-parent-watch", daemon=True).start()


def _warm() -> None:
    import importlib

    from lstm_core.nn.keras_model import backend_name
    from lstm_core.runtime import configure_threads, keep_jax_out, page_out_library_pages

    configure_threads()
    keep_jax_out(backend_name())
    import keras  # noqa: F401  (the backend, imported before the first task needs it)

    # What a training imports besides (the experiment, ETS and Theta): paid here, not between a click and its first
    # epoch (a warm worker's first training took 5.1 s to its first epoch against 1.9 s in-process without these).
    for module in ("lstm_core.experiment.run", "lstm_core.nn.train", "statsmodels.tsa.exponential_smoothing.ets",
                   "statsmodels.tsa.forecasting.theta"):  # fmt: skip
        importlib.import_module(module)
    # The library pages touched only while loading go back now; the default model's trace (next) and the first task
    # read back what a training needs.
    page_out_library_pages()


def _trace_default_model() -> None:
    """Train the app's default model on its default sample for one epoch, onto the model shelf (nn.model_shelf):
    a visitor's first training of that shape then starts without tracing (about 1.3 s of its first epoch)."""
    from lstm_core.config.settings import ExperimentConfig
    from lstm_core.data.sources import DEFAULT_SAMPLE, load_sample
    from lstm_core.data.windows import prepare
    from lstm_core.experiment.run import season_length
    from lstm_core.nn.train import train

    dataset, config = load_sample(DEFAULT_SAMPLE), ExperimentConfig()
    windows = prepare(dataset.values, config.windows, season_length=season_length(dataset, config))
    train(windows, config.replace(epochs=1), reuse_model=True)


def serve(conn: Connection, parent_pid: int, idle_seconds: float, trace_default: bool = False) -> None:
    """The worker process's main function (see the module docstring)."""
    _exit_when_orphaned(parent_pid)
    _warm()
    conn = _Sender(conn)  # type: ignore[assignment]
    conn.send(("ready", os.getpid()))
    if trace_default and not conn.poll(0.0):  # nothing asked for yet: trace the default model while waiting
        with contextlib.suppress(Exception):  # a head start only: a task traces what it needs itself
            _trace_default_model()
    while True:
        try:
            if not conn.poll(idle_seconds):
                return  # idle for long enough: the pool shrinks
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        if task[0] == "stop":  # a Stop that crossed the end of the last training: nothing to stop now
            continue
        kind, payload = task
        try:
            if kind == "train":
                conn.send(("done", _train(conn, *payload)))
            elif kind == "backtest":
                conn.send(("done", _backtest(conn, *payload)))
            elif kind == "sweep":
                conn.send(("done", _sweep(conn, *payload)))
            elif kind == "benchmark":
                conn.send(("done", _benchmark(conn, *payload)))
            elif kind == "call":
                function, args = payload
                conn.send(("started", *_where()))
                conn.send(("done", function(*args)))
            else:
                conn.send(("error", f"ValueError: unknown task {kind!r}"))
        except LabError as exc:
            conn.send(("failed", str(exc)))
        except (EOFError, BrokenPipeError):
            return
        except Exception as exc:  # the server turns it into one sentence for the visitor
            conn.send(("error", f"{type(exc).__name__}: {exc}"))
        give_back_freed_memory()  # the task's arrays are freed now: the next one starts from the same footprint


def _where(device: str = "auto") -> tuple[str, str]:
    from lstm_core.nn.keras_model import backend_name
    from lstm_core.nn.train import resolve_device

    try:
        return backend_name(), resolve_device(device)
    except LabError:
        return backend_name(), device


def _train(conn: _Sender, dataset: Any, config: Any, time_limit: float | None) -> Any:
    """run_experiment's steps, with ETS and Theta fitted in a thread while the network trains (they need only the
    data) and sent to the server as soon as they are ready. The thread starts once the first epoch has ended, so
    that it does not slow the epoch a visitor waits for after the click. A Stop's result waits for them at most
    STOP_WAIT_FOR_BASELINES_SECONDS, then leaves them out with a note."""
    from lstm_core.data.windows import prepare
    from lstm_core.experiment.run import evaluate, predicted_baselines, season_length
    from lstm_core.nn.keras_model import release_model
    from lstm_core.nn.train import train

    conn.send(("started", *_where(config.train.device)))
    windows = prepare(dataset.values, config.windows, season_length=season_length(dataset, config))
    fitted: dict[str, Any] = {"open": True}
    taking = threading.Lock()

    def fit() -> None:
        answers = predicted_baselines(dataset, config, windows)  # answers, not fits: no statsmodels there
        with taking:
            if fitted["open"]:  # not once the run is made without them: the next task must never hear of them
                fitted["fits"] = answers
                conn.send(("baselines", answers))

    fitting = threading.Thread(target=fit, name="lstm-lab-baselines", daemon=True)

    def on_epoch(report: Any) -> None:
        conn.send(("epoch", report))
        if fitting.ident is None:  # not started yet
            fitting.start()

    result = train(
        windows,
        config,
        on_epoch=on_epoch,
        on_batch=_throttled(conn),
        should_stop=_StopListener(conn),
        recorder=_forwarding_recorder(conn),
        time_limit=time_limit,
        reuse_model=True,  # the worker's last compiled model of this shape (nn.model_shelf): no tracing
    )
    conn.send(("trained",))  # what is left is evaluation: the server no longer ends the worker for a Stop
    if fitting.ident is None:  # no epoch ended (a Stop or the time limit before the first)
        fitting.start()
    # A Stop's visitor is waiting: ETS and Theta get what is left of its second, and are left out (with a note)
    # rather than waited for. Measured: a Stop right after the first epoch waited 5.9 s for them on loaded cores.
    stopped = result.stop_reason == StopReason.STOPPED
    fitting.join(STOP_WAIT_FOR_BASELINES_SECONDS if stopped else None)
    with taking:
        fitted["open"] = False
        fits = fitted.get("fits")  # None: not ready after a Stop, or their thread failed (then fitted here)
    left_out = "ETS and Theta are left out: the training was stopped before they were fitted." if stopped else None
    run = evaluate(dataset, config, windows, result, fits=fits, baselines_left_out=left_out if fits is None else None)
    release_model(result.model)
    # The server has every gate snapshot already (sent as recorded) and attaches its own: not sent twice
    return dataclasses.replace(run, train=dataclasses.replace(run.train, gate_history=None))


def _backtest(conn: _Sender, dataset: Any, config: Any, backtest: Any) -> Any:
    from lstm_core.evaluate.backtest import run_backtest

    conn.send(("started", *_where(config.train.device)))
    return run_backtest(
        dataset,
        config,
        backtest,
        on_fold=lambda report: conn.send(("fold", report)),
        on_epoch=lambda report: conn.send(("epoch", report)),
        on_batch=_throttled(conn),
        should_stop=_StopListener(conn),
    )


def _sweep(conn: _Sender, dataset: Any, setup: Any, storage: str, study_name: str, sweep: Any) -> int:
    """Trials of the study until its budget, the sweep's time limit or a Stop; each finished trial is sent."""
    from lstm_core.sweep.start import run_trials
    from lstm_core.sweep.study import open_study

    conn.send(("started", *_where(setup.config.train.device)))
    study, _ = open_study(storage, study_name, setup)
    on_trial = lambda trial: conn.send(("trial", trial))  # noqa: E731
    return run_trials(study, setup, dataset, sweep, should_stop=_StopListener(conn), on_trial=on_trial)


def _benchmark(conn: _Sender, collection: Any, config: Any, options: dict[str, Any]) -> Any:
    """Every model on every series (`options`: run_benchmark's arguments, made from the job's BenchmarkConfig);
    `("series", model, done, total)` and the LSTM's epochs are sent as they come. A Stop ends it at the next series
    or epoch: None comes back."""
    from lstm_core.evaluate.benchmark import BenchmarkStopped, run_benchmark

    conn.send(("started", *_where(config.train.device)))
    try:
        return run_benchmark(
            collection,
            config=config,
            on_epoch=lambda report: conn.send(("epoch", report)),
            on_series=lambda model, done, total: conn.send(("series", model, done, total)),
            should_stop=_StopListener(conn),
            **options,
        )
    except BenchmarkStopped:
        return None


def _throttled(conn: _Sender) -> Any:
    """`on_batch` that sends at most BATCH_REPORTS_PER_SECOND reports a second."""
    last = 0.0

    def on_batch(report: Any) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= 1.0 / BATCH_REPORTS_PER_SECOND:
            last = now
            conn.send(("batch", report))

    return on_batch


class _Sender:
    """The worker's end of the pipe, safe to send from two threads (the training and the baseline fit)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._lock = threading.Lock()

    def send(self, message: Any) -> None:
        with self._lock:
            self.conn.send(message)

    def poll(self, timeout: float = 0.0) -> bool:
        return self.conn.poll(timeout)

    def recv(self) -> Any:
        return self.conn.recv()


class _StopListener:
    """`should_stop` for a training in the worker: True once the server has sent ("stop",)."""

    def __init__(self, conn: _Sender) -> None:
        self.conn = conn
        self.stopped = False

    def __call__(self) -> bool:
        while not self.stopped and self.conn.poll():
            message = self.conn.recv()
            self.stopped = bool(message) and message[0] == "stop"
        return self.stopped


def _forwarding_recorder(conn: _Sender) -> Any:
    """A GateRecorder that also sends the probe window and every snapshot's epoch and weights to the server."""
    from lstm_core.nn.probe import GateRecorder

    class ForwardingRecorder(GateRecorder):
        def begin(self, probe_x: Any, epochs: int) -> None:
            super().begin(probe_x, epochs)
            conn.send(("probe", probe_x, epochs))

        def record(self, epoch: int, weights: Any) -> None:
            super().record(epoch, weights)
            conn.send(("snapshot", self.snapshots()[-1]))  # its probe gates with it: not computed again there

    return ForwardingRecorder()


def call(function: Callable[..., Any], *args: Any) -> tuple[str, tuple[Callable[..., Any], tuple[Any, ...]]]:
    """The task that runs `function(*args)` in a worker (both must pickle: a module-level function)."""
    return "call", (function, args)


if __name__ == "__main__":
    descriptor, parent, idle, trace = sys.argv[1:5]
    serve(Connection(int(descriptor)), int(parent), float(idle), trace_default=trace == "trace")
