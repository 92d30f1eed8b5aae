"""Peak resident memory of the live app's server process while visitors train through Chromium.

Starts `streamlit run app.py` (LSTM_LAB_MAX_TRAININGS=2, the default) and samples the server
process's VmRSS from /proc/<pid>/status every 100 ms; VmHWM (the kernel's high-water mark) is read
too. Phases, in one server, in this order:

    idle       after the health check, before any visitor
    data page  one visitor has opened the Data page (chart drawn; TensorFlow not imported yet)
    one        that visitor trains the default model (LSTM(50), window 10, batch 32, 100 epochs,
               airline-passengers) by pressing Train, until the result is shown
    two        two more visitors (two browser contexts) press Train at once, until both are done

Each phase's peak is the maximum VmRSS sampled during it. This is the number that matters on
Streamlit Community Cloud, where all visitors share one process (about 2.7 GB).

`--repeat N` measures instead whether memory stays flat (issue 10's targets), in one server:

    first      one visitor trains the default model once (peak: target <= 800 MiB)
    again      the same visitor trains it N - 1 more times, then opens the Runs page; growth per
               training = (memory after N - after the first) / (N - 1) (target <= 5 MiB per run kept)
    left       the visitor closes the tab; the server runs with `server.disconnectedSessionTTL` of
               SESSION_TTL seconds (default 120 s), and Streamlit drops an expired session when
               the next one arrives, so a second visitor opens the Data page after the TTL
               (target: memory within 50 MiB of the level after the first training)

The backend is the one the server's Python has (run this script with another venv's python for
`tensorflow-cpu`) and `KERAS_BACKEND` (jax).

    python bench/app_memory.py [--epochs 100] [--out bench/results]
    python bench/app_memory.py --repeat 20 --name app_memory_repeat_tensorflow
    python bench/app_memory.py --quick      # smoke test: trainings of one epoch (its numbers mean nothing)
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from bench.browser import (
    RssSampler,
    assert_no_exception,
    chromium,
    click_train,
    open_page,
    proc_memory_mb,
    server,
    set_training,
    tensorflow_loaded,
    wait_trained,
)
from bench.harness import Bench, Run

TRAIN_TIMEOUT_MS = 600_000
SESSION_TTL = 5  # seconds; Streamlit's default is 120


def _visitor(browser, url: str):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(120_000)
    open_page(page, url, "Data")
    page.wait_for_selector(".js-plotly-plot .scatterlayer path.js-line")
    return context, page


def measure(epochs: int) -> dict:
    with server(env={"LSTM_LAB_MAX_TRAININGS": "2"}) as (url, process), chromium() as browser:
        pid = process.pid
        time.sleep(1.0)
        result: dict = {"idle_mb": proc_memory_mb(pid)["VmRSS"]}
        with RssSampler(pid) as sampler:
            context, page = _visitor(browser, url)
            result["data_page_mb"] = proc_memory_mb(pid)["VmRSS"]
            result["tensorflow_loaded_on_data_page"] = tensorflow_loaded(pid)

            sampler.reset()
            open_page(page, url, "Train")
            set_training(page, epochs=epochs, units=50, window=10)
            started = time.perf_counter()
            click_train(page)
            wait_trained(page, timeout=TRAIN_TIMEOUT_MS)
            result["one_training_seconds"] = round(time.perf_counter() - started, 1)
            assert_no_exception(page)
            result["one_training_peak_mb"] = sampler.peak()
            result["after_one_mb"] = proc_memory_mb(pid)["VmRSS"]
            context.close()

            visitors = [_visitor(browser, url) for _ in range(2)]
            for _, tab in visitors:
                open_page(tab, url, "Train")
                set_training(tab, epochs=epochs, units=50, window=10)
            sampler.reset()
            started = time.perf_counter()
            for _, tab in visitors:
                click_train(tab)
            for _, tab in visitors:
                wait_trained(tab, timeout=TRAIN_TIMEOUT_MS)
                assert_no_exception(tab)
            result["two_trainings_seconds"] = round(time.perf_counter() - started, 1)
            result["two_trainings_peak_mb"] = sampler.peak()
            result["after_two_mb"] = proc_memory_mb(pid)["VmRSS"]
            for context, _ in visitors:
                context.close()
        result["vmhwm_mb"] = proc_memory_mb(pid)["VmHWM"]
    return {key: round(value, 1) if isinstance(value, float) else value for key, value in result.items()}


def _settled_mb(pid: int, seconds: float = 3.0) -> float:
    """VmRSS after a short pause (the last rerun's allocations settle), in MiB."""
    time.sleep(seconds)
    return proc_memory_mb(pid)["VmRSS"]


def measure_repeat(epochs: int, repeat: int) -> dict:
    import re

    env = {"LSTM_LAB_MAX_TRAININGS": "2", "STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": str(SESSION_TTL)}
    with server(env=env) as (url, process), chromium() as browser:
        pid = process.pid
        result: dict = {"idle_mb": _settled_mb(pid, 1.0), "repeat": repeat, "session_ttl_seconds": SESSION_TTL}
        with RssSampler(pid) as sampler:
            context, page = _visitor(browser, url)
            open_page(page, url, "Train")
            set_training(page, epochs=epochs, units=50, window=10)
            after: list[float] = []
            seconds: list[float] = []
            for number in range(1, repeat + 1):
                sampler.reset()
                started = time.perf_counter()
                click_train(page)
                heading = re.compile(rf"^Last run: #{number} ")
                page.get_by_role("heading", name=heading).first.wait_for(timeout=TRAIN_TIMEOUT_MS)
                wait_trained(page, timeout=TRAIN_TIMEOUT_MS)
                seconds.append(round(time.perf_counter() - started, 1))
                assert_no_exception(page)
                if number == 1:
                    result["first_training_peak_mb"] = sampler.peak()
                after.append(round(_settled_mb(pid), 1))
                print(f"training {number}: {after[-1]:,.1f} MiB after, {seconds[-1]} s", flush=True)
            open_page(page, url, "Runs")
            assert_no_exception(page)
            result["after_runs_page_mb"] = _settled_mb(pid)
            result["after_each_training_mb"] = after
            result["seconds_each_training"] = seconds
            result["after_first_mb"] = after[0]
            result["after_last_mb"] = after[-1]
            result["growth_per_training_mb"] = (after[-1] - after[0]) / max(repeat - 1, 1)
            result["peak_all_trainings_mb"] = sampler.peak()
            context.close()
            time.sleep(SESSION_TTL + 2)
            # The next visitor's arrival makes Streamlit drop the expired session.
            for _ in range(2):
                newcomer, _page = _visitor(browser, url)
                newcomer.close()
                time.sleep(SESSION_TTL + 2)
            result["after_visitor_left_mb"] = _settled_mb(pid, 5.0)
            result["left_minus_first_mb"] = result["after_visitor_left_mb"] - after[0]
        result["vmhwm_mb"] = proc_memory_mb(pid)["VmHWM"]
    return {key: round(value, 1) if isinstance(value, float) else value for key, value in result.items()}


def _backend() -> str:
    import os
    from importlib import metadata

    backend = os.environ.get("KERAS_BACKEND", "tensorflow")
    if backend != "tensorflow":
        return backend
    for package in ("tensorflow-cpu", "tensorflow"):
        try:
            return f"{package} {metadata.version(package)}"
        except metadata.PackageNotFoundError:
            continue
    return backend


def main_repeat(run: Run) -> dict:
    args = run.args
    result = measure_repeat(args.epochs, args.repeat)
    backend = _backend()
    config = {"data": "sample:airline-passengers", "units": 50, "window": 10, "batch_size": 32, "epochs": args.epochs}
    print(f"backend: {backend}, Python {sys.version.split()[0]}")
    print(f"peak, first training:                 {result['first_training_peak_mb']:,.1f} MiB (target <= 800)")
    print(f"after the first training:             {result['after_first_mb']:,.1f} MiB")
    print(f"after training {args.repeat}:                  {result['after_last_mb']:,.1f} MiB")
    print(f"growth per training:                  {result['growth_per_training_mb']:,.2f} MiB (target <= 5)")
    print(
        f"after the visitor left:               {result['after_visitor_left_mb']:,.1f} MiB "
        f"({result['left_minus_first_mb']:+,.1f} MiB against after the first; target within 50)"
    )
    if args.name == BENCH.name:
        args.name = f"app_memory_repeat_{backend.split()[0]}"
    print(json.dumps(result))
    run.write({"config": config, "backend": backend, "result": result})
    return result


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=0, help="trainings by one visitor (flat-memory mode)")


