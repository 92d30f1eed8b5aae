"""The command line through its `main()` in this process, held to what the real command would print.

A fresh `python -m lstm_core` spends about 6 s of CPU importing TensorFlow before it does anything else. Each command
keeps real-subprocess tests (they also show that the command quiets TensorFlow by itself); cases whose point is the
data or the options, not the process, call `main_here`: the same parser, command and files, with the result of a
subprocess (exit status, stdout, stderr).
"""

from __future__ import annotations

import os
import subprocess
import warnings
from collections.abc import Mapping

import pytest

from lstm_core.cli.main import main


def main_here(
    *args: str, capsys: pytest.CaptureFixture, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess:
    """`python -m lstm_core ARGS` as `main(ARGS)` here, with `env` set for the call only.

    A warning the command would print fails the call, as it would spoil the subprocess's stderr: Python's default
    filters apply, plus the command's own, which hide only Keras', TensorFlow's, JAX's and absl's
    (lstm_core.cli.main.quiet_native_logs)."""
    capsys.readouterr()  # what came before is not the command's
    saved = dict(os.environ)
    os.environ.update(env or {})
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
                warnings.filterwarnings("ignore", category=category)
            warnings.filterwarnings("ignore", module=r"(keras|tensorflow|jax|absl)(\.|$)")
            status = main(list(args))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    out, err = capsys.readouterr()
    assert not caught, [f"{w.category.__name__}: {w.message} ({w.filename}:{w.lineno})" for w in caught]
    return subprocess.CompletedProcess(["python", "-m", "lstm_core", *args], status, out, err)
