"""Memory of the live app's whole process tree (the server and its worker processes) while a visitor trains in Chromium.

    python bench/worker_speed.py        # the real run of every issue-19 target, this script's two backends included
    python bench/app_memory.py --repeat 20  # TensorFlow alone, about 7 minutes
    python bench/app_memory.py --repeat 20 --backend jax  # JAX (KERAS_BACKEND=jax for the server), about 8 minutes
    python bench/app_memory.py --quick      # smoke test: 2 trainings of 1 epoch (numbers mean nothing)

Starts `streamlit run app.py` as a host would (trainings in worker processes: LSTM_LAB_WORKERS=1,
LSTM_LAB_MAX_TRAININGS=2; LSTM_LAB_WORKER_IDLE_SECONDS=--idle-seconds, 60 s instead of 300, so that the pool goes
idle within the run; much shorter lets a warm worker exit while a loaded machine redraws the page before a click).
A thread sums the proportional set size (PSS, /proc/<pid>/smaps_rollup: a page shared by the server and a worker
is counted once) of the server and of every process below it, every 150 ms
(bench/proctree.py). Phases, in one server:

    idle       after the health check, before any visitor: the server alone
    warm       one visitor opens the Data page; the app warms one worker (its backend imported); the tree settles
    trainings  the visitor trains the default model (LSTM(50), window 10, batch 32, 100 epochs,
               airline-passengers; the issue's "default training") --repeat times from the Train page. Before each
               click the tree is settled (a warm worker waits; one replaced after LSTM_LAB_WORKER_JOBS=8 tasks has
               imported its backend); after each, the tree settles again and is read.
    two        two more visitors press Train at once (a second worker starts on the clicks unless a spare is warm)
    left       every visitor closes its tab; the pool's idle workers exit; the tree is read again

Targets (issue 19), each against its reference in the same run:

    the server alone at most 350 MiB throughout (its largest sample over every phase)
    one default training: the tree's peak at most 900 MiB (the first training's)
    the tree after the last training within 30 MiB of after the first (and, beside it, of after the first training
      whose reading holds as many workers as the last: the pool's spare warm worker comes and goes)
    after the visitor leaves and the pool goes idle, the tree is the server alone (no worker left; tree - server = 0)
    click to first epoch on a warm worker at most 1.5 s: from pressing Train to the progress line's "last epoch"
      (drawn when the first epoch's loss reaches the page; the page polls its job every 0.5 s, included). The first
      training's (its worker's first tracing) and the median of the rest are both reported.

    python bench/app_memory.py --repeat 20 --epochs 100 --idle-seconds 60 --backend tensorflow  # the defaults
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from typing import Any

from bench.browser import assert_no_exception, chromium, click_train, open_page, server, set_training, wait_trained
from bench.harness import Bench, Run
from bench.proctree import TreeSampler, descendants, maps_backend, tree_mb, wait_quiet

TRAIN_TIMEOUT_MS = 600_000
RESULT = "app_memory_workers"  # bench/results/app_memory_workers_<backend>.json
TARGETS = {"server_mb": 350.0, "first_peak_mb": 900.0, "flat_mb": 30.0, "first_epoch_seconds": 1.5}


def _visitor(browser, url: str, title: str = "Data"):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(120_000)
    open_page(page, url, title)
    return context, page


def _train_once(page, number: int, sampler: TreeSampler) -> dict[str, Any]:
    """Press Train; the seconds to the first epoch on the page (None when the run ended first), to the result, the
    peaks while it trained."""
    heading = page.get_by_role("heading", name=re.compile(rf"^Last run: #{number} "))
    first_epoch = page.get_by_text("last epoch", exact=False)
    sampler.reset()
    started = time.perf_counter()
    click_train(page)
    first_epoch.or_(heading).first.wait_for(timeout=TRAIN_TIMEOUT_MS)
    seen = time.perf_counter() - started
    first = seen if heading.count() == 0 else None
    heading.first.wait_for(timeout=TRAIN_TIMEOUT_MS)
    wait_trained(page, timeout=TRAIN_TIMEOUT_MS)
    seconds = time.perf_counter() - started
    assert_no_exception(page)
    server_peak, tree_peak = sampler.peak()
    return {"first_epoch_seconds": first, "seconds": seconds, "server_peak_mb": server_peak, "tree_peak_mb": tree_peak}


def _reading(pid: int, backend: str, workers: int) -> dict[str, Any]:
    """The tree once settled: server and tree PSS, the workers' pids."""
    settled = wait_quiet(pid, backend=backend, workers=workers, timeout=120)
    server_mb, tree_mb_now, below = tree_mb(pid)
    return {"server_mb": server_mb, "tree_mb": tree_mb_now, "workers": below, "settled": settled["settled"]}


