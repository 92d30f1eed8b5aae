"""A benchmark: every model forecasts the test part of every series of a collection from the end of its training
part, and is scored as the forecasting competitions score it.

Each series is split by its own test part: a bundled competition collection's `xx` (the competition's own split),
else its last H steps. Every model sees the training part only (the test values are not passed to it at all):

- `naive`, `seasonal_naive` (scoring.baselines), `naive2` (M4's, scoring.competition), `ets` and `theta`
  (scoring.statistical, fitted on the training part, forecast H steps from its end; where a fit fails, the naive
  forecast stands in and a note says on how many series);
- `lstm`: one global network over all series (forecast.global_model), `lstm-local`: the same network per series,
  both with the head `head` (direct: one output per horizon step; recursive: one step rolled forward H steps);
  `lstm-recursive`: the global network with the recursive head, to set beside the direct one on the same series.

Scores per series and model: MAE, RMSE, sMAPE (M4) and MASE scaled by the in-sample MAE of the seasonal naive
forecast over that series' training part (m = its season, 1 without one). The summary gives each model's mean
sMAPE and MASE over series with a 95% bootstrap interval over series, and, for the bundled competition
collections, each model's OWA against Naive2; `wins` counts, for each network, the series on which its MASE is below
each other model's. A network's forecasts also get conformal 80% and 95% bands calibrated on the validation parts
(forecast.collection_bands: `<model>_lo80` ... columns) with their coverage measured on the test parts, and, for a
seed ensemble, the spread of the seeds' mean MASE and sMAPE.

The global LSTM's network comes back as plain NumPy (`BenchmarkResult.network`, an evaluate.benchmark_inside
`GlobalNetwork`: the first seed's weights and each series' forecast window); `look_inside(network, collection, name)`
derives one series' windows from the collection when asked, for the Gates and Inside pages.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lstm_core.config.benchmark import HEADS, NETWORKS
from lstm_core.config.benchmark import MODELS as BENCHMARK_MODELS
from lstm_core.config.settings import ExperimentConfig
from lstm_core.data.collections import Collection
from lstm_core.errors import LabError
from lstm_core.evaluate.benchmark_inside import GlobalNetwork, SeriesInside, series_inside
from lstm_core.forecast.collection_bands import band_coverage, collection_bands
from lstm_core.forecast.covariates import calendar_features, known_inputs
from lstm_core.forecast.global_model import global_forecast, local_forecast
from lstm_core.forecast.seeds import mean_sd
from lstm_core.forecast.training_length import min_training_length
from lstm_core.scoring import baselines
from lstm_core.scoring.competition import mean_interval, naive2_forecast, owa
from lstm_core.scoring.metrics import mae, mase, rmse, smape

__all__ = [
    "BENCHMARK_MODELS",
    "NETWORKS",
    "BenchmarkResult",
    "BenchmarkStopped",
    "Task",
    "check_head",
    "look_inside",
    "parse_models",
    "run_benchmark",
    "split_tasks",
    "write_benchmark",
]

# NETWORKS and BENCHMARK_MODELS (every model a benchmark runs) are declared in config.benchmark, with the settings.
GLOBAL_NETWORKS = ("lstm", "lstm-recursive")  # one network over all series (forecast.global_model.global_forecast)
SCORES = ("mae", "rmse", "smape", "mase")


@dataclass(frozen=True, eq=False)
class Task:
    """One series as every model sees it: its training part (n,), and the test part (H,) kept for scoring only."""

    name: str
    train: np.ndarray
    test: np.ndarray
    times: tuple[str, ...]  # the test steps' time labels
    season_length: int  # 1: no season
    calendar: np.ndarray | None = None  # (n + H, 2) the training and test steps' month or weekday; None: no dates


class BenchmarkStopped(Exception):
    """Raised by `run_benchmark` when its `should_stop` answers True (between series, or after an LSTM epoch)."""


@dataclass(frozen=True, eq=False)
class BenchmarkResult:
    forecasts: pd.DataFrame  # series, step, time, actual, <model>...
    scores: pd.DataFrame  # series, model, mae, rmse, smape, mase
    summary: dict[str, Any]
    notes: tuple[str, ...] = field(default_factory=tuple)
    network: GlobalNetwork | None = None  # the global LSTM's network, when `lstm` ran


def check_head(models: Sequence[str], head: str) -> None:
    """Raises LabError for an unknown head, or for `lstm` and `lstm-recursive` both asked for with the recursive
    head (the same network twice)."""
    if head not in HEADS:
        raise LabError(f"`head` must be one of {', '.join(HEADS)}. Received: head={head!r}")
    if head == "recursive" and {"lstm", "lstm-recursive"} <= set(models):
        raise LabError(
            "With the recursive head, lstm is the recursive network already; drop lstm-recursive, or keep the direct "
            "head to compare the two."
        )


def parse_models(models: Sequence[str]) -> tuple[str, ...]:
    """The model names, checked; raises LabError naming an unknown one."""
    names = tuple(dict.fromkeys(m.strip().lower().replace("_", "-") for m in models if m.strip()))
    known = {m.replace("_", "-"): m for m in BENCHMARK_MODELS}
    unknown = [m for m in names if m not in known]
    if unknown or not names:
        raise LabError(
            f"`models` must name some of {', '.join(BENCHMARK_MODELS)}. Received: models={','.join(models)!r}"
        )
    return tuple(known[m] for m in names)


def split_tasks(
    collection: Collection, *, horizon: int | None, season_length: int | None, networks: bool
) -> tuple[list[Task], list[str]]:
    """Each usable series split into training and test parts; notes name the series left out and why."""
    tasks, short, notes = [], [], []
    for series in collection:
        h = horizon or series.horizon
        if h is None:
            raise LabError("The collection gives no horizon; set --horizon.")
        if series.train_length is not None:
            if h > len(series) - series.train_length:
                raise LabError(
                    f"The horizon {h} is longer than the test part of series {series.name} "
                    f"({len(series) - series.train_length} steps)."
                )
            end = series.train_length
        else:
            end = len(series) - h
        need = min_training_length(h) if networks else 3
        if end < need:
            short.append(f"{series.name} ({max(end, 0)} training values, {need} needed)")
            continue
        season = series.season_length or season_length or baselines.season_length_for(series.freq) or 1
        index = series.index[end : end + h]
        times = tuple(str(t.date()) if isinstance(t, pd.Timestamp) and t == t.normalize() else str(t) for t in index)
        calendar = calendar_features(series.index[: end + h])
        tasks.append(Task(series.name, series.values[:end], series.values[end : end + h], times, int(season), calendar))
    if short:
        shown = "; ".join(short[:10]) + (f"; and {len(short) - 10} more" if len(short) > 10 else "")
        notes.append(f"{len(short)} series left out, too short for the horizon: {shown}.")
    if not tasks:
        raise LabError("No series is long enough for this horizon; choose a shorter --horizon.")
    return tasks, notes


def run_benchmark(
    collection: Collection,
    *,
    models: Sequence[str],
    config: ExperimentConfig,
    horizon: int | None = None,
    season_length: int | None = None,
    windows_per_series: int = 48,
    series_embedding: int = 0,
    series_code: int = 0,
    calendar: bool = False,
    base: str = "auto",
    head: str = "direct",
    on_progress: Callable[[str], None] | None = None,
    on_epoch: Callable | None = None,
    on_series: Callable[[str, int, int], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> BenchmarkResult:
    """Every model on every usable series of `collection` (see the module docstring).

    `on_series(model, done, total)` reports each model's progress over the series (a network: 0 of N when it starts
    training, N of N when it has forecast); `should_stop()` is asked between series and after every LSTM epoch, and
    True raises BenchmarkStopped. `series_embedding` (a trained vector of that many entries per series, for the global
    networks), `series_code` (a fixed random code of that many entries) and `calendar` (the target steps' month or
    weekday) are inputs the networks know in advance (forecast.covariates); `base` is the global
    LSTM's (global_model.global_forecast: "auto" chooses on the validation parts); `head` is `lstm`'s and
    `lstm-local`'s ("direct" or "recursive"; `lstm-recursive` is always recursive)."""
    models = parse_models(models)
    check_head(models, head)
    say = on_progress or (lambda message: None)
    step = on_series or (lambda model, done, total: None)
    stop = should_stop or (lambda: False)
    tasks, notes = split_tasks(
        collection, horizon=horizon, season_length=season_length, networks=any(m in NETWORKS for m in models)
    )
    horizons = {len(task.test) for task in tasks}
    if len(horizons) > 1:
        raise LabError("The series have different horizons; set one with --horizon.")
    h = horizons.pop()
    competition = collection.source.startswith("collection:")
    wanted = (*models, "naive2") if competition and "naive2" not in models else models
    forecasts: dict[str, np.ndarray] = {}
    seconds: dict[str, float] = {}
    fitted: dict[str, Any] = {}
    bands: dict[str, dict[str, Any]] = {}
    network: GlobalNetwork | None = None
    covariates = known_inputs(
        [len(task.train) + h for task in tasks],
        [task.calendar if calendar else None for task in tasks],
        embedding=series_code,
        seed=config.train.seed,
    )
    if calendar and not any(task.calendar is not None for task in tasks):
        notes.append("No series has dates, so the networks had no calendar inputs.")
    for model in wanted:
        started = time.perf_counter()
        say(f"{model}: forecasting {len(tasks)} series")
        if stop():
            raise BenchmarkStopped
        step(model, 0, len(tasks))
        if model in NETWORKS:
            trains = [task.train for task in tasks]
            forecaster = global_forecast if model in GLOBAL_NETWORKS else local_forecast
            options: dict[str, Any] = (
                {"windows_per_series": windows_per_series, "base": base, "series_embedding": series_embedding}
                if model in GLOBAL_NETWORKS
                else {}
            )
            options["head"] = "recursive" if model == "lstm-recursive" else head
            if model == "lstm-local":
                options["on_series"] = lambda done, total, name=model: step(name, done, total)
            seasons = [task.season_length for task in tasks]
            fit = forecaster(
                trains,
                h,
                config,
                seasons=seasons,
                covariates=covariates,
                on_epoch=_stoppable(on_epoch, stop),
                **options,
            )
            forecasts[model] = fit.forecasts
            bands[model] = collection_bands(fit.forecasts, fit.val_errors, fit.scales)
            fitted[model] = {
                "head": fit.head,
                "epochs_run": fit.epochs_run,
                "stop_reason": fit.stop_reason,
                "train_seconds": round(fit.train_seconds, 3),
                "windows_per_epoch": fit.windows,
                **_base_choice(fit, model),
                "coverage": band_coverage(np.array([task.test for task in tasks]), bands[model]),
                "seeds": _seed_spread(tasks, fit.member_forecasts),
            }
            if model == "lstm" and fit.weights is not None:
                inputs = {"season_length": season_length, "series_embedding": series_code, "calendar": calendar}
                network = _network(fit, tasks, h, config, **inputs)
        else:
            counted = lambda done, name=model: step(name, done, len(tasks))  # noqa: E731
            forecasts[model], failed = _statistical(model, tasks, h, say, counted, stop)
            if failed:
                notes.append(f"{model} could not be fitted on {failed} series; the naive forecast stands in there.")
        seconds[model] = round(time.perf_counter() - started, 3)
        step(model, len(tasks), len(tasks))
    scores = _scores(tasks, forecasts)
    summary = _summary(tasks, h, models, scores, competition, config.train.seed)
    summary["seconds"] = seconds
    summary["networks"] = fitted
    if "lstm" in fitted:  # the global model's bands: empirical coverage on the test parts beside the nominal level
        summary["coverage"] = fitted["lstm"]["coverage"]
    shown = [m for m in wanted if m in models]
    return BenchmarkResult(
        forecasts=_forecast_frame(tasks, {m: forecasts[m] for m in shown}, bands),
        scores=scores[scores["model"].isin(shown)].reset_index(drop=True),
        summary=summary,
        notes=(*collection.notes, *notes),
        network=network,
    )


