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

__all__ = ["keep_keras_state_between_reruns", "warm_workers"]


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


def warm_workers() -> None:
    """Keep one worker process warm (its backend imported) for the next training; nothing with LSTM_LAB_WORKERS=0.

    Called on every run of the app: cheap when a worker is ready, and after the pool has gone idle a visitor's
    first page load starts the import, seconds before the first click on Train.
    """
    from lstm_core.jobs import pool

    if pool.enabled():
        pool.shared_pool().warm()
