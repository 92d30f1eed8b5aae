"""Compare cells: one experiment trained with each recurrent cell (LSTM, GRU, plain RNN), same settings and seeds.

`compare_cells(dataset, config)` runs `run_experiment` once per cell, with `config` otherwise unchanged (a seed
ensemble each when `config.train.seeds` > 1), and measures how far back each network's prediction reaches: the
first layer's ‖∂ŷ/∂h_t‖ averaged over the test windows (nn/gradients.py). `summary(comparison)` is cells.json:
per cell its test RMSE (with the spread across seeds), skill against naive, epochs, training time and `reach`
(the mean gradient norm per lag k, lag 0 first) with `reach_first_step`, the share of the last step's gradient
that still reaches the window's first step. `verdict(comparison)` says which cell wins on test RMSE, by how much,
whether the gap is larger than the spread across seeds, and where the winner stands against the baselines.
`backtest_table(backtests)` puts a walk-forward backtest of each cell (evaluate.backtest.Backtest, same folds)
beside the seasonal naive and ETS forecasts of those folds: RMSE as mean and sd over the folds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from lstm_core.config.settings import CELLS, ExperimentConfig
from lstm_core.data.dataset import Dataset
from lstm_core.experiment.run import Run, run_experiment
from lstm_core.nn.gradients import gradients
from lstm_core.scoring.columns import ForecastColumn as Column

__all__ = [
    "BACKTEST_BASELINES",
    "BASELINES",
    "CellComparison",
    "Verdict",
    "backtest_table",
    "compare_cells",
    "reach",
    "summary",
    "verdict",
]

MAX_WINDOWS = 256
BASELINES = (Column.NAIVE, Column.SEASONAL_NAIVE, Column.ETS, Column.THETA)
BACKTEST_BASELINES = (Column.SEASONAL_NAIVE, Column.ETS)


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


@dataclass(frozen=True)
class Verdict:
    """Which cell has the lowest test RMSE, and how sure that is.

    `spread`: cell -> (mean, sd) of the seeds' own test RMSE (None for one seed). `clear`: the runner-up's mean
    exceeds the winner's by more than the two sds together (None without a spread). `baseline`: the baseline
    with the lowest test RMSE among naive, seasonal naive, ETS and Theta.
    """

    winner: str
    rmse: float
    runner_up: str | None
    runner_up_rmse: float | None
    improvement: float | None  # 1 - winner / runner-up: how much lower the winner's RMSE is
    spread: dict[str, tuple[float, float] | None]
    clear: bool | None
    baseline: str | None
    baseline_rmse: float | None

    @property
    def beats_baseline(self) -> bool:
        return self.baseline_rmse is None or self.rmse < self.baseline_rmse


def _spread(run: Run) -> tuple[float, float] | None:
    spread = run.metrics.seed_spread
    if not spread or spread["lstm"]["rmse"]["mean"] is None:
        return None
    return float(spread["lstm"]["rmse"]["mean"]), float(spread["lstm"]["rmse"]["sd"])


def verdict(comparison: CellComparison) -> Verdict | None:
    """The winner on test RMSE among the cells that scored (None when none did)."""
    scored = {cell: _number(run.metrics.rmse(Column.LSTM)) for cell, run in comparison.runs.items()}
    ranked = sorted((rmse, cell) for cell, rmse in scored.items() if rmse is not None)
    if not ranked:
        return None
    (best, winner), rest = ranked[0], ranked[1:]
    runner_rmse, runner = rest[0] if rest else (None, None)
    spread = {cell: _spread(run) for cell, run in comparison.runs.items()}
    clear = None
    if runner is not None and spread.get(winner) and spread.get(runner):
        (mean_w, sd_w), (mean_r, sd_r) = spread[winner], spread[runner]
        clear = mean_r - mean_w > sd_w + sd_r
    metrics = next(iter(comparison.runs.values())).metrics  # the same data and test part for every cell
    baselines = sorted((rmse, str(name)) for name in BASELINES if (rmse := _number(metrics.rmse(name))) is not None)
    return Verdict(
        winner=winner,
        rmse=best,
        runner_up=runner,
        runner_up_rmse=runner_rmse,
        improvement=None if not runner_rmse else 1.0 - best / runner_rmse,
        spread=spread,
        clear=clear,
        baseline=baselines[0][1] if baselines else None,
        baseline_rmse=baselines[0][0] if baselines else None,
    )


def backtest_table(backtests: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per cell backtested (`model` the cell), then one per baseline in BACKTEST_BASELINES from the first
    backtest (every cell's has the same folds and the same baselines): `folds`, `rmse_mean`, `rmse_sd` over folds."""
    rows = []
    for cell, backtest in backtests.items():
        rows.append({"model": cell, **_fold_rmse(backtest.summary, Column.LSTM)})
    if backtests:
        first = next(iter(backtests.values())).summary
        rows += [{"model": str(name), **_fold_rmse(first, name)} for name in BACKTEST_BASELINES]
    return rows


def _fold_rmse(summary: Mapping[str, Any], model: str) -> dict[str, Any]:
    scores = (summary.get("models") or {}).get(str(model)) or {}
    rmse = scores.get("rmse") or {}
    return {"folds": summary.get("folds", 0), "rmse_mean": rmse.get("mean"), "rmse_sd": rmse.get("sd")}