def _network(fit: Any, tasks: list[Task], h: int, config: ExperimentConfig, **inputs: Any) -> GlobalNetwork:
    """The global fit's network and each series' forecast window, as plain NumPy (see benchmark_inside)."""
    return GlobalNetwork(
        weights=fit.weights,
        members=len(fit.member_forecasts) if fit.member_forecasts is not None else 1,
        seed=config.train.seed,
        series=tuple(task.name for task in tasks),
        probe_windows=np.asarray(fit.probe_windows, np.float32),
        scales=np.asarray(fit.scales, np.float64),
        base=fit.base,
        horizon=h,
        window=config.windows.window,
        epochs_run=fit.epochs_run,
        stop_reason=fit.stop_reason,
        embedding=fit.embedding,
        **inputs,
    )


def look_inside(network: GlobalNetwork, collection: Collection, name: str) -> SeriesInside:
    """Series `name`'s windows as the benchmark's global network read them (benchmark_inside.series_inside), split
    from `collection` (the one the benchmark ran on) as the benchmark split it; raises LabError for another series."""
    k = network.position(name)
    tasks, _ = split_tasks(collection, horizon=network.horizon, season_length=network.season_length, networks=True)
    if k >= len(tasks) or tasks[k].name != name:
        raise LabError(f"Series {name} is not in this collection any more; run the benchmark again.")
    task = tasks[k]
    covariates = known_inputs(
        [len(t.train) + network.horizon for t in tasks],
        [t.calendar if network.calendar else None for t in tasks],
        embedding=network.series_embedding,
        seed=network.seed,
    )
    index = next(series.index for series in collection if series.name == name)
    known = covariates[k] if covariates is not None else None
    if network.embedding is not None:  # a learned embedding: the series' row beside each step, as the network read it
        rows = np.repeat(network.embedding[k][None, :], len(task.train) + network.horizon, axis=0)  # (n + H, D)
        known = rows if known is None else np.concatenate([known, rows], axis=1)
    return series_inside(network, name, task.train, task.test, index, task.season_length, known)


