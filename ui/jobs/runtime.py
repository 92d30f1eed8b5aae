"""Process-level adjustments Streamlit needs so trainings in worker threads run undisturbed.

After every script run, fragment reruns included, Streamlit calls `keras.backend.clear_session()`
once Keras is imported (`script_runner._clean_problem_modules`). That is process-wide: it
replaces Keras's global state for every thread, resets TensorFlow's default graph, clears the
eager kernel cache and runs a full `gc.collect()` (about 0.25 s holding the GIL with TensorFlow
loaded). With a monitor polling every second, each visitor's reruns would slow down, and could
unseed, every other visitor's training running in its worker thread. Our models live in
`st.session_state` and are built per training, so there is nothing for that cleanup to free.
"""

from __future__ import annotations

import threading
import time

from streamlit.runtime.scriptrunner import get_script_run_ctx

__all__ = ["keep_keras_state_between_reruns", "visitors_now", "warm_workers"]


def _skip_keras_cleanup() -> None:
    """Streamlit's cleanup without the Keras part (it would close matplotlib figures; we draw none)."""


def keep_keras_state_between_reruns() -> bool:
    """Stop Streamlit's per-rerun Keras cleanup; True if applied (the hook is private Streamlit API)."""
    try:
        from streamlit.runtime.scriptrunner import script_runner
    except ImportError:
        return False
    if not callable(getattr(script_runner, "_clean_problem_modules", None)):
        return False
    script_runner._clean_problem_modules = _skip_keras_cleanup
    return True


# A visitor counts as present for this long after their last page run (the time a worker waits idle before it
# exits, LSTM_LAB_WORKER_IDLE_SECONDS, is 300 s by default: a spare for a visitor gone longer would be wasted).
VISITOR_SECONDS = 300.0
_seen: dict[str, float] = {}  # session id -> time.monotonic() of its last page run; ids and times only
_seen_lock = threading.Lock()


def visitors_now(session_id: str | None, *, now: float | None = None) -> int:
    """Note that `session_id` ran a page now; the number of sessions that ran one within VISITOR_SECONDS."""
    now = time.monotonic() if now is None else now
    with _seen_lock:
        if session_id is not None:
            _seen[session_id] = now
        for gone in [key for key, seen in _seen.items() if now - seen > VISITOR_SECONDS]:
            del _seen[gone]
        return max(1, len(_seen))


def warm_workers() -> None:
    """Keep one worker process warm (its backend imported) for the next training; nothing with LSTM_LAB_WORKERS=0.

    Called on every run of the app: cheap when a worker is ready, and after the pool has gone idle a visitor's
    first page load starts the import, seconds before the first click on Train. The pool is told how many
    visitors are here, so that one visitor's training does not also hold a spare worker (lstm_core.jobs.pool).
    """
    from lstm_core.jobs import pool

    if pool.enabled():
        context = get_script_run_ctx()
        pool.shared_pool().warm(visitors_now(context.session_id if context is not None else None))
