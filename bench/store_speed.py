"""The run store's cost: what saving adds to a run, and the Runs page with 1,000 stored runs.

1. Store overhead per run. One real run (the seed model on airline passengers: LSTM(50), window 10,
   `--epochs` epochs) is timed, then saving it is timed `--saves` times into a fresh SQLite file, as the
   command line saves it: `records.new_run` (fingerprint, history, forecast CSV, weights, the model.keras
   bytes) + `RunStore.save_run` (one transaction, committed to disk). Reference: the run itself, measured
   in the same process. Target: median save < 20 ms.
2. The Runs page's server time (AppTest, app.py + the page) with `--runs` stored runs in the visitor's
   workspace (each with a 100-epoch history and a forecast), against the same page with 10 stored runs
   (reference). Target: median < 1 s with 1,000 runs.

    python bench/store_speed.py [--epochs 20] [--saves 30] [--runs 1000] [--rounds 5] [--quick] [--out DIR]

Both phases run in this process (the page's AppTest and the store are what is measured, not a worker).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, fmt, spread
from bench.harness import Bench, ratio

TARGET_SAVE_SECONDS = 0.020
TARGET_PAGE_SECONDS = 1.0


def one_run(epochs: int):
    from lstm_core.config.settings import ExperimentConfig
    from lstm_core.data.sources import load_sample
    from lstm_core.experiment.run import run_experiment

    config = ExperimentConfig().replace(source="sample:airline-passengers", epochs=epochs, device="cpu")
    dataset = load_sample("airline-passengers")
    started = time.perf_counter()
    run = run_experiment(dataset, config)
    return run, time.perf_counter() - started


def model_bytes(run) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.keras"
        run.keras_model().save(path)
        return path.read_bytes()


def save_times(run, saves: int, folder: Path) -> tuple[list[float], float]:
    from lstm_core.store.db import open_store
    from lstm_core.store.records import new_run

    started = time.perf_counter()
    store = open_store(f"sqlite:///{folder / 'save.sqlite'}")
    opened = time.perf_counter() - started
    model = model_bytes(run)
    times, cpu = [], []
    for _ in range(saves):
        started, started_cpu = time.perf_counter(), time.process_time()
        store.save_run("bench", new_run(run, model_bytes=model))
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return times, cpu, opened


def fill(url: str, workspace: str, count: int, run) -> None:
    """`count` stored runs like real ones (config, metrics, 100-epoch history, forecast CSV), in one transaction."""
    import sqlalchemy as sa

    from lstm_core.store.db import _artifacts, _runs, open_store
    from lstm_core.store.records import new_run

    store = open_store(url)
    entry = new_run(run)
    entry.history = [{"epoch": e, "loss": 0.1 / e, "val_loss": 0.12 / e, "seconds": 0.05} for e in range(1, 101)]
    base = store.save_run(workspace, entry)
    with store.engine.begin() as conn:
        row = dict(conn.execute(sa.select(_runs).where(_runs.c.id == base)).mappings().one())
        blobs = conn.execute(sa.select(_artifacts.c.name, _artifacts.c.data).where(_artifacts.c.run_id == base)).all()
        rows, artifacts = [], []
        for number in range(count - 1):
            new_id = f"{workspace[0]}{number:031x}"
            config = entry.config | {"model": entry.config["model"] | {"units": 8 + number % 64}}
            metrics = entry.metrics | {"skill_vs_naive": -0.5 + (number % 100) / 100}

            rows.append(row | {"id": new_id, "created_at": row["created_at"] - number, "config": json.dumps(config),
                               "metrics": json.dumps(metrics)})  # fmt: skip
            artifacts += [{"run_id": new_id, "name": name, "data": data} for name, data in blobs]
        conn.execute(_runs.insert(), rows)
        conn.execute(_artifacts.insert(), artifacts)


def page_times(workspace: str, rounds: int) -> tuple[list[float], list[float]]:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["ws"] = workspace
    at.run()
    at.switch_page("app_pages/runs.py").run()
    assert not at.exception, at.exception
    times, cpu = [], []
    for _ in range(rounds):
        started, started_cpu = time.perf_counter(), time.process_time()
        at.run()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        assert not at.exception and len(at.dataframe[0].value) > 0
    return times, cpu


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--saves", type=int, default=30)
    parser.add_argument("--runs", type=int, default=1000)


BENCH = Bench(
    "store_speed", __doc__, options=options, rounds=5, quick={"epochs": 1, "saves": 3, "runs": 30, "rounds": 1}
)


def main(argv: list[str] | None = None) -> dict:
    run = BENCH.start(argv)
    args = run.args
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        experiment, run_seconds = one_run(args.epochs)
        saves, cpu, opened = save_times(experiment, args.saves, folder)
        save = spread(saves)
        print(f"run itself ({args.epochs} epochs, seed model, airline passengers): {run_seconds:.2f} s")
        print(f"store open (once per process): {opened * 1000:.1f} ms")
        print(f"save per run: {fmt(spread([s * 1000 for s in saves]), ' ms', 2)}")
        print(f"save per run, CPU time of this process: {fmt(spread([s * 1000 for s in cpu]), ' ms', 2)}")
        print(
            f"ratio save / run: {save['median'] / run_seconds:.4f} (target: save < {TARGET_SAVE_SECONDS * 1000:.0f} ms)"
        )

        os.environ["LSTM_LAB_WORKSPACE_RUNS"] = str(max(2000, args.runs + 10))
        big, small = "b" * 43, "s" * 43
        url = f"sqlite:///{folder / 'page.sqlite'}"
        os.environ["LSTM_LAB_DB"] = url
        fill(url, big, args.runs, experiment)
        fill(url, small, 10, experiment)
        page_small, _ = page_times(small, args.rounds)
        page_big, page_big_cpu = page_times(big, args.rounds)
        page = ratio(page_big, page_small)
        print(f"Runs page, 10 stored runs (reference): {fmt(spread(page_small), ' s', 3)}")
        print(f"Runs page, {args.runs} stored runs: {fmt(spread(page_big), ' s', 3)}")
        print(f"Runs page, {args.runs} stored runs, CPU time: {fmt(spread(page_big_cpu), ' s', 3)}")
        print(
            f"{page.line(f'ratio {args.runs} runs / 10 runs')} (target: {args.runs} runs < {TARGET_PAGE_SECONDS:.0f} s)"
        )
    payload = {
        "epochs": args.epochs,
        "run_seconds": run_seconds,
        "store_open_seconds": opened,
        "save_seconds": save,
        "save_cpu_seconds": spread(cpu),
        "loadavg_at_end": os.getloadavg(),
        "save_over_run": save["median"] / run_seconds,
        "save_target_met": save["median"] < TARGET_SAVE_SECONDS,
        "stored_runs": args.runs,
        "page_seconds_10_runs": spread(page_small),
        "page_seconds_many_runs": spread(page_big),
        "page_cpu_seconds_many_runs": spread(page_big_cpu),
        "page_ratio": page.value,
        "page_target_met": statistics.median(page_big) < TARGET_PAGE_SECONDS,
    }
    run.write(payload)
    return payload


if __name__ == "__main__":
    main()
