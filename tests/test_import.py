"""Import boundaries: lstm_core is cheap to import and never imports Streamlit; pages never import Keras."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ["tensorflow", "keras", "jax", "streamlit", "statsmodels"]


def imported_modules(path: Path) -> set[str]:
    """Top-level names of every module that `path` imports, anywhere in the file."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_importing_lstm_core_is_cheap():
    """Importing lstm_core, its experiment, jobs and export modules loads no TensorFlow, Keras, JAX, Streamlit or
    statsmodels."""
    code = (
        "import sys, lstm_core, lstm_core.experiment.run, lstm_core.jobs.base, lstm_core.experiment.export,"
        " lstm_core.forecast.one_step, lstm_core.cli.main;"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


@pytest.mark.parametrize("path", sorted((ROOT / "lstm_core").rglob("*.py")), ids=lambda p: p.name)
def test_lstm_core_never_imports_streamlit(path):
    """No module in lstm_core imports streamlit."""
    assert "streamlit" not in imported_modules(path)


def test_pages_never_import_keras():
    """No page imports keras, tensorflow or jax: pages go through lstm_core."""
    pages = [p for folder in ("pages", "app_pages") for p in sorted((ROOT / folder).glob("*.py"))]
    for path in pages:
        assert not imported_modules(path) & {"keras", "tensorflow", "jax"}, path


@pytest.mark.parametrize("preset", [None, "4"])
def test_one_tensorflow_thread_on_small_machines(preset):
    """On two cores or fewer, configure_threads asks TensorFlow for one intra-op thread; a preset value wins."""
    import os

    env = {key: value for key, value in os.environ.items() if key != "TF_NUM_INTRAOP_THREADS"}
    if preset is not None:
        env["TF_NUM_INTRAOP_THREADS"] = preset
    code = (
        "import os, lstm_core; before = os.environ.get('TF_NUM_INTRAOP_THREADS', 'unset');"
        "from lstm_core.runtime import configure_threads; configure_threads();"
        "print(before, os.environ.get('TF_NUM_INTRAOP_THREADS', 'unset'))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    small = len(os.sched_getaffinity(0)) <= 2
    expected = preset if preset is not None else ("1" if small else "unset")
    assert done.stdout.split() == [preset or "unset", expected]  # importing lstm_core alone sets nothing
