"""Compare cells: one experiment trained with each recurrent cell (LSTM, GRU, plain RNN), same settings and seeds.

`compare_cells(dataset, config)` runs `run_experiment` once per cell, with `config` otherwise unchanged (a seed
ensemble each when `config.train.seeds` > 1), and measures how far back each network's prediction reaches: the
first layer's ‖∂ŷ/∂h_t‖ averaged over the test windows (nn/gradients.py). `summary(comparison)` is cells.json:
per cell its test RMSE (with the spread across seeds), skill against naive, epochs, training time and `reach`
(the mean gradient norm per lag k, lag 0 first) with `reach_first_step`, the share of the last step's gradient
that still reaches the window's first step.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from lstm_core.config.settings import CELLS, ExperimentConfig
from lstm_core.data.dataset import Dataset
from lstm_core.experiment.run import Run, run_experiment
from lstm_core.nn.gradients import gradients
from lstm_core.scoring.columns import ForecastColumn as Column

__all__ = ["CellComparison", "compare_cells", "reach", "summary"]

MAX_WINDOWS = 256


@dataclass(frozen=True, eq=False)
class CellComparison:
    runs: dict[str, Run]  # cell -> its run
    reach: dict[str, np.ndarray]  # cell -> (window,): mean ‖∂ŷ/∂h_{T−1−k}‖ over the test windows, lag k = 0 first


def reach(run: Run) -> np.ndarray:
    """The first layer's mean ‖∂ŷ/∂h‖ over (at most MAX_WINDOWS) test windows, by lag (lag 0 first): (window,)."""
    x_test = run.windows.x_test  # (N, window, F)
    if not len(x_test):
        return np.full(run.windows.window, np.nan, np.float32)
    chosen = np.unique(np.linspace(0, len(x_test) - 1, min(len(x_test), MAX_WINDOWS)).round().astype(int))
    with np.errstate(all="ignore"):
        norms = gradients(x_test[chosen], run.weights).state_gradient  # (B, window)
    return norms.mean(axis=0)[::-1].copy()


def compare_cells(
    dataset: Dataset,
    config: ExperimentConfig,
    *,
    cells: Sequence[str] = CELLS,
    on_cell: Callable[[str], None] | None = None,
    on_epoch: Callable[[Any], None] | None = None,
) -> CellComparison:
    """Train `config` once per cell in `cells` (same data, settings and seeds); `on_cell(cell)` before each."""
    runs: dict[str, Run] = {}
    for cell in cells:
        if on_cell is not None:
            on_cell(cell)
        runs[cell] = run_experiment(dataset, config.replace(cell=cell), on_epoch=on_epoch)
    return CellComparison(runs=runs, reach={cell: reach(run) for cell, run in runs.items()})


def _number(value: Any) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


def summary(comparison: CellComparison) -> dict[str, Any]:
    """cells.json: per cell its scores, the spread across seeds (None for one seed) and its gradient reach."""
    out: dict[str, Any] = {}
    for cell, run in comparison.runs.items():
        metrics, norms = run.metrics, comparison.reach[cell]
        spread = metrics.seed_spread
        out[cell] = {
            "rmse": _number(metrics.rmse(Column.LSTM)),
            "rmse_across_seeds": None if not spread else spread["lstm"]["rmse"],
            "skill_vs_naive": _number(metrics.skill_vs_naive),
            "naive_rmse": _number(metrics.rmse(Column.NAIVE)),
            "seeds": metrics.seeds,
            "epochs_run": metrics.epochs_run,
            "train_seconds": _number(metrics.train_seconds),
            "reach": [_number(v) for v in norms],
            "reach_first_step": _number(norms[-1] / norms[0]) if norms[0] > 0 else None,
        }
    return out
