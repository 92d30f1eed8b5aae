"""One harness for the benchmarks: the flags, fresh-process workers, interleaved rounds, the ratio and the result file.

A benchmark declares what it measures; the harness does the rest:

    BENCH = Bench("ensemble_speed", __doc__, options=add_options, rounds=3, quick={"epochs": 2, "rounds": 1})

    def main(argv=None):
        run = BENCH.start(argv)  # flags parsed, --quick applied
        runs = run.rounds([Contender("one-tf", worker, options={"seeds": 1}), Contender("ens-tf", worker)])
        wall = ratio(column(runs["ens-tf"], "wall_seconds"), column(runs["one-tf"], "wall_seconds"), target=2.5,
                     at_most=True)
        print(wall.line("ens-tf / one-tf"))
        return run.write({"summary": ..., "runs": runs})

Flags every benchmark gets: `--quick` (tiny sizes, every worker in this process: a smoke test whose numbers mean
nothing), `--inline`/`--no-inline` (run the workers in this process or each in a fresh one; the default follows
`--quick`), `--out DIR` (default bench/results), `--name NAME` (the result file; `_quick` is appended in quick mode)
and, for a benchmark that repeats, `--rounds N`.

A worker is a module-level function of the benchmark, `worker(options) -> dict`. `options` is the benchmark's parsed
flags with the contender's own `options` on top; the harness hands them all over as JSON to
`python -m bench.harness MODULE FUNCTION OPTIONS` (its own backend, threads and memory, the contender's `env`) and
reads back the one `RESULT {json}` line it prints, so no benchmark restates its options as an argument list. Rounds
rotate the order (A B C, B C A, C A B, ...), so that the load of other processes falls on every contender alike.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import ROOT, jsonable, spread, write_result

RESULT_PREFIX = "RESULT "
Worker = Callable[[argparse.Namespace], dict[str, Any]]


@dataclass(frozen=True)
class Contender:
    """One thing measured in every round: `worker(options)` in a fresh process with `env`.

    `fresh=False` keeps it in this process even in a full run (a browser round against a server this process
    started); such a worker may be a closure. A fresh-process worker must be a module-level function.
    """

    name: str
    worker: Worker
    env: Mapping[str, str] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)
    fresh: bool = True


@dataclass(frozen=True)
class Ratio:
    """median(numerator) / median(denominator), the same ratio round by round (`paired`), and its verdict."""

    value: float
    paired: dict[str, Any] | None
    target: float | None = None
    at_most: bool = False  # the target is a ceiling (a cost) rather than a floor (a speed-up)

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        return self.value <= self.target if self.at_most else self.value >= self.target

    def line(self, label: str = "ratio", *, digits: int = 2, unit: str = "x") -> str:
        """'ratio 2.29x (paired 2.10-2.41x); target <= 2.5x: met'."""
        text = f"{label} {self.value:.{digits}f}{unit}"
        if self.paired and self.paired["n"]:
            text += f" (paired {self.paired['min']:.{digits}f}-{self.paired['max']:.{digits}f}{unit})"
        if self.target is not None:
            sign = "<=" if self.at_most else ">="
            text += f"; target {sign} {self.target:g}{unit}: {'met' if self.met else 'MISSED'}"
        return text


def ratio(
    numerator: Iterable[float], denominator: Iterable[float], *, target: float | None = None, at_most: bool = False
) -> Ratio:
    """Ours against the reference measured in the same run: the ratio of medians and the paired (same-round) ratios.

    For times pass (reference, ours) to get a speed-up; for speeds, or for a cost, (ours, reference).
    """
    top, bottom = [float(v) for v in numerator], [float(v) for v in denominator]
    if not top or not bottom:
        raise ValueError(f"`ratio` needs measurements on both sides. Received: {len(top)} and {len(bottom)}")
    paired = spread([a / b for a, b in zip(top, bottom, strict=True)]) if len(top) == len(bottom) else None
    return Ratio(statistics.median(top) / statistics.median(bottom), paired, target, at_most)


def column(results: Sequence[Mapping[str, Any]], key: str) -> list[Any]:
    """One measure across the rounds: [result[key] for each result]."""
    return [result[key] for result in results]


@dataclass(frozen=True)
class Bench:
    """A benchmark's declaration: its result name, its own flags, its default rounds and its --quick sizes."""

    name: str
    doc: str | None
    options: Callable[[argparse.ArgumentParser], None] | None = None  # adds the benchmark's own flags
    rounds: int | None = None  # the default of --rounds; None: the benchmark has no rounds
    quick: Mapping[str, Any] = field(default_factory=dict)  # flag values that --quick sets
    timeout: float = 1800.0  # seconds a fresh-process worker may take

    def parser(self) -> argparse.ArgumentParser:
        parser = argparse.ArgumentParser(description=self.doc, formatter_class=argparse.RawDescriptionHelpFormatter)
        if self.options is not None:
            self.options(parser)
        common = parser.add_argument_group("harness")
        if self.rounds is not None:
            common.add_argument("--rounds", type=int, default=self.rounds, help="interleaved rounds (fresh processes)")
        common.add_argument("--quick", action="store_true", help="smoke test: tiny sizes, in this process")
        common.add_argument(
            "--inline",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="run the workers in this process (default: only with --quick)",
        )
        common.add_argument("--out", type=Path, default=None, help="results folder (default bench/results)")
        common.add_argument("--name", default=None, help=f"result file name (default {self.name})")
        return parser

    def start(self, argv: Sequence[str] | None = None) -> Run:
        """Parse the flags, apply --quick's sizes, and start the clock of the run."""
        args = self.parser().parse_args(argv)
        if args.quick:
            for key, value in self.quick.items():
                if not hasattr(args, key):
                    raise ValueError(f"`quick` sets an unknown flag. Received: {key}={value!r}")
                setattr(args, key, value)
        if args.inline is None:
            args.inline = args.quick
        args.name = (args.name or self.name) + ("_quick" if args.quick else "")
        return Run(self, args)


