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

    python bench/app_memory.py [--epochs 100] [--out bench/results]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from browser import (
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

from bench.common import write_result

TRAIN_TIMEOUT_MS = 600_000


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


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
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
    path = write_result("app_memory", {"config": config, "result": result}, out_dir=args.out)
    print(json.dumps(result))
    print(f"wrote {path}")
    return result


if __name__ == "__main__":
    main()
