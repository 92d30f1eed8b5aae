"""Smoke tests for bench/: every benchmark is a harness `Bench`, and runs in its tiny --quick mode.

These are not timed assertions (the numbers mean nothing at this size); they prove the scripts still run
against the current lstm_core. The quick runs happen in this process (one TensorFlow import, no subprocess);
one cheap worker goes through a real fresh process, the path every full run takes. The three benchmarks that
drive the app in Chromium (cold_start, app_overhead, app_memory) take 20-50 s even in --quick mode, and
worker_speed starts processes that import TensorFlow, so here they are only imported and their flags parsed; the
process-tree measure they share (bench/proctree.py) is tested on a real child process.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
from pathlib import Path

import pytest

from bench.harness import Bench, Contender, fresh_process, ratio

BENCH = Path(__file__).resolve().parents[1] / "bench"
HELPERS = {"__init__", "common", "harness", "browser", "proctree"}
SCRIPTS = sorted(path.stem for path in BENCH.glob("*.py") if path.stem not in HELPERS)
# Only imported and their flags parsed here: the browser ones take 20-50 s even with --quick, and worker_speed's quick
# run starts worker processes and `sweep` commands, each importing TensorFlow (about a minute on 2 cores).
IN_BROWSER = {"cold_start", "app_overhead", "app_memory", "worker_speed"}
# Only imported too: its --quick run is two real `sweep` commands (about 20 s), over the 3 s a smoke test may cost.
SLOW_QUICK = {"sweep_vs_baselines"}
pytestmark = pytest.mark.timeout(180)


def _load(name: str):
    return importlib.import_module(f"bench.{name}")  # bench is installed with the project (requirements-dev.txt)


@pytest.fixture(autouse=True)
def _environment_kept():
    """A benchmark may point the store or a limit elsewhere for its own run; the next test gets ours back."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.mark.parametrize("script", SCRIPTS)
def test_every_script_is_a_harness_bench(script: str) -> None:
    """Each bench/<script>.py imports, declares a `Bench` named after itself, and parses the harness's flags."""
    module = _load(script)
    assert isinstance(module.BENCH, Bench) and module.BENCH.name == script
    args = module.BENCH.start(["--quick", "--out", "somewhere"]).args
    assert args.quick and args.name == f"{script}_quick" and args.out == Path("somewhere")


@pytest.mark.parametrize("script", [s for s in SCRIPTS if s not in IN_BROWSER | SLOW_QUICK | {"sweep_speed"}])
def test_bench_script_runs_quick(script: str, tmp_path: Path, capsys) -> None:
    """`bench/<script>.py --quick` finishes, prints a ratio line and writes its JSON with the settings it ran."""
    _load(script).main(["--quick", "--out", str(tmp_path)])
    printed = capsys.readouterr().out
    assert "ratio" in printed, printed
    payload = json.loads((tmp_path / f"{script}_quick.json").read_text())
    assert payload["machine"]["cpu_count"] >= 1
    assert payload["settings"]["quick"] is True and payload["wall_seconds"] >= 0


def echo(options: argparse.Namespace) -> dict:
    """A worker for the test below: what it was given, and where it ran."""
    if options.fail:
        raise SystemExit("asked to fail")
    return {"options": vars(options), "pid": os.getpid(), "env": os.environ.get("BENCH_SMOKE")}


def test_a_worker_gets_every_option_and_its_env_in_a_fresh_process() -> None:
    """A fresh-process worker receives the options as JSON and the contender's env; a failure names the worker."""
    tests = str(Path(__file__).resolve().parent)
    env = {"PYTHONPATH": os.pathsep.join([tests, os.environ.get("PYTHONPATH", "")]), "BENCH_SMOKE": "yes"}
    options = {"units": 8, "data": "sample:x", "seeds": [1, 2], "fail": False}
    result = fresh_process(echo, options, env=env, timeout=60)
    assert result["options"] == options and result["env"] == "yes" and result["pid"] != os.getpid()
    assert result["process_seconds"] > 0
    with pytest.raises(RuntimeError, match=r"(?s)echo failed.*asked to fail"):
        fresh_process(echo, {**options, "fail": True}, env=env, timeout=60)


def test_rounds_rotate_the_order_and_the_ratio_pairs_rounds(capsys) -> None:
    """Rounds run A B C, B C A, C A B; the ratio is of medians, paired round by round, with its verdict."""
    order: list[str] = []

    def measure(name: str):
        return lambda options: order.append(name) or {"seconds": {"a": 1.0, "b": 2.0, "c": 4.0}[name] * options.rounds}

    run = Bench("rotation", None, rounds=3).start([])
    runs = run.rounds([Contender(name, measure(name), fresh=False) for name in "abc"])
    assert order == list("abcbcacab") and [r["seconds"] for r in runs["b"]] == [6.0, 6.0, 6.0]
    speedup = ratio([r["seconds"] for r in runs["c"]], [r["seconds"] for r in runs["a"]], target=3.0)
    assert speedup.value == 4.0 and speedup.paired["min"] == 4.0 and speedup.met
    assert speedup.line() == "ratio 4.00x (paired 4.00-4.00x); target >= 3x: met"
    assert ratio([5.0], [2.0], target=2.0, at_most=True).met is False


def test_the_process_tree_is_measured_with_its_children() -> None:
    """bench/proctree.py finds a child process, sums its PSS into the tree, and sees the tree settle."""
    import subprocess
    import sys

    from bench.proctree import TreeSampler, descendants, maps_backend, pss_mb, tree_mb, wait_quiet

    child = subprocess.Popen([sys.executable, "-c", "import time; data = b'x' * (64 << 20); time.sleep(30)"])
    try:
        with TreeSampler(os.getpid(), interval=0.05) as sampler:
            settled = wait_quiet(os.getpid(), workers=1, timeout=20)
            own, tree, below = tree_mb(os.getpid())
            assert settled["settled"] and child.pid in below
            assert pss_mb(child.pid) > 60 and tree >= own + 60  # the child's 64 MiB, counted in the tree
            server, tree_peak = sampler.peak()
            assert sampler.samples >= 2 and 0 < server <= sampler.max_server and tree_peak >= server + 60
        assert not maps_backend(child.pid, "jax")
    finally:
        child.kill()
        child.wait()
    assert pss_mb(child.pid) == 0.0 and child.pid not in descendants(os.getpid())
