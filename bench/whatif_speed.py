"""What-if redraw time on the Gates page (issue 21): LSTM(64), window 60, target at most 300 ms of server time.

A what-if edit (a spike, a step, a shifted window) recomputes, in NumPy from the weights (no backend):

1. The edit's own work, timed in this process (median of --repeats), for one edited window beside the original:
   `gates.predict` (the prediction), `gates.network_gates` (the gates and states), `gradients.gradients` (BPTT,
   ‖∂ŷ/∂h_t‖ and ∂ŷ/∂x) and `gradients.integrated_gradients` (input attribution, 32 or more backward passes).
2. The Gates page's epoch fragment, the what-if's part included: the window's gates, the saturation over the test
   part, the gradient reach of the window and its mean over up to 256 test windows, the window's integrated
   gradients, and the what-if's own (1). `fragment_first`: all of it, as on a network's first draw;
   `fragment_edit`: what an edit recomputes now that the saturation and the mean reach are kept per network
   (ui/views/network_cache.py; before that change every edit paid `fragment_first`).
3. The Gates page in AppTest after a what-if edit (the "Size" field changed), against moving the Test window
   slider, the page's existing interaction, alternating. AppTest reruns the whole script on each change (a
   browser reruns only the fragment), so this is an upper bound of the server time.

Series: a noisy sine of --length points, trained --epochs epoch(s) on TensorFlow (timing does not depend on how
well the network learnt).

    python -m bench.whatif_speed
    python -m bench.whatif_speed --quick
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from bench.common import ROOT, fmt, noisy_sine, spread
from bench.harness import Bench, Contender

TARGET_SECONDS = 0.3


def _timed(function: Any) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def _run(args: argparse.Namespace) -> Any:
    import pandas as pd

    from lstm_core.config.settings import ExperimentConfig
    from lstm_core.data.dataset import Dataset
    from lstm_core.experiment.run import run_experiment

    values = noisy_sine(args.length)
    frame = pd.DataFrame({"value": values}, index=pd.date_range("2000-01-01", periods=len(values), freq="D"))
    dataset = Dataset(frame=frame, target="value", name="noisy-sine", source="bench", freq="D")
    config = ExperimentConfig().replace(window=args.window, units=args.units, epochs=args.epochs, device="cpu")
    return run_experiment(dataset, config)


def bench_numpy(run: Any, repeats: int) -> dict[str, Any]:
    """(1) and (2): the what-if's own NumPy work and the whole epoch fragment's, median of `repeats` each."""
    import numpy as np

    from lstm_core.inside.states import saturation_over_test
    from lstm_core.nn.gates import network_gates, predict
    from lstm_core.nn.gradients import gradients, integrated_gradients, training_mean_baseline
    from ui.views.whatif_views import edited_window

    windows, weights = run.windows, run.weights
    x_test = windows.x_test  # (N, window, F)
    position = len(x_test) - 1
    original = x_test[position]  # (window, F)
    baseline = training_mean_baseline(windows.scaled[windows.lag : windows.train_end], windows.window)
    sample = np.unique(np.linspace(0, len(x_test) - 1, min(len(x_test), 256)).round().astype(int))

    def whatif(size: float) -> None:
        edited = edited_window(original, "spike", windows.window // 2, size)
        both = np.stack([original, edited])  # (2, window, F)
        predict(both, weights)
        network_gates(both, weights)
        gradients(both, weights)
        integrated_gradients(edited, weights, baseline)

    def fragment(size: float, *, first: bool) -> None:
        network_gates(x_test[[position]], weights)
        if first:  # kept per network after the first draw (ui/views/network_cache.py)
            saturation_over_test(x_test, weights, 0)
            gradients(x_test[sample], weights)
        gradients(x_test[[position]], weights)
        integrated_gradients(original, weights, baseline)
        whatif(size)

    whatif(0.1)  # warm: first calls allocate
    times: dict[str, list[float]] = {"whatif": [], "fragment_edit": [], "fragment_first": []}
    for repeat in range(repeats):
        size = 0.1 + 0.05 * repeat
        times["whatif"].append(_timed(lambda size=size: whatif(size)))
        times["fragment_edit"].append(_timed(lambda size=size: fragment(size, first=False)))
        times["fragment_first"].append(_timed(lambda size=size: fragment(size, first=True)))
    return {"numpy_seconds": times, "test_windows": len(x_test), "mean_windows": len(sample)}


def bench_apptest(run: Any, repeats: int) -> dict[str, Any]:
    """(3): the Gates page in AppTest, a what-if edit against the Test window slider, alternating."""
    from streamlit.testing.v1 import AppTest

    from ui.session.state import RunRecord

    record = RunRecord(
        number=1, dataset_name=run.dataset.name, config=run.config, metrics=run.metrics, history=run.history,
        forecast=run.forecast, message=run.train.message, stop_reason=run.train.stop_reason,
        finished_at=time.time(), run=run,
    )  # fmt: skip
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["runs"] = [record]
    at.session_state["run_counter"] = 1
    at.run()
    at.switch_page("app_pages/gates.py").run()
    assert not at.exception, at.exception
    windows = len(run.windows.x_test)
    times: dict[str, list[float]] = {"whatif_edit": [], "window_slider": []}
    for repeat in range(repeats):
        at.number_input(key="gates_whatif_size").set_value(round(0.5 + 0.25 * repeat, 3))
        times["whatif_edit"].append(_timed(at.run))
        assert not at.exception, at.exception
        at.slider(key="gates_window").set_value(windows - (repeat * 7) % windows)
        times["window_slider"].append(_timed(at.run))
        assert not at.exception, at.exception
    return {"apptest_seconds": times}


def worker(args: argparse.Namespace) -> dict[str, Any]:
    import os
    import tempfile

    os.environ["LSTM_LAB_DB"] = f"sqlite:///{tempfile.mkdtemp()}/runs.sqlite"  # never the user's run store
    from lstm_core.runtime import configure_threads

    configure_threads()
    run = _run(args)
    result = {"units": args.units, "window": args.window, **bench_numpy(run, args.repeats)}
    if not args.no_apptest:
        result.update(bench_apptest(run, args.apptest_repeats))
    return result


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--units", type=int, default=64)
    parser.add_argument("--window", type=int, default=60)
    parser.add_argument("--length", type=int, default=1500, help="series length (the test part is its last 20%%)")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=15, help="NumPy timings (median)")
    parser.add_argument("--apptest-repeats", type=int, default=7, help="AppTest reruns of each kind (median)")
    parser.add_argument("--no-apptest", action="store_true")


QUICK = {"units": 4, "window": 10, "length": 200, "repeats": 2, "no_apptest": True}  # AppTest: test_app_cells
BENCH = Bench("whatif_speed", __doc__, options=options, quick=QUICK)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    run = BENCH.start(argv)
    args = run.args
    [result] = run.rounds([Contender("whatif", worker, env={"KERAS_BACKEND": "tensorflow"})], rounds=1)["whatif"]
    summary: dict[str, Any] = {}
    print(
        f"\nwhat-if on the Gates page, LSTM({args.units}), window {args.window}, {result['test_windows']} test "
        f"windows ({result['mean_windows']} in the mean reach), median of {args.repeats}:"
    )
    for name, label in (
        ("whatif", "the edit's own NumPy"),
        ("fragment_edit", "the epoch fragment on an edit"),
        ("fragment_first", "the fragment's first draw"),
    ):
        stats = spread(result["numpy_seconds"][name])
        summary[name] = {"stats": stats, "met": stats["median"] <= TARGET_SECONDS}
        print(f"  {label:30s} {fmt(stats, ' s', 4)}")
    if "apptest_seconds" in result:
        print(f"Gates page rerun in AppTest (whole script), median of {args.apptest_repeats}:")
        for name, label in (("whatif_edit", "after a what-if edit"), ("window_slider", "after the window slider")):
            stats = spread(result["apptest_seconds"][name])
            summary[name] = {"stats": stats, "met": stats["median"] <= TARGET_SECONDS}
            print(f"  {label:30s} {fmt(stats, ' s', 3)}")
    checked = "whatif_edit" if "whatif_edit" in summary else "fragment_edit"
    value = summary[checked]["stats"]["median"] / TARGET_SECONDS
    summary["ratio_to_target"] = {"measure": checked, "value": value, "met": value <= 1.0}
    print(
        f"ratio {checked} / {TARGET_SECONDS * 1000:.0f} ms target: {value:.2f}x; "
        f"target <= 1x: {'met' if value <= 1.0 else 'MISSED'}"
    )
    run.write({"target_seconds": TARGET_SECONDS, "summary": summary, "run": result})
    return summary


if __name__ == "__main__":
    main()
