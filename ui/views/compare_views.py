"""The Compare page's result: the scores side by side with their spread and the baselines, the verdict in one
sentence, the loss curves overlaid, and how far back each cell's gradient reaches (lstm_core.experiment.compare).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from lstm_core.data import sources
from lstm_core.experiment.compare import BASELINES, Verdict, backtest_table, verdict
from lstm_core.scoring.columns import ForecastColumn as Column
from ui.charts import compare_charts, gradient_charts
from ui.charts.compare_charts import CELL_NAMES
from ui.text import i18n
from ui.text.format import duration, number, plain

__all__ = ["BASELINE_NAMES", "backtest_frame", "draw_comparison", "scores_table", "verdict_text"]

BASELINE_NAMES = {
    Column.NAIVE: "naive",
    Column.SEASONAL_NAIVE: "seasonal naive",
    Column.ETS: "ETS",
    Column.THETA: "Theta",
}


def _say(key: str) -> str:
    return i18n.text(f"compare.{key}")


def _mean_sd(spread: tuple[float, float] | None) -> str:
    return "—" if spread is None else f"{number(spread[0])} ± {number(spread[1])}"


def scores_table(comparison: Any) -> pd.DataFrame:
    """One row per cell (test RMSE, its spread across seeds, skill, epochs, time), then one per baseline."""
    rows = []
    for cell, run in comparison.runs.items():
        metrics, spread = run.metrics, run.metrics.seed_spread
        across = None if not spread else (spread["lstm"]["rmse"]["mean"], spread["lstm"]["rmse"]["sd"])
        skill = metrics.skill_vs_naive
        rows.append(
            [
                CELL_NAMES[cell],
                number(metrics.rmse(Column.LSTM)),
                _mean_sd(across) if across and across[0] is not None else "—",
                "—" if skill is None else f"{skill:.1%}",
                str(metrics.epochs_run),
                duration(metrics.train_seconds),
            ]
        )
    metrics = next(iter(comparison.runs.values())).metrics  # the same test part for every cell
    for name in BASELINES:
        rows.append([BASELINE_NAMES[name], number(metrics.rmse(name)), "—", "—", "—", "—"])
    columns = [_say(f"column_{key}") for key in ("model", "rmse", "seeds", "skill", "epochs", "time")]
    return pd.DataFrame(rows, columns=columns)


def verdict_text(found: Verdict) -> str:
    """Which cell wins and by how much, with the spread across seeds and the strongest baseline: one paragraph."""
    winner = CELL_NAMES[found.winner]
    if found.runner_up is None:
        parts = [_say("verdict_alone").format(w=winner, r=number(found.rmse))]
    else:
        runner = CELL_NAMES[found.runner_up]
        parts = [
            _say("verdict").format(
                w=winner,
                r=number(found.rmse),
                i=f"{found.improvement:.1%}",
                u=runner,
                q=number(found.runner_up_rmse),
            )
        ]
        if found.clear is None:
            parts.append(_say("verdict_one_seed"))
        else:
            parts.append(
                _say("verdict_clear" if found.clear else "verdict_unclear").format(
                    w=winner,
                    u=runner,
                    a=_mean_sd(found.spread[found.winner]),
                    b=_mean_sd(found.spread[found.runner_up]),
                )
            )
    if found.baseline is not None:
        baseline = BASELINE_NAMES.get(Column(found.baseline), found.baseline)
        key = "verdict_beats" if found.beats_baseline else "verdict_loses"
        parts.append(_say(key).format(b=baseline, q=number(found.baseline_rmse)))
    return " ".join(parts)


def backtest_frame(backtests: dict[str, Any]) -> pd.DataFrame:
    """One row per cell backtested, then the seasonal naive and ETS of the same folds: folds, RMSE mean ± sd."""
    rows = [
        [
            CELL_NAMES.get(row["model"]) or BASELINE_NAMES[row["model"]],
            str(row["folds"]),
            "—" if row["rmse_mean"] is None else _mean_sd((row["rmse_mean"], row["rmse_sd"] or 0.0)),
        ]
        for row in backtest_table(backtests)
    ]
    columns = [_say(f"column_{key}") for key in ("model", "folds", "fold_rmse")]
    return pd.DataFrame(rows, columns=columns)


def _draw_backtests(record: Any) -> None:
    backtests = record.backtests
    for cell, error in record.backtest_errors.items():
        st.error(_say("failed_backtest").format(c=CELL_NAMES[cell], x=error))
    if not backtests:
        st.caption(_say("backtest_note"))
        return
    st.subheader(_say("backtest_header"))
    st.dataframe(backtest_frame(backtests), hide_index=True, key="compare_backtests")
    plan = next(iter(backtests.values())).backtest
    st.caption(_say("backtest_caption").format(h=plan.horizon, s=plan.stride, o=plan.start, g=plan.strategy))


def draw_comparison(record: Any) -> None:
    """Everything the Compare page shows about a finished comparison (a `ui.jobs.compares.ComparisonRecord`)."""
    comparison = record.comparison
    done = len(comparison.runs)
    if done < len(record.cells):
        st.warning(_say("stopped").format(d=done, k=len(record.cells)))
    for cell, error in record.errors.items():
        st.error(_say("failed_cell").format(c=CELL_NAMES[cell], x=error))

    data = plain(record.dataset_name)
    st.caption(_say("compared").format(n=len(record.cells), s=settings_text(record.config), d=data))
    st.subheader(_say("scores_header"))
    found = verdict(comparison)
    if found is not None:
        (st.success if found.beats_baseline else st.warning)(verdict_text(found))
    st.dataframe(scores_table(comparison), hide_index=True, key="compare_scores")
    st.caption(_say("scores_caption"))

    st.subheader(_say("loss_header"))
    histories = {cell: run.history for cell, run in comparison.runs.items()}
    st.plotly_chart(compare_charts.loss_overlay_figure(histories, CELL_NAMES), key="compare_loss")
    st.caption(_say("loss_caption"))

    st.subheader(_say("reach_header"))
    curves = {CELL_NAMES[cell]: np.asarray(norms)[::-1] for cell, norms in comparison.reach.items()}  # step order
    cells = tuple(comparison.reach)
    st.plotly_chart(gradient_charts.reach_figure(curves, cells=cells), key="compare_reach")
    st.caption(_say("reach_caption"))
    lines = []
    for cell, norms in comparison.reach.items():
        if norms[0] > 0 and np.isfinite(norms).all():
            lines.append(_say("reach_share").format(c=CELL_NAMES[cell], s=f"{norms[-1] / norms[0]:.2%}"))
    if lines:
        st.markdown("\n".join(f"- {line}" for line in lines))
    _draw_backtests(record)


# The long-memory sample and the settings it is tried with (one source: lstm_core.data.sources; bench/long_memory.py
# measures them)
LONG_MEMORY = "long-memory"
LONG_MEMORY_SETTINGS = sources.LONG_MEMORY_SETTINGS


def long_memory_settings(lang: str | None = None) -> str:
    """The long-memory sample's settings in words ("window 45, units 16, ..."), from LONG_MEMORY_SETTINGS."""
    tried = LONG_MEMORY_SETTINGS
    return i18n.text("compare.long_memory_settings", lang).format(
        w=tried["window"], u=tried["units"], b=tried["batch_size"], r=tried["learning_rate"], e=tried["epochs"]
    )


def settings_text(config: Any) -> str:
    """The settings a comparison trains with, in one line."""
    model, windows, train = config.model, config.windows, config.train
    return (
        f"{model.layers} layer(s) of {model.units} units, window {windows.window}, scaler {windows.scaler}, "
        f"batch {train.batch_size}, learning rate {train.learning_rate:g}, {train.epochs} epochs, "
        f"{train.seeds} seed(s) from {train.seed}"
    )
