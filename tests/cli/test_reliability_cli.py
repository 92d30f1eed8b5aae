"""Every hostile CSV through the real command line: exit 2 with one `error:` line, or exit 0 with clean metrics.

Only two loadable files train, through the command line's `main()` in this process (a subprocess
that trains imports TensorFlow first, 6 s or more; tests/cli/test_cli.py runs `run` as real
subprocesses). Every file the loader refuses runs as a real subprocess that must fail before TensorFlow
is imported: those runs get stand-in `tensorflow`/`keras` modules that raise on import, so a run
that imported them would end in a traceback and fail here. Loadable files go through the same
`main()` in-process (a subprocess each would cost seconds on a shared 2-core machine) with
`--window 300`, which no corpus file is long enough for: the command line must load the file,
print its cleaning notes and stop at windowing with one sentence.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest
from cli_helpers import main_here

from lstm_core.data.csv.read import read_csv
from lstm_core.errors import LabError

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "fixtures" / "hostile"
FILES = sorted(p.name for p in CORPUS.iterdir())
TRAINED = ["constant_series.csv", "inf_values.csv"]
TOO_SHORT_TO_WINDOW = "short_for_window.csv"
FORBID_TF = "raise RuntimeError('TensorFlow/Keras was imported before the data was loaded')\n"


def loader_outcome(name: str) -> str | None:
    """The LabError sentence read_csv gives for the file, or None if it loads."""
    try:
        read_csv(CORPUS / name)
    except LabError as error:
        return str(error)
    return None


def cli(args: list[str], *, forbid_tf_dir: Path) -> subprocess.CompletedProcess:
    """`python -m lstm_core run ARGS` as a real subprocess in which importing TensorFlow, Keras, JAX or torch fails."""
    env = {**os.environ, "PYTHONPATH": f"{forbid_tf_dir}{os.pathsep}{ROOT}"}
    env.pop("LSTM_LAB_VERBOSE", None)
    return subprocess.run(
        [sys.executable, "-m", "lstm_core", "run", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )


def refused(name: str) -> bool:
    return loader_outcome(name) is not None


REFUSED = [name for name in FILES if refused(name)]
LOADABLE = [name for name in FILES if name not in REFUSED]


@pytest.fixture(scope="module")
def refused_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[subprocess.CompletedProcess, Path]]:
    """Every file the loader refuses, through `run` as a subprocess without TensorFlow; four at a time."""
    base = tmp_path_factory.mktemp("cli")
    forbid = base / "forbid_tf"
    forbid.mkdir()
    for module in ("tensorflow", "keras", "jax", "torch"):
        (forbid / f"{module}.py").write_text(FORBID_TF)

    def one(name: str) -> tuple[str, tuple[subprocess.CompletedProcess, Path]]:
        out = base / f"out_{name}"
        args = ["--data", str(CORPUS / name), "--epochs", "1", "--units", "4", "--out", str(out)]
        return name, (cli(args, forbid_tf_dir=forbid), out)

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(pool.map(one, [*REFUSED, TOO_SHORT_TO_WINDOW]))


def error_line(returncode: int, stderr: str, stdout: str = "") -> str:
    """Assert exit 2, no traceback, `note:` lines then exactly one `error:` line; return its sentence."""
    assert "Traceback" not in stderr + stdout, stderr[-3000:]
    assert returncode == 2, stderr[-3000:]
    lines = stderr.strip().splitlines()
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 1, stderr
    assert all(line.startswith(("error: ", "note: ")) for line in lines), stderr
    assert lines[-1] == errors[0]
    return errors[0].removeprefix("error: ")


def test_corpus_has_both_kinds() -> None:
    """The corpus holds files the loader refuses and files it loads (so both paths below are exercised)."""
    assert len(REFUSED) >= 14 and len(LOADABLE) >= 25


@pytest.mark.parametrize("name", REFUSED)
def test_refused_file_through_cli(name: str, refused_runs) -> None:
    """A file the loader refuses ends the real command line with status 2 and the loader's one sentence."""
    done, out = refused_runs[name]
    assert error_line(done.returncode, done.stderr, done.stdout) == loader_outcome(name)
    assert "note: " not in done.stderr
    assert not out.exists()


@pytest.mark.parametrize("name", LOADABLE)
def test_loadable_file_through_cli_main(name: str, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """A loadable file is read by the command line (its notes printed) and stops at windowing in one sentence."""
    from lstm_core.__main__ import main

    out = tmp_path / "out"
    code = main(["run", "--data", str(CORPUS / name), "--window", "300", "--epochs", "1", "--out", str(out)])
    captured = capsys.readouterr()
    message = error_line(code, captured.err, captured.out)
    assert "too few for windows of 300 steps" in message and "Use a smaller window" in message
    notes = [line.removeprefix("note: ") for line in captured.err.splitlines() if line.startswith("note: ")]
    assert notes == list(read_csv(CORPUS / name).notes)
    assert not out.exists()


def test_short_for_window_says_so_without_keras(refused_runs) -> None:
    """A 15-row file loads, but with the default window 10 the real command line refuses it before Keras loads."""
    done, out = refused_runs[TOO_SHORT_TO_WINDOW]
    message = error_line(done.returncode, done.stderr, done.stdout)
    assert message.startswith("The series has 15 points") and "windows of 10 steps" in message
    assert not out.exists()


def strict_json(text: str) -> object:
    def refuse(constant: str) -> None:
        raise AssertionError(f"metrics.json holds {constant}")

    return json.loads(text, parse_constant=refuse)


def finite_numbers(value: object) -> list[float]:
    if isinstance(value, dict):
        return [x for v in value.values() for x in finite_numbers(v)]
    if isinstance(value, list):
        return [x for v in value for x in finite_numbers(v)]
    return [value] if isinstance(value, float) else []


@pytest.mark.parametrize("name", TRAINED)
def test_loadable_file_trains_with_clean_metrics(name: str, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """Constant and infinite-valued files train to exit 0 (and print no warning); metrics hold no NaN or inf."""
    out = tmp_path / name
    done = main_here("run", "--data", str(CORPUS / name), "--epochs", "1", "--units", "4", "--out", str(out),
                     capsys=capsys)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    metrics = strict_json((out / "metrics.json").read_text())
    assert all(math.isfinite(x) for x in finite_numbers(metrics))
    assert metrics["lstm"] is not None and metrics["naive"] is not None
    for block in ("lstm", "naive"):
        assert metrics[block]["mae"] is not None and metrics[block]["rmse"] is not None
    forecast = pd.read_csv(out / "forecast.csv")
    assert forecast["lstm"].notna().all() and forecast["lstm"].abs().lt(1e6).all()
    if name == "constant_series.csv":
        # The naive forecast is perfect and the training part never changes: MASE and skill are undefined.
        assert metrics["naive"]["rmse"] == 0.0 and metrics["lstm"]["mase"] is None
        assert metrics["skill_vs_naive"] is None
