"""A backtest's figures and tables: pure functions from its frame and summary, no Streamlit calls."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from lstm_core.scoring.columns import ForecastColumn as Column
from ui.charts.figures import COLORS, _layout, _vline_x, add_bands
from ui.text.format import time_label

__all__ = [
    "MODEL_LABELS",
    "backtests_table",
    "coverage_sentence",
    "coverage_table",
    "fold_figure",
    "models_table",
    "per_step_figure",
    "strongest_sentence",
]

MODEL_LABELS = {
    Column.LSTM: "LSTM",
    Column.NAIVE: "naive",
    Column.SEASONAL_NAIVE: "seasonal naive",
    Column.DRIFT: "drift",
    Column.ETS: "ETS",
    Column.THETA: "Theta",
}
SCORE_LABELS = {"mae": "MAE", "rmse": "RMSE", "smape": "sMAPE (%)", "mase": "MASE"}


def _mean_sd(block: dict[str, float | None] | None, *, percent: bool = False) -> str:
    if not block or block["mean"] is None:
        return "—"
    if percent:
        return f"{block['mean']:.1%} ± {block['sd']:.1%}"
    return f"{block['mean']:.4g} ± {block['sd']:.2g}"


def models_table(summary: dict[str, Any]) -> pd.DataFrame:
    """One row per model: each error as mean ± sd over folds and, on each baseline's row, the LSTM's skill against it
    (a backtest from before ETS and Theta has no rows for them)."""
    rows = []
    for model, label in MODEL_LABELS.items():
        if model not in summary["models"]:
            continue
        block = summary["models"][model]
        skill = "" if model == Column.LSTM else _mean_sd(summary.get(f"skill_vs_{model}"), percent=True)
        rows.append(
            {
                "model": label,
                **{name: _mean_sd(block and block[key]) for key, name in SCORE_LABELS.items()},
                "LSTM's skill against it": skill,
            }
        )
    return pd.DataFrame(rows).set_index("model")


def strongest_sentence(summary: dict[str, Any]) -> tuple[bool | None, str | None]:
    """(the LSTM beats the strongest baseline, "ETS beats the LSTM by 12% here ..."); (None, None) when unknown."""
    model = summary.get("strongest_baseline")
    lstm, best = summary["models"].get(Column.LSTM), summary["models"].get(model) if model else None
    skill = (summary.get("skill_vs_strongest_baseline") or {}).get("mean")
    if not model or lstm is None or best is None or skill is None:
        return None, None
    name = MODEL_LABELS.get(model, model)
    rmse = f"mean RMSE over folds {best['rmse']['mean']:.4g} against the LSTM's {lstm['rmse']['mean']:.4g}"
    if skill > 0:
        return True, f"The LSTM beats every baseline here, the strongest included: {name} by {skill:.0%} ({rmse})."
    return False, (
        f"{name[0].upper() + name[1:]} beats the LSTM by {-skill:.0%} here ({rmse}; skill per fold, then averaged): "
        "it is the strongest baseline over these folds."
    )


def coverage_table(summary: dict[str, Any]) -> pd.DataFrame:
    """One row per level: nominal and measured coverage, mean width, points with a band."""
    rows = []
    for level, block in summary["coverage"].items():
        rows.append(
            {
                "level": f"{level}%",
                "nominal": block["nominal"],
                "covered": block["empirical"],
                "mean width": block["mean_width"],
                "held-out points": block["points"],
                "folds with a band": block["folds_with_band"],
            }
        )
    return pd.DataFrame(rows)


def coverage_sentence(level: str, block: dict[str, Any]) -> str:
    if block["empirical"] is None:
        return f"No fold had enough earlier forecast errors to calibrate a {level}% band."
    return f"{level}% bands covered {block['empirical']:.0%} of {block['points']:,} held-out points."


def interval_caption(intervals: dict[str, Any] | None) -> str | None:
    """A run's bands in one sentence: where they were calibrated and what they covered on the test part."""
    if not intervals:
        return None
    if not intervals.get("calibration"):
        return intervals.get("note")
    parts = [
        f"{level}% band covered {block['empirical']:.0%} of {block['points']} test points"
        for level, block in intervals["levels"].items()
        if block["empirical"] is not None
    ]
    if not parts:
        return None
    return f"Shaded: prediction intervals calibrated on {intervals['calibration']}; " + ", ".join(parts) + "."


def fold_figure(series: pd.Series, frame: pd.DataFrame, fold: int) -> go.Figure:
    """The series with every fold's origin, and fold `fold`'s forecasts and bands."""
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=series.index, y=series.to_numpy(), mode="lines", name="actual", line={"color": COLORS[Column.ACTUAL]}
        )
    )
    rows = frame[frame[Column.FOLD] == fold].set_index(Column.TIME)
    add_bands(fig, rows)
    for column, dash in zip(MODEL_LABELS, (None, "dot", "dot", "dot", "dash", "dash"), strict=True):
        if column in rows and rows[column].notna().any():
            fig.add_trace(
                go.Scatter(
                    x=rows.index,
                    y=rows[column],
                    mode="lines+markers",
                    name=MODEL_LABELS[column],
                    line={"color": COLORS[column], "dash": dash},
                    marker={"size": 4},
                )
            )
    origin = rows[Column.ORIGIN].iloc[0]
    for other in frame[Column.ORIGIN].unique():
        fig.add_vline(x=_vline_x(other), line={"color": "#e2e8f0", "width": 1})
    fig.add_vline(x=_vline_x(origin), line={"color": "#64748b", "dash": "dash"})
    fig.update_layout(title={"text": f"Fold {fold}: forecast from {time_label(origin)}", "x": 0})
    return _layout(fig, height=440)


def per_step_figure(per_step: dict[str, list[float | None]]) -> go.Figure:
    """RMSE over folds at each horizon step, per model: how error grows with the horizon."""
    fig = go.Figure()
    for model, values in per_step.items():
        if any(v is not None for v in values):
            fig.add_trace(
                go.Scatter(
                    x=list(range(1, len(values) + 1)),
                    y=values,
                    mode="lines+markers",
                    name=MODEL_LABELS[model],
                    line={"color": COLORS[model]},
                )
            )
    fig.update_layout(title={"text": "RMSE per horizon step (over all folds)", "x": 0})
    return _layout(fig, height=340, x_title="steps ahead", y_title="RMSE")


def backtests_table(records: list[Any]) -> pd.DataFrame:
    """One row per backtest of the session (the Runs page lists them beside the runs)."""
    rows = []
    for record in records:
        summary, b = record.result.summary, record.backtest
        lstm, naive = summary["models"][Column.LSTM], summary["models"][Column.NAIVE]
        covered = {f"{level}% covered": block["empirical"] for level, block in summary["coverage"].items()}
        rows.append(
            {
                "backtest": record.number,
                "data": record.dataset_name,
                "model": f"{record.config.model.layers}×LSTM({record.config.model.units})",
                "window": record.config.windows.window,
                "folds": summary["folds"],
                "horizon": b.horizon,
                "strategy": b.strategy,
                "retrain": b.retrain,
                "LSTM RMSE": _mean_sd(lstm and lstm["rmse"]),
                "naive RMSE": _mean_sd(naive and naive["rmse"]),
                "skill vs naive": _mean_sd(summary["skill_vs_naive"], percent=True),
                "strongest baseline": MODEL_LABELS.get(summary.get("strongest_baseline"), "—"),
                "skill vs strongest": _mean_sd(summary.get("skill_vs_strongest_baseline"), percent=True),
                **covered,
                "seconds": summary["seconds"],
            }
        )
    return pd.DataFrame(rows)