def _base_choice(fit: Any, model: str) -> dict[str, Any]:
    """The global LSTM's base (the forecast it learned to correct) and each base's validation MASE."""
    if model not in GLOBAL_NETWORKS:
        return {}
    return {"base": fit.base, "validation_mase": fit.tried or {fit.base: round(fit.val_mase, 4)}}


def _seed_spread(tasks: list[Task], members: np.ndarray) -> dict[str, Any]:
    """Each seed's mean MASE and sMAPE over series, as mean and sd across the seeds (members (M, S, H))."""
    per_seed = {
        name: [_mean_or_none([score(task.test, member[k], task) for k, task in enumerate(tasks)]) for member in members]
        for name, score in (
            ("mase", lambda a, f, task: mase(a, f, task.train, task.season_length)),
            ("smape", lambda a, f, task: smape(a, f)),
        )
    }
    return {"count": len(members), **{name: mean_sd(values) for name, values in per_seed.items()}}


def _mean_or_none(values: list[float | None]) -> float | None:
    finite = [float(v) for v in values if v is not None and np.isfinite(v)]
    return float(np.mean(finite)) if finite else None


def _stoppable(on_epoch: Callable | None, stop: Callable[[], bool]) -> Callable:
    """`on_epoch` that ends the training (BenchmarkStopped out of Keras's fit) once `stop()` answers True."""

    def report(epoch: Any) -> None:
        if on_epoch is not None:
            on_epoch(epoch)
        if stop():
            raise BenchmarkStopped

    return report


