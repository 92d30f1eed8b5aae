"""`python -m lstm_core benchmark`: every model on every series of a collection, scored as the competitions score.

    python -m lstm_core benchmark --data collection:tourism-monthly --horizon 24 \\
        --models lstm,ets,theta,naive,seasonal_naive --series 40 --out bench/tourism
    python -m lstm_core benchmark --data collection:tourism-monthly --models lstm,lstm-recursive,ets --series 40 \\
        --out bench/heads     # the direct and the recursive head side by side (--head recursive: lstm's own)
    python -m lstm_core benchmark --data long.csv --id-column id --column value --date-column month \\
        --horizon 24 --season-length 12 --out bench/mine

Writes forecasts.csv, scores.csv and summary.json to --out (evaluate.benchmark), and with `--inside SERIES` (repeatable)
--out/gates/SERIES.npz: the global LSTM's gates on that series' forecast window, as `run`'s gates.npz, in the scaled
units the network reads (evaluate.benchmark_inside). Every check of the input runs
before the output folder is made. The LSTM's settings are the run options; those not given take the benchmark's
defaults (a window of max(H, season), 40 epochs with patience 5, batch 128, 32 units).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from typing import Any

from lstm_core.cli.common import experiment_config
from lstm_core.cli.runs import add_store_options, save_cli_entry
from lstm_core.config.benchmark import BenchmarkConfig
from lstm_core.config.options import RUN_PARTS, add_config_options, given_settings
from lstm_core.errors import LabError

__all__ = ["add_benchmark_arguments", "benchmark_command"]

# The LSTM's settings the benchmark chooses itself unless given (see the module docstring).
BENCHMARK_DEFAULTS = {"epochs": 40, "patience": 5, "batch_size": 128, "units": 32}


def add_benchmark_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", help="a config.json of the LSTM's settings (options given here override it)")
    parser.add_argument("--out", required=True, help="folder for forecasts.csv, scores.csv and summary.json")
    parser.add_argument(
        "--inside", action="append", default=[], metavar="SERIES",
        help="also write OUT/gates/SERIES.npz: the global LSTM's gates on that series (repeatable)",
    )  # fmt: skip
    add_config_options(parser, (BenchmarkConfig,))
    add_config_options(parser, RUN_PARTS)
    add_store_options(parser)


def benchmark_command(args: argparse.Namespace) -> int:
    from lstm_core.data.collections import load_collection
    from lstm_core.evaluate.benchmark import NETWORKS, parse_models, run_benchmark, write_benchmark
    from lstm_core.evaluate.benchmark_settings import benchmark_options, stored_settings
    from lstm_core.store.evaluations import benchmark_entry

    started = time.perf_counter()
    bench = BenchmarkConfig(**given_settings(args, BenchmarkConfig, flags=True))
    models = parse_models(bench.model_names)
    config = experiment_config(args)
    collection = load_collection(
        config.data.source,
        id_column=bench.id_column,
        column=config.data.column,
        date_column=config.data.date_column,
        season_length=config.forecast.season_length,
    ).sample(bench.series, bench.sample_seed)
    inside = list(getattr(args, "inside", None) or [])
    _check_inside(inside, models, bench.head, [series.name for series in collection])
    horizon = bench.horizon or next((s.horizon for s in collection if s.horizon), None)
    if horizon is None:
        raise LabError("Set the horizon with --horizon: a CSV collection has none of its own.")
    bench = dataclasses.replace(bench, horizon=horizon)  # as it runs, stored and rerun
    seasons = {s.season_length for s in collection if s.season_length} or {config.forecast.season_length}
    given = {name for name in vars(args)}
    given |= set(BENCHMARK_DEFAULTS) | {"window"} if getattr(args, "config", None) else set()  # a config is whole
    updates = {key: value for key, value in BENCHMARK_DEFAULTS.items() if key not in given}
    if "window" not in given:
        updates["window"] = max(horizon, max((s or 1) for s in seasons))
    config = config.replace(**updates)

    def progress(message: str) -> None:
        print(f"{message} ({time.perf_counter() - started:.1f} s)", file=sys.stderr, flush=True)

    def epoch(report) -> None:
        val = "" if report.val_loss is None else f" val_loss {report.val_loss:.5f}"
        print(f"  epoch {report.epoch}/{report.epochs} loss {report.loss:.5f}{val}", file=sys.stderr, flush=True)

    result = run_benchmark(
        collection,
        config=config,
        on_progress=progress,
        on_epoch=epoch if any(m in NETWORKS for m in models) else None,
        **benchmark_options(bench, config),
    )
    # in the store, the settings a rerun takes again (the LSTM's are the entry's config)
    stored = stored_settings(bench, config, data=config.data.source)
    write_benchmark(result, args.out, {**stored, "lstm": config.to_dict()})
    save_cli_entry(benchmark_entry(result, name=collection.name, config=config, settings=stored), args)
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    _write_inside(result.network, collection, inside, args.out)
    summary = result.summary
    parts = []
    for model in models:
        block = summary["models"][model]
        owa = f", OWA {block['owa']:.3f}" if block.get("owa") is not None else ""
        spread = _seed_spread(summary.get("networks", {}).get(model, {}).get("seeds"))
        parts.append(f"{model} sMAPE {_mean(block['smape'])}, MASE {_mean(block['mase'])}{owa}{spread}")
    print(
        f"{collection.name}: {summary['series']} series, horizon {summary['horizon']}: "
        + "; ".join(parts)
        + f". Results in {args.out} ({time.perf_counter() - started:.0f} s)",
        file=sys.stderr,
    )
    _print_published(collection.name, summary)
    chosen = summary.get("networks", {}).get("lstm", {})
    if chosen.get("base"):
        tried = ", ".join(f"{name} {value:.3f}" for name, value in chosen["validation_mase"].items())
        print(f"lstm learned the correction to {chosen['base']} (validation MASE by base: {tried})", file=sys.stderr)
    for model, fit in summary.get("networks", {}).items():
        if fit.get("coverage"):
            print(f"{model} bands: {_coverage(fit['coverage'])}", file=sys.stderr)
    return 0


def _check_inside(names: list[str], models: tuple[str, ...], head: str, series: list[str]) -> None:
    """--inside needs the global LSTM with its direct head, and series of the benchmark; LabError otherwise."""
    if not names:
        return
    if "lstm" not in models or head != "direct":
        raise LabError("--inside looks inside the global LSTM with its direct head: add lstm to --models.")
    missing = [name for name in names if name not in series]
    if missing:
        shown = ", ".join(series[:5]) + (", ..." if len(series) > 5 else "")
        raise LabError(f"--inside names a series the benchmark does not have: {missing[0]!r} (it has {shown}).")


def _write_inside(network: Any, collection: Any, names: list[str], out: str) -> None:
    """OUT/gates/<series>.npz for each series of --inside (a series left out of the benchmark gets a note)."""
    from pathlib import Path

    from lstm_core.evaluate.benchmark import look_inside
    from lstm_core.evaluate.benchmark_inside import write_series_gates

    for name in names if network is not None else ():
        try:
            path = write_series_gates(look_inside(network, collection, name), network.weights, Path(out) / "gates")
        except LabError as error:
            print(f"note: no gates for {name}: {error}", file=sys.stderr)
        else:
            print(f"gates of the global LSTM on {name} (scaled units): {path}", file=sys.stderr)


def _seed_spread(seeds: dict | None) -> str:
    """ ", MASE 1.234 ± 0.056 over 3 seeds" for an ensemble; "" for one seed."""
    if not seeds or seeds.get("count", 1) < 2 or seeds["mase"]["mean"] is None:
        return ""
    return f", MASE {seeds['mase']['mean']:.3f} ± {seeds['mase']['sd']:.3f} over {seeds['count']} seeds"


def _coverage(levels: dict) -> str:
    """ "80% band covers 78.3% of test values (per series 77.9%); 95% ..."""
    parts = []
    for name, level in levels.items():
        if level["overall"] is None:
            parts.append(f"{name}% band: too few series to calibrate")
        else:
            parts.append(
                f"{name}% band covers {100 * level['overall']:.1f}% of test values "
                f"(per series mean {100 * level['per_series_mean']:.1f}%, lowest {100 * level['per_series_min']:.1f}%)"
            )
    return "; ".join(parts)


def _print_published(name: str, summary: dict) -> None:
    """The competition's published figures for this collection, beside ours (none for a CSV or M1)."""
    from lstm_core.scoring.published import published

    figures = published(name)
    if not figures:
        return
    print(f"published for {name} (all its series; ours: {summary['series']}):", file=sys.stderr)
    for figure in figures:
        print(f"  {figure.method}: {figure.metric} {figure.value:g} ({figure.source})", file=sys.stderr)


def _mean(block: dict) -> str:
    if block["mean"] is None:
        return "n/a"
    low, high = block["ci95"]
    return f"{block['mean']:.3f} [{low:.3f}, {high:.3f}]"