def measure(args: argparse.Namespace) -> dict[str, Any]:
    backend = args.backend
    env = {
        "KERAS_BACKEND": backend,
        "LSTM_LAB_WORKERS": "1",
        "LSTM_LAB_MAX_TRAININGS": "2",
        "LSTM_LAB_WORKER_IDLE_SECONDS": str(args.idle_seconds),
        "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none",  # a checkout being edited must not reload the app mid-run
    }
    out: dict[str, Any] = {"backend": backend, "repeat": args.repeat, "idle_seconds": args.idle_seconds}
    with server(env=env) as (url, process), chromium() as browser, TreeSampler(process.pid) as sampler:
        pid = process.pid
        out["idle"] = _reading(pid, backend, workers=0)
        context, page = _visitor(browser, url)
        out["warm"] = _reading(pid, backend, workers=1)
        open_page(page, url, "Train")
        set_training(page, epochs=args.epochs, units=50, window=10)
        trainings: list[dict[str, Any]] = []
        for number in range(1, args.repeat + 1):
            before = wait_quiet(pid, backend=backend, workers=1, timeout=120)
            training = _train_once(page, number, sampler)
            training["warm_before"] = before["settled"]
            training["after"] = _reading(pid, backend, workers=1)
            trainings.append(training)
            after = training["after"]
            first = training["first_epoch_seconds"]
            print(f"  training {number}: {training['seconds']:.1f} s (first epoch on the page "
                  f"{'-' if first is None else f'{first:.2f} s'}), tree peak {training['tree_peak_mb']:,.0f} MiB, "
                  f"after: server {after['server_mb']:,.0f} MiB, tree {after['tree_mb']:,.0f} MiB "
                  f"({len(after['workers'])} worker)", flush=True)  # fmt: skip
        out["trainings"] = trainings
        out["backend_in_server"] = maps_backend(pid, backend)  # the server never imports it (issue 19)
        if args.two:
            visitors = [_visitor(browser, url, "Train") for _ in range(2)]
            for _, tab in visitors:
                set_training(tab, epochs=args.epochs, units=50, window=10)
            sampler.reset()
            started = time.perf_counter()
            for _, tab in visitors:
                click_train(tab)
            for _, tab in visitors:
                wait_trained(tab, timeout=TRAIN_TIMEOUT_MS)
                assert_no_exception(tab)
            server_peak, tree_peak = sampler.peak()
            out["two"] = {"seconds": time.perf_counter() - started, "server_peak_mb": server_peak,
                          "tree_peak_mb": tree_peak}  # fmt: skip
            for other, _ in visitors:
                other.close()
        context.close()
        left = time.perf_counter()
        while descendants(pid) and time.perf_counter() - left < args.idle_seconds + 60:
            time.sleep(0.5)
        out["left"] = {"seconds_to_idle": time.perf_counter() - left, **_reading(pid, backend, workers=0)}
        out["server_max_mb"] = sampler.max_server
        out["samples"] = sampler.samples
        out["timeline"] = sampler.timeline[:: max(1, round(1.0 / sampler.interval))]  # about one row a second
    return out


def summarize(out: dict[str, Any]) -> dict[str, Any]:
    """The targets from one run's phases: each value, its reference and whether it is met."""
    trainings = out["trainings"]
    first, last = trainings[0]["after"]["tree_mb"], trainings[-1]["after"]["tree_mb"]
    first_epoch = trainings[0]["first_epoch_seconds"]  # None: the run ended before the page showed an epoch
    later_epochs = [t["first_epoch_seconds"] for t in trainings[1:] if t["first_epoch_seconds"] is not None]
    left = out["left"]
    rows = {
        "server_max_mb": {"value": out["server_max_mb"], "reference": out["idle"]["server_mb"],
                          "target": TARGETS["server_mb"], "met": out["server_max_mb"] <= TARGETS["server_mb"]},
        "first_training_tree_peak_mb": {"value": trainings[0]["tree_peak_mb"], "reference": out["warm"]["tree_mb"],
                                        "target": TARGETS["first_peak_mb"],
                                        "met": trainings[0]["tree_peak_mb"] <= TARGETS["first_peak_mb"]},
        "tree_last_minus_first_mb": {"value": last - first, "reference": first, "target": TARGETS["flat_mb"],
                                     "met": abs(last - first) <= TARGETS["flat_mb"],
                                     # a spare warm worker (the pool keeps one idle while another trains) adds a
                                     # whole backend to one reading and not the other: the counts say so
                                     "workers": [len(trainings[0]["after"]["workers"]),
                                                 len(trainings[-1]["after"]["workers"])]},
        "left_tree_minus_server_mb": {"value": left["tree_mb"] - left["server_mb"], "reference": left["server_mb"],
                                      "target": 0.0, "met": not left["workers"]},
        "first_epoch_first_training_seconds": {"value": first_epoch, "reference": None,
                                               "target": TARGETS["first_epoch_seconds"],
                                               "met": first_epoch is not None
                                               and first_epoch <= TARGETS["first_epoch_seconds"]},
    }  # fmt: skip
    # The same comparison between readings that hold as many workers (the spare's whole backend left out of it):
    # what stays after trainings, leak or not, rather than whether a spare happened to be warm.
    count = len(trainings[-1]["after"]["workers"])
    same = next(index for index, t in enumerate(trainings) if len(t["after"]["workers"]) == count)
    if 0 < same < len(trainings) - 1:  # 0: the row above already is this comparison
        base = trainings[same]["after"]["tree_mb"]
        rows["tree_last_minus_same_workers_mb"] = {
            "value": last - base,
            "reference": base,
            "target": TARGETS["flat_mb"],
            "met": abs(last - base) <= TARGETS["flat_mb"],
            "workers": [count, count],
            "from_training": same + 1,
        }
    if later_epochs:
        later = statistics.median(later_epochs)
        rows["first_epoch_later_trainings_seconds"] = {"value": later, "reference": None,
                                                       "target": TARGETS["first_epoch_seconds"],
                                                       "met": later <= TARGETS["first_epoch_seconds"]}  # fmt: skip
    return rows