def _statistical(
    model: str,
    tasks: list[Task],
    h: int,
    say: Callable[[str], None],
    done: Callable[[int], None] = lambda count: None,
    stop: Callable[[], bool] = lambda: False,
) -> tuple[np.ndarray, int]:
    from lstm_core.scoring.statistical import fit_ets, fit_theta

    out, failed = np.empty((len(tasks), h)), 0
    for k, task in enumerate(tasks):
        train, m = task.train, task.season_length
        if model == "naive":
            path = baselines.naive_future(train, h)
        elif model == "seasonal_naive":
            path = baselines.seasonal_naive_future(train, h, m) if m > 1 else None
            path = baselines.naive_future(train, h) if path is None else path
        elif model == "drift":
            path = baselines.drift_future(train, h)
        elif model == "naive2":
            path = naive2_forecast(train, h, m)
        else:
            fit = (fit_ets if model == "ets" else fit_theta)(train, m if m > 1 else None)
            path = None if fit is None else fit.forecast(train, h)
            if path is None or not np.isfinite(path).all():
                failed += 1
                path = baselines.naive_future(train, h)
        out[k] = path
        done(k + 1)
        if (k + 1) % 50 == 0:
            say(f"{model}: {k + 1}/{len(tasks)} series")
        if stop() and k + 1 < len(tasks):
            raise BenchmarkStopped
    return out, failed


