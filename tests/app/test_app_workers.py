"""The app's trainings in worker processes: the Streamlit script's process never imports the backend.

Run in a fresh interpreter (the test process has TensorFlow loaded by other tests), as the server would be.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

VISITOR = textwrap.dedent(
    """
    import json, sys
    from app_helpers import errors, open_train_page, press_train, switch

    if __name__ == "__main__":
        at = open_train_page(units=3, epochs=2, window=6)
        job = press_train(at, timeout=150)
        at = switch(at, "forecast")
        from lstm_core.jobs import pool
        from ui.views import downloads
        model = downloads.model_bytes(at.session_state["runs"][-1].run)
        print(json.dumps({
            "state": str(job.state), "error": job.error, "worker": job.worker_pid, "errors": errors(at),
            "runs": len(at.session_state["runs"]), "model_bytes": len(model),
            "loaded": sorted(name for name in ("keras", "tensorflow", "jax", "statsmodels") if name in sys.modules),
            "workers": pool.shared_pool().pids(),
        }))
    """
)


def test_a_training_from_the_app_runs_in_a_worker_and_the_server_never_imports_the_backend(tmp_path):
    """Train from the Train page, open the Forecast page and build the model download: no Keras in the app's process,
    nor statsmodels (the worker sends ETS's and Theta's predictions, not their fits)."""
    script = tmp_path / "visitor.py"
    script.write_text(VISITOR)
    env = os.environ | {
        "LSTM_LAB_WORKERS": "1",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests")]),
    }
    done = subprocess.run(
        [sys.executable, str(script)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=240, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["state"] == "done" and seen["error"] is None and seen["worker"] not in (None, os.getpid())
    assert seen["runs"] == 1 and not seen["errors"] and seen["model_bytes"] > 1000
    assert seen["loaded"] == [], f"the app's process imported {seen['loaded']}"