# Everything runs in this process: what is measured is the server it starts, through the browser.
BENCH = Bench("app_memory", __doc__, options=options, quick={"epochs": 1})


def main(argv: list[str] | None = None) -> dict:
    run = BENCH.start(argv)
    args = run.args
    if args.repeat:
        return main_repeat(run)
    result = measure(args.epochs)
    config = {"data": "sample:airline-passengers", "units": 50, "window": 10, "batch_size": 32, "epochs": args.epochs}
    print(f"server idle:                           {result['idle_mb']:,.0f} MiB")
    print(
        f"one visitor on the Data page:          {result['data_page_mb']:,.0f} MiB "
        f"(TensorFlow loaded: {result['tensorflow_loaded_on_data_page']})"
    )
    print(f"peak, one visitor training:            {result['one_training_peak_mb']:,.0f} MiB")
    print(f"peak, two visitors training at once:   {result['two_trainings_peak_mb']:,.0f} MiB")
    print(f"VmHWM at the end:                      {result['vmhwm_mb']:,.0f} MiB")
    print(f"ratio two/one peak: {result['two_trainings_peak_mb'] / result['one_training_peak_mb']:.2f}")
    print(json.dumps(result))
    run.write({"config": config, "result": result})
    return result


if __name__ == "__main__":
    main()