def _scores(tasks: list[Task], forecasts: dict[str, np.ndarray]) -> pd.DataFrame:
    rows = []
    for k, task in enumerate(tasks):
        for model, paths in forecasts.items():
            predicted = paths[k]
            rows.append(
                {
                    "series": task.name,
                    "model": model,
                    "mae": mae(task.test, predicted),
                    "rmse": rmse(task.test, predicted),
                    "smape": smape(task.test, predicted),
                    "mase": mase(task.test, predicted, task.train, task.season_length),
                }
            )
    return pd.DataFrame(rows, columns=["series", "model", *SCORES])


def _summary(
    tasks: list[Task], h: int, models: Sequence[str], scores: pd.DataFrame, competition: bool, seed: int
) -> dict[str, Any]:
    blocks: dict[str, Any] = {}
    for model in models:
        rows = scores[scores["model"] == model]
        blocks[model] = {
            name: mean_interval([None if pd.isna(v) else float(v) for v in rows[name]], seed) for name in SCORES
        }
    if competition:
        rows = scores[scores["model"] == "naive2"]
        reference = {name: rows[name].astype(float).mean() for name in ("smape", "mase")}
        for model in models:
            block = blocks[model]
            block["owa"] = owa(block["smape"]["mean"], block["mase"]["mean"], reference["smape"], reference["mase"])
    return {"series": len(tasks), "horizon": h, "models": blocks, "wins": _wins(models, scores)}


def _wins(models: Sequence[str], scores: pd.DataFrame) -> dict[str, dict[str, int]]:
    """For each network, on how many series its MASE is below each other model's: {"lstm": {"ets": 16, ...}}."""
    table = scores.pivot(index="series", columns="model", values="mase").astype(float)
    return {
        network: {other: int((table[network] < table[other]).sum()) for other in models if other != network}
        for network in models
        if network in NETWORKS
    }


def _forecast_frame(
    tasks: list[Task], forecasts: dict[str, np.ndarray], bands: dict[str, dict[str, Any]] | None = None
) -> pd.DataFrame:
    """series, step, time, actual, a column per model, and a network's bands (`lstm_lo80`, `lstm_hi80`, ...)."""
    h = len(tasks[0].test)
    frame = pd.DataFrame(
        {
            "series": np.repeat([task.name for task in tasks], h),
            "step": np.tile(np.arange(1, h + 1), len(tasks)),
            "time": [t for task in tasks for t in task.times],
            "actual": np.concatenate([task.test for task in tasks]),
        }
    )
    for model, paths in forecasts.items():
        frame[model] = paths.reshape(-1)
    for model, levels in (bands or {}).items():
        if model in forecasts:
            for level, band in levels.items():
                frame[f"{model}_lo{level}"] = band["lower"].reshape(-1)
                frame[f"{model}_hi{level}"] = band["upper"].reshape(-1)
    return frame


def write_benchmark(result: BenchmarkResult, out_dir: str | Path, config: dict[str, Any]) -> list[Path]:
    """forecasts.csv, scores.csv and summary.json (the summary with `config` and `notes`) in `out_dir`."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    summary = {**result.summary, "config": config, "notes": list(result.notes)}
    written = {
        "forecasts.csv": result.forecasts.to_csv(index=False),
        "scores.csv": result.scores.to_csv(index=False),
        "summary.json": json.dumps(_plain(summary), indent=2, allow_nan=False) + "\n",
    }
    for name, text in written.items():
        (out / name).write_text(text, encoding="utf-8")
    return [out / name for name in written]


def _plain(value: Any) -> Any:
    """JSON-safe: NumPy numbers as Python ones, NaN and inf as None."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value
