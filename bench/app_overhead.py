"""Live-app overhead: the same training through the app in Chromium vs `lstm_core` alone.

Config (both): daily-min-temperatures (3,650 points), LSTM(50), window 10, batch 32, Adam 0.001,
`--epochs` epochs (default 20), seed 0, device auto; the rest of ExperimentConfig's defaults.

    reference  `experiment.run_experiment` in a fresh subprocess, timed with perf_counter
    ours       the live app: click Train -> the Train page shows "Last run: #N" and the script is idle

Two figures, each as a ratio ours / reference (medians):

    speed      steady-state training speed, samples/s (the median over the epochs after the first,
               as lstm_core reports it): lstm_core's run against the app's, read from the Runs
               page's CSV download. This is the target: the live chart, progress and stop must
               not slow the training. (The median leaves out TensorFlow's occasional one-epoch stall.)
    training   the fit alone, `train_seconds` (all epochs, the first with its XLA compilation).
    wait       what a visitor waits, click to result drawn, against run_experiment's wall time:
               adds the app's fixed costs (noticing the end, up to one poll; drawing the results).

Both EXCLUDE the TensorFlow import and the process's first training: the subprocess imports
lstm_core and runs a 1-epoch warm-up training before the timed one; the app server gets a
1-epoch warm-up training through the browser before its first timed one. Both INCLUDE building
and compiling the model, fitting, the test predictions, baselines, metrics and future forecast.
The app's time also includes what a visitor waits for: the worker thread, the monitor's polling
(every 0.5 s, so up to 0.5 s to notice the end), and redrawing the page with the result.
Rounds alternate (A B, B A, ...). Target: lstm_core's speed <= 1.15 x the app's (the app adds <= 15%).

    python bench/app_overhead.py [--rounds 3] [--epochs 20] [--out bench/results]
    python bench/app_overhead.py --quick      # smoke test: one round of one epoch
"""

from __future__ import annotations

import argparse
import io
import time
from pathlib import Path

from bench.browser import assert_no_exception, chromium, click_train, open_page, server, set_training, wait_trained
from bench.common import fmt, spread
from bench.harness import Bench, Contender, column, ratio

SAMPLE = "daily-min-temperatures"
TARGET_RATIO = 1.15


def worker(args: argparse.Namespace) -> dict[str, float]:
    """lstm_core alone: warm-up training, then the timed one."""
    from lstm_core.config.settings import DataConfig, ExperimentConfig
    from lstm_core.data.sources import load_sample
    from lstm_core.experiment.run import run_experiment

    dataset = load_sample(SAMPLE)
    config = ExperimentConfig(data=DataConfig(source=f"sample:{SAMPLE}", column=dataset.target))
    run_experiment(dataset, config.replace(epochs=1))  # imports TensorFlow, first training
    started = time.perf_counter()
    run = run_experiment(dataset, config.replace(epochs=args.epochs))
    seconds = time.perf_counter() - started
    metrics = run.metrics.to_dict()
    return {
        "seconds": seconds,
        "epochs_run": metrics["epochs_run"],
        "train_seconds": metrics["train_seconds"],
        "samples_per_second": metrics["samples_per_second"],
    }


def app_training(page, url: str) -> dict[str, float]:
    """The last run's `train_seconds` and steady `samples/s`, from the Runs page's CSV download."""
    import pandas as pd

    open_page(page, url, "Runs")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download this table (CSV)").click()
    table = pd.read_csv(io.StringIO(Path(download.value.path()).read_text()))
    last = table.iloc[-1]
    return {"train_seconds": float(last["seconds"]), "samples_per_second": float(last["samples/s"])}


def app_round(browser, url: str, epochs: int, *, expect_run: int) -> dict[str, float]:
    """One visitor (fresh browser context): choose the sample, set epochs, press Train, wait for the result."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.set_default_timeout(300_000)
        open_page(page, url, "Data")
        page.get_by_role("combobox", name="Sample").click()
        page.get_by_role("option", name=SAMPLE).click()
        page.get_by_role("heading", name=SAMPLE).wait_for()
        open_page(page, url, "Train")
        set_training(page, epochs=epochs, units=50, window=10)
        started = time.perf_counter()
        click_train(page)
        wait_trained(page, timeout=600_000)
        seconds = time.perf_counter() - started
        assert page.get_by_role("heading", name=f"Last run: #{expect_run} {SAMPLE}").count() == 1
        assert page.get_by_text(f"Trained {epochs} epoch{'s' if epochs != 1 else ''}.").count() >= 1
        assert_no_exception(page)
        return {"seconds": seconds, **app_training(page, url)}
    finally:
        context.close()


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--epochs", type=int, default=20)


# lstm_core runs in its own process even with --quick: TensorFlow trained in the process that drives Playwright's
# browser stopped the next browser round (it hung until the timeout).
BENCH = Bench("app_overhead", __doc__, options=options, rounds=3, quick={"rounds": 1, "epochs": 1, "inline": False})


def describe(result: dict[str, float]) -> str:
    return f"training {result['train_seconds']:.2f} s, wait {result['seconds']:.2f} s"


def main(argv: list[str] | None = None) -> dict:
    run = BENCH.start(argv)
    args = run.args
    with server() as (url, _process), chromium() as browser:
        app_round(browser, url, 1, expect_run=1)  # the server's warm-up: imports TensorFlow, first training
        contenders = [
            Contender("lstm_core", worker),  # a fresh process: its own TensorFlow import and warm-up
            Contender("app", lambda _args: app_round(browser, url, args.epochs, expect_run=1), fresh=False),
        ]
        runs = run.rounds(contenders, describe=describe)

    summary: dict = {}
    for measure, label in (("samples_per_second", "speed"), ("train_seconds", "training"), ("seconds", "wait")):
        app, alone = column(runs["app"], measure), column(runs["lstm_core"], measure)
        # speed as a time ratio: how much longer each epoch takes in the app
        overhead = ratio(alone, app) if measure == "samples_per_second" else ratio(app, alone)
        summary[label] = {"lstm_core": spread(alone), "app": spread(app), "ratio": round(overhead.value, 3)}
    summary["target_met"] = summary["speed"]["ratio"] <= TARGET_RATIO
    speed, training, wait = summary["speed"], summary["training"], summary["wait"]
    print(f"speed, lstm_core alone (steady samples/s):           {fmt(speed['lstm_core'], '')}")
    print(f"speed, in the live app (Runs CSV):                   {fmt(speed['app'], '')}")
    verdict = "met" if summary["target_met"] else "MISSED"
    print(f"epoch time ratio {speed['ratio']:.3f} (target <= {TARGET_RATIO}): {verdict}")
    print(f"training, lstm_core alone (train_seconds):           {fmt(training['lstm_core'], ' s', 2)}")
    print(f"training, in the live app (Runs CSV, train_seconds): {fmt(training['app'], ' s', 2)}")
    print(f"ratio {training['ratio']:.3f}")
    print(f"wait, run_experiment wall time:                      {fmt(wait['lstm_core'], ' s', 2)}")
    print(f"wait, live app click -> result drawn:                {fmt(wait['app'], ' s', 2)}")
    print(f"ratio {wait['ratio']:.3f}; the app adds {wait['app']['median'] - wait['lstm_core']['median']:.2f} s")
    config = {"data": f"sample:{SAMPLE}", "units": 50, "window": 10, "batch_size": 32, "epochs": args.epochs}
    payload = {
        "config": config,
        "rounds": args.rounds,
        "excludes": "TensorFlow import and first training",
        "runs": runs,
        **summary,
    }
    run.write(payload)
    return summary


if __name__ == "__main__":
    main()
