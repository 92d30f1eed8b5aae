"""The Runs page's tables: one row per finished training, or per stored run, backtest or benchmark (its kind).

A backtest's row shows its means over folds (LSTM RMSE, skill vs naive), a benchmark's its LSTM's mean MASE over
series (lstm_core.store.evaluations)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import pandas as pd

from lstm_core.scoring.columns import ForecastColumn as Column

__all__ = ["runs_table"]


def runs_table(records: Sequence[Any]) -> pd.DataFrame:
    """Settings and results of each run, newest last."""
    rows = []
    for record in records:
        config, metrics = record.config, record.metrics
        rows.append(
            {
                "run": f"#{record.number}",
                "finished": time.strftime("%H:%M:%S", time.localtime(record.finished_at)),
                "data": record.dataset_name,
                "cell": config.model.cell,
                "units": config.model.units,
                "layers": config.model.layers,
                "window": config.windows.window,
                "predict": config.windows.difference,
                "dropout": config.model.dropout,
                "learning rate": config.train.learning_rate,
                "batch": config.train.batch_size,
                "epochs run": metrics.epochs_run,
                "ended": record.stop_reason.replace("_", " "),
                "LSTM RMSE": metrics.rmse(Column.LSTM),
                "naive RMSE": metrics.rmse(Column.NAIVE),
                "skill vs naive": metrics.skill_vs_naive,
                "beats naive": metrics.beats_naive,
                "skill vs seasonal naive": metrics.skill_vs_seasonal_naive,
                "strongest baseline": metrics.strongest_baseline,  # None for a run from before ETS and Theta
                "skill vs strongest": metrics.skill_vs_strongest_baseline,
                "seconds": metrics.train_seconds,
                "samples/s": metrics.samples_per_second,
                "model kept": record.run is not None,
            }
        )
    return pd.DataFrame(rows)


def stored_runs_table(runs: Sequence[Any], numbers: dict[str, int] | None = None) -> pd.DataFrame:
    """Settings and results of stored runs (store.StoredRun), newest first; `id` is the full run id.

    `numbers`: run id -> this session's run number; those runs are named `#N`, the others by their id's start.
    """
    numbers = numbers or {}
    rows = []
    for run in runs:
        config, metrics = run.config, run.metrics
        model, windows, train = config.get("model", {}), config.get("windows", {}), config.get("train", {})
        lstm, naive = metrics.get(Column.LSTM) or {}, metrics.get(Column.NAIVE) or {}
        rows.append(
            {
                "run": f"#{numbers[run.id]}" if run.id in numbers else run.id[:6],
                "finished": time.strftime("%Y-%m-%d %H:%M", time.localtime(run.created_at)),
                "kind": run.kind.replace("_", " "),
                "data": run.name,
                "cell": model.get("cell", "lstm"),  # runs stored before other cells were LSTMs
                "units": model.get("units"),
                "layers": model.get("layers"),
                "window": windows.get("window"),
                "predict": windows.get("difference"),
                "dropout": model.get("dropout"),
                "learning rate": train.get("learning_rate"),
                "batch": train.get("batch_size"),
                "epochs run": metrics.get("epochs_run"),
                "ended": str(metrics.get("stop_reason", "")).replace("_", " "),
                "LSTM RMSE": lstm.get("rmse"),
                "naive RMSE": naive.get("rmse"),
                "skill vs naive": metrics.get("skill_vs_naive"),
                "beats naive": bool(metrics.get("beats_naive")),
                "skill vs seasonal naive": metrics.get("skill_vs_seasonal_naive"),
                "LSTM MASE": lstm.get("mase"),  # a benchmark's mean over series
                "strongest baseline": metrics.get("strongest_baseline"),
                "skill vs strongest": metrics.get("skill_vs_strongest_baseline"),
                "seconds": metrics.get("train_seconds"),
                "samples/s": metrics.get("samples_per_second"),
                "id": run.id,
            }
        )
    return pd.DataFrame(rows)