def print_summary(out: dict[str, Any], rows: dict[str, Any]) -> None:
    trainings = out["trainings"]
    seconds = [t["seconds"] for t in trainings]
    print(f"\nbackend {out['backend']}, {len(trainings)} trainings of the default model, a training "
          f"{statistics.median(seconds):.1f} s (median, click to result)")  # fmt: skip
    print(f"server alone, before any visitor:     {out['idle']['server_mb']:,.0f} MiB PSS")
    print(f"one warm worker waiting (tree):       {out['warm']['tree_mb']:,.0f} MiB (server "
          f"{out['warm']['server_mb']:,.0f})")  # fmt: skip
    for name, row in rows.items():
        value = row["value"]
        shown = "-" if value is None else f"{value:,.2f}"
        reference = "" if row["reference"] is None else f" (reference {row['reference']:,.1f})"
        workers = f" (workers in the two readings: {row['workers']})" if "workers" in row else ""
        if "from_training" in row:
            workers += f", from after training {row['from_training']}"
        print(f"{name:<38} {shown}{reference}; target {row['target']:g}: {'met' if row['met'] else 'MISSED'}{workers}")
    if "two" in out:
        two = out["two"]
        ratio = 2 * statistics.median(seconds[1:] or seconds) / two["seconds"]
        print(f"two visitors at once: {two['seconds']:.1f} s, tree peak {two['tree_peak_mb']:,.0f} MiB; throughput "
              f"ratio {ratio:.2f}x one visitor's (a worker may start on the clicks)")  # fmt: skip
    print(f"backend mapped into the server process: {out['backend_in_server']}")
    print(f"after the visitors left: pool idle in {out['left']['seconds_to_idle']:.1f} s, server "
          f"{out['left']['server_mb']:,.0f} MiB, tree {out['left']['tree_mb']:,.0f} MiB")  # fmt: skip


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--backend", choices=("tensorflow", "jax"), default="tensorflow", help="KERAS_BACKEND")
    parser.add_argument("--epochs", type=int, default=100, help="epochs a training (the default model's 100)")
    parser.add_argument("--repeat", type=int, default=20, help="trainings by one visitor")
    parser.add_argument("--idle-seconds", type=float, default=60.0, help="LSTM_LAB_WORKER_IDLE_SECONDS of the server")
    parser.add_argument("--two", action=argparse.BooleanOptionalAction, default=True, help="two visitors at once")


# Everything runs in this process: what is measured is the server it starts, through the browser.
BENCH = Bench("app_memory", __doc__, options=options, quick={"epochs": 1, "repeat": 2})


def run_measure(run: Run) -> dict[str, Any]:
    """Measure, print and write one backend's run (bench/worker_speed.py calls it for each backend)."""
    out = measure(run.args)
    rows = summarize(out)
    print_summary(out, rows)
    run.write({"config": {"data": "sample:airline-passengers", "units": 50, "window": 10, "batch_size": 32,
                          "epochs": run.args.epochs}, "targets": rows, "result": out})  # fmt: skip
    return {"targets": rows, "result": out}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    run = BENCH.start(argv)
    if run.args.name in (BENCH.name, f"{BENCH.name}_quick"):  # no --name: keep the in-process era's app_memory.json
        run.args.name = run.args.name.replace(BENCH.name, f"{RESULT}_{run.args.backend}", 1)
    result = run_measure(run)
    print(json.dumps(result["targets"]))
    return result


if __name__ == "__main__":
    main()
