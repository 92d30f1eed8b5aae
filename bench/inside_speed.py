"""Inside the network: whole-series states, select and match, and the Gates page's epoch slider, each timed
against a reference measured in the same process, alternating (A B A B).

1. Whole-series states, 10,000 steps x LSTM(64), one feature. Ours: `states.sequence_states` (a 1-D
   step loop on the fused weights). References: the six equations stepped as one writes them
   first (x·W + h·U + b, sigmoid by exp), and Keras's own LSTM layer (`return_sequences=True`, compiled
   `predict`, traced beforehand) over the whole sequence; h must agree. Target: < 0.5 s.
2. Select and match on those h (10,000 x 64). Ours: `select.select_and_match` (vectorised). Reference:
   the same rule written step by step in Python, as one writes it first; both must find the same units
   and matches. Target: < 100 ms.
3. Epoch slider, LSTM(64), window 60, 3 recorded epochs, in AppTest (the whole script runs on each
   change, so this is an upper bound of the fragment's server time). Ours: moving the epoch slider.
   Reference: moving the Test window slider, the page's existing interaction. Target: < 300 ms.

    python bench/inside_speed.py
    python bench/inside_speed.py --quick
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from bench.common import ROOT, fmt, noisy_sine, spread
from bench.harness import Bench, Contender

TARGETS = {"states": 0.5, "select": 0.1, "slider": 0.3}


def reference_select(h: Any, start: int, end: int, threshold: float, max_units: int = 5) -> tuple[list, list]:
    """select_and_match's rule, step by step in plain Python loops."""
    steps, units = h.shape
    rows = h.tolist()
    inside, outside = [0.0] * units, [0.0] * units
    for t in range(steps):
        for u in range(units):
            if rows[t][u] > threshold:
                if start <= t < end:
                    inside[u] += 1
                else:
                    outside[u] += 1
    inside = [v / (end - start) for v in inside]
    outside = [v / max(steps - (end - start), 1) for v in outside]
    candidates = [u for u in range(units) if inside[u] >= 0.8 and inside[u] - outside[u] > 0]
    chosen = sorted(candidates, key=lambda u: -(inside[u] - outside[u]))[:max_units]
    matches, first = [], None
    shortest = max(1, (end - start) // 2)
    for t in range(steps + 1):
        on = t < steps and bool(chosen) and all(rows[t][u] > threshold for u in chosen)
        if on and first is None:
            first = t
        elif not on and first is not None:
            if t - first >= shortest and (t <= start or first >= end):
                matches.append((first, t))
            first = None
    return chosen, matches


def textbook_states(x: Any, layer: Any) -> Any:
    """The six equations stepped over x (T, F) one step at a time, as one writes them first: h (T, U)."""
    import numpy as np

    units = layer.units
    h, c = np.zeros(units, np.float32), np.zeros(units, np.float32)
    out = np.empty((len(x), units), np.float32)
    for t in range(len(x)):
        z = x[t] @ layer.kernel + h @ layer.recurrent_kernel + layer.bias  # (4U,): blocks i, f, c, o
        i = 1.0 / (1.0 + np.exp(-z[:units]))
        f = 1.0 / (1.0 + np.exp(-z[units : 2 * units]))
        g = np.tanh(z[2 * units : 3 * units])
        o = 1.0 / (1.0 + np.exp(-z[3 * units :]))
        c = f * c + i * g
        h = o * np.tanh(c)
        out[t] = h
    return out


def _timed(function: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    value = function()
    return time.perf_counter() - started, value


def bench_states_and_select(args: argparse.Namespace) -> dict[str, Any]:
    import keras
    import numpy as np

    from lstm_core.config.settings import ModelConfig, WindowConfig
    from lstm_core.data.windows import prepare
    from lstm_core.inside.select import select_and_match
    from lstm_core.inside.states import sequence_states
    from lstm_core.nn.keras_model import build_model, network_weights

    x = prepare(noisy_sine(args.steps), WindowConfig(window=10)).scaled  # (T, 1)
    keras.utils.set_random_seed(0)
    model = build_model(ModelConfig(units=args.units), window=10, n_features=1)
    weights = network_weights(model)
    twin = keras.layers.LSTM(args.units, return_sequences=True)
    sequence = keras.Sequential([keras.Input(shape=(None, 1)), twin])
    twin.set_weights(model.get_layer("lstm_1").get_weights())
    sequence.predict(x[None, :50], verbose=0)  # trace once (the time axis is None: no retrace)
    sequence_states(x[:100], weights)  # warm-up
    times: dict[str, list[float]] = {"ours": [], "textbook_loop": [], "keras_layer": []}
    for repeat in range(args.repeats):
        seconds, ours = _timed(lambda: sequence_states(x, weights)[0])
        times["ours"].append(seconds)
        if repeat < args.keras_repeats:
            seconds, textbook = _timed(lambda: textbook_states(x, weights.lstm[0]))
            times["textbook_loop"].append(seconds)
            seconds, keras_h = _timed(lambda: np.asarray(sequence.predict(x[None], verbose=0))[0])
            times["keras_layer"].append(seconds)
    h = ours["h"]  # (T, U)
    diff_keras = float(np.abs(h - keras_h).max())
    diff_batched = float(np.abs(h - textbook).max())

    # A query that selects units and finds matches: six steps at a peak of the most varying unit, with the
    # threshold at the median state (the sine makes its units periodic: a match at about every period).
    unit = int(np.argmax(h.std(axis=0)))
    start = args.steps // 2 + int(np.argmax(h[args.steps // 2 : args.steps // 2 + 30, unit])) - 3
    end, threshold = start + 6, float(np.median(h))
    select_times: dict[str, list[float]] = {"ours": [], "reference": []}
    for repeat in range(args.repeats * 4):
        seconds, selection = _timed(lambda: select_and_match(h, start, end, threshold=threshold))
        select_times["ours"].append(seconds)
        if repeat < args.repeats:
            seconds, reference = _timed(lambda: reference_select(h, start, end, threshold))
            select_times["reference"].append(seconds)
    agree = selection.units.tolist() == reference[0] and list(selection.matches) == reference[1]
    return {
        "states_seconds": times,
        "max_abs_diff_h_vs_keras": diff_keras,
        "max_abs_diff_h_vs_textbook": diff_batched,
        "select_seconds": select_times,
        "select_agrees_with_reference": agree,
        "selected_units": selection.units.tolist(),
        "matches": len(selection.matches),
        "query": {"start": start, "end": end, "threshold": threshold},
    }


def bench_slider(args: argparse.Namespace) -> dict[str, Any]:
    import pandas as pd
    from streamlit.testing.v1 import AppTest

    from lstm_core.config.settings import ExperimentConfig
    from lstm_core.data.dataset import Dataset
    from lstm_core.experiment.run import run_experiment
    from ui.session.state import RunRecord

    values = noisy_sine(args.slider_length)
    frame = pd.DataFrame({"value": values}, index=pd.date_range("2000-01-01", periods=len(values), freq="D"))
    dataset = Dataset(frame=frame, target="value", name="noisy-sine", source="bench", freq="D")
    config = ExperimentConfig().replace(window=args.window, units=args.units, epochs=args.slider_epochs, device="cpu")
    run = run_experiment(dataset, config)
    record = RunRecord(
        number=1, dataset_name=dataset.name, config=config, metrics=run.metrics, history=run.history,
        forecast=run.forecast, message=run.train.message, stop_reason=run.train.stop_reason,
        finished_at=time.time(), run=run,
    )  # fmt: skip
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["runs"] = [record]
    at.session_state["run_counter"] = 1
    at.run()
    at.switch_page("app_pages/gates.py").run()
    assert not at.exception, at.exception
    epochs = [int(e) for e in at.select_slider(key="gates_epoch_1").options]
    windows = len(run.windows.x_test)
    times: dict[str, list[float]] = {"epoch_slider": [], "window_slider": []}
    for repeat in range(args.slider_repeats):
        at.select_slider(key="gates_epoch_1").set_value(epochs[repeat % len(epochs)])
        seconds, _ = _timed(at.run)
        times["epoch_slider"].append(seconds)
        at.slider(key="gates_window").set_value(1 + (repeat * 7) % windows)
        seconds, _ = _timed(at.run)
        times["window_slider"].append(seconds)
        assert not at.exception
    return {"slider_seconds": times, "recorded_epochs": epochs, "test_windows": windows}


def worker(args: argparse.Namespace) -> dict[str, Any]:
    import keras

    result = {"backend": keras.backend.backend(), **bench_states_and_select(args)}
    if not args.no_slider:
        result.update(bench_slider(args))
    return result


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--steps", type=int, default=10_000)
    parser.add_argument("--units", type=int, default=64)
    parser.add_argument("--window", type=int, default=60)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--keras-repeats", type=int, default=2)
    parser.add_argument("--slider-length", type=int, default=1500)
    parser.add_argument("--slider-epochs", type=int, default=3)
    parser.add_argument("--slider-repeats", type=int, default=7)
    parser.add_argument("--no-slider", action="store_true")


QUICK = {"steps": 500, "units": 8, "window": 10, "repeats": 1, "keras_repeats": 1, "slider_length": 200,
         "slider_epochs": 2, "slider_repeats": 1}  # fmt: skip
BENCH = Bench("inside_speed", __doc__, options=options, quick=QUICK)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    run = BENCH.start(argv)
    args = run.args
    [result] = run.rounds([Contender("inside", worker, env={"KERAS_BACKEND": "tensorflow"})])["inside"]
    summary: dict[str, Any] = {}
    print(f"whole-series states, {args.steps:,} steps x LSTM({args.units}):")
    states = {name: spread(values) for name, values in result["states_seconds"].items()}
    for name, label in (("ours", "ours sequence_states"), ("textbook_loop", "textbook step loop"),
                        ("keras_layer", "Keras LSTM layer predict")):  # fmt: skip
        print(f"  {label:26s} {fmt(states[name], ' s', 3)}")
    summary["states"] = {
        "stats": states,
        "vs_textbook": states["textbook_loop"]["median"] / states["ours"]["median"],
        "vs_keras": states["keras_layer"]["median"] / states["ours"]["median"],
        "met": states["ours"]["median"] < TARGETS["states"],
    }
    print(
        f"  ours is {summary['states']['vs_textbook']:.1f}x the textbook loop, {summary['states']['vs_keras']:.1f}x "
        f"Keras; |h - Keras| max {result['max_abs_diff_h_vs_keras']:.1e}; target < {TARGETS['states']} s: "
        f"{'met' if summary['states']['met'] else 'MISSED'}"
    )
    select = {name: spread(values) for name, values in result["select_seconds"].items()}
    summary["select"] = {
        "stats": select,
        "speedup": select["reference"]["median"] / select["ours"]["median"],
        "met": select["ours"]["median"] < TARGETS["select"],
        "agrees": result["select_agrees_with_reference"],
    }
    print(f"select and match, {args.steps:,} x {args.units} (units {result['selected_units']}, "
          f"{result['matches']} matches; same as reference: {result['select_agrees_with_reference']}):")  # fmt: skip
    print(f"  reference Python loops     {fmt(select['reference'], ' s', 4)}")
    print(f"  ours select_and_match      {fmt(select['ours'], ' s', 5)}")
    print(
        f"  {summary['select']['speedup']:.0f}x; target < {TARGETS['select'] * 1000:.0f} ms: "
        f"{'met' if summary['select']['met'] else 'MISSED'}"
    )
    if "slider_seconds" in result:
        slider = {name: spread(values) for name, values in result["slider_seconds"].items()}
        summary["slider"] = {
            "stats": slider,
            "ratio": slider["epoch_slider"]["median"] / slider["window_slider"]["median"],
            "met": slider["epoch_slider"]["median"] < TARGETS["slider"],
        }
        print(f"Gates page in AppTest, LSTM({args.units}), window {args.window}, epochs {result['recorded_epochs']}:")
        print(f"  reference: Test window slider  {fmt(slider['window_slider'], ' s', 3)}")
        print(f"  ours: epoch slider             {fmt(slider['epoch_slider'], ' s', 3)}")
        print(
            f"  ratio {summary['slider']['ratio']:.2f}; target < {TARGETS['slider'] * 1000:.0f} ms: "
            f"{'met' if summary['slider']['met'] else 'MISSED'}"
        )
    run.write({"targets": TARGETS, "summary": summary, "run": result})
    return summary


if __name__ == "__main__":
    main()