class Run:
    """One run of a benchmark: its parsed flags, its measurements and its result file."""

    def __init__(self, bench: Bench, args: argparse.Namespace) -> None:
        self.bench, self.args, self.started = bench, args, time.perf_counter()

    def settings(self) -> dict[str, Any]:
        """The flags as the result file and the workers see them (JSON values only)."""
        return json.loads(json.dumps({k: v for k, v in vars(self.args).items() if k != "out"}, default=str))

    def measure(self, contender: Contender) -> dict[str, Any]:
        """One measurement: the contender's worker here (--inline, or fresh=False) or in a fresh process."""
        options = {**self.settings(), **contender.options}
        if self.args.inline or not contender.fresh:
            return _here(contender.worker, options)
        return fresh_process(contender.worker, options, env=contender.env, timeout=self.bench.timeout)

    def rounds(
        self,
        contenders: Sequence[Contender],
        *,
        rounds: int | None = None,
        describe: Callable[[dict[str, Any]], str] | None = None,
    ) -> dict[str, list[dict[str, Any]]]:
        """Every contender once per round, the order rotated each round; results by contender name, in round order."""
        count = rounds if rounds is not None else getattr(self.args, "rounds", 1)
        names = [c.name for c in contenders]
        if len(set(names)) != len(names):
            raise ValueError(f"contender names must be unique. Received: {names}")
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
        width = max(len(name) for name in names)
        for index in range(count):
            shift = index % len(contenders)
            for contender in [*contenders[shift:], *contenders[:shift]]:
                started = time.perf_counter()
                result = self.measure(contender)
                runs[contender.name].append(result)
                detail = describe(result) if describe else f"done in {time.perf_counter() - started:.1f} s"
                print(f"  round {index + 1}/{count} {contender.name:<{width}} {detail}", flush=True)
        return runs

    def write(self, payload: Mapping[str, Any]) -> Path:
        """bench/results/<name>.json (or --out): the machine, the settings, `payload` and the run's wall time."""
        full = {"settings": self.settings(), **payload}
        full.setdefault("wall_seconds", round(time.perf_counter() - self.started, 1))
        path = write_result(self.args.name, full, out_dir=self.args.out)
        print(f"wrote {path}")
        return path


def _here(worker: Worker, options: Mapping[str, Any]) -> dict[str, Any]:
    """A worker in this process; the environment is put back afterwards (a worker may set a process setting)."""
    saved = dict(os.environ)
    try:
        return worker(argparse.Namespace(**options))
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _module_of(worker: Worker) -> str:
    """The importable name of the worker's module (a benchmark run as a script is `__main__` here)."""
    if worker.__name__ == "<lambda>" or "<locals>" in worker.__qualname__:
        raise ValueError(f"a fresh-process worker must be a module-level function. Received: {worker.__qualname__}")
    module = worker.__module__
    if module != "__main__":
        return module
    main = sys.modules["__main__"]
    spec = getattr(main, "__spec__", None)
    return spec.name if spec is not None else f"bench.{Path(main.__file__).stem}"


def fresh_process(
    worker: Worker, options: Mapping[str, Any], *, env: Mapping[str, str] | None = None, timeout: float = 1800.0
) -> dict[str, Any]:
    """`worker(options)` in a new Python process with `env` on top of ours; its result, plus `process_seconds`."""
    module = _module_of(worker)
    command = [sys.executable, "-m", "bench.harness", module, worker.__name__, json.dumps(options, default=str)]
    started = time.perf_counter()
    proc = subprocess.run(
        command,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=str(ROOT),
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith(RESULT_PREFIX)]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(
            f"worker {module}.{worker.__name__} failed (exit {proc.returncode}), options {dict(options)}, "
            f"env {dict(env or {})}:\n{proc.stderr[-3000:]}"
        )
    result = json.loads(lines[-1][len(RESULT_PREFIX) :])
    result["process_seconds"] = round(time.perf_counter() - started, 2)
    return result


def emit(result: Mapping[str, Any]) -> None:
    """A worker's answer: one line on stdout the parent can find among library chatter."""
    print(RESULT_PREFIX + json.dumps(result, default=jsonable), flush=True)


def _worker_main(argv: Sequence[str]) -> None:
    module, function, options = argv
    worker = getattr(importlib.import_module(module), function)
    emit(worker(argparse.Namespace(**json.loads(options))))


if __name__ == "__main__":
    _worker_main(sys.argv[1:])
