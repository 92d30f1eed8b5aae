"""Numbers, durations and tables in the words the pages use."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from lstm_core.dataset import Dataset
from lstm_core.metrics import RunMetrics

__all__ = [
    "METRIC_NAMES",
    "MODEL_NAMES",
    "dataset_facts",
    "duration",
    "metrics_table",
    "number",
    "skill_sentence",
    "time_label",
    "unit_summary",
]

MODEL_NAMES = {"lstm": "LSTM", "naive": "Naive", "seasonal_naive": "Seasonal naive", "drift": "Drift"}
METRIC_NAMES = {"mae": "MAE", "rmse": "RMSE", "smape": "sMAPE (%)", "mase": "MASE", "mape": "MAPE (%)"}

_FREQ_WORDS = {
    "D": "daily",
    "B": "business days",
    "W": "weekly",
    "MS": "monthly",
    "ME": "monthly",
    "M": "monthly",
    "QS": "quarterly",
    "QE": "quarterly",
    "YS": "yearly",
    "YE": "yearly",
    "h": "hourly",
    "H": "hourly",
}


def duration(seconds: float | None) -> str:
    """'42 s', '3 min 05 s', '1 h 02 min'; '—' when unknown."""
    if seconds is None or not math.isfinite(seconds):
        return "—"
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def number(value: Any, digits: int = 4) -> str:
    """A short, readable number; '—' for None/NaN."""
    if value is None:
        return "—"
    try:
        value = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(value):
        return "—"
    return f"{value:.{digits}g}"


def time_label(value: Any) -> str:
    """A time index value as text: a date without a midnight time, or a step number."""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d %H:%M").removesuffix(" 00:00")
    return f"step {value}"


def frequency_words(freq: str | None) -> str:
    if not freq:
        return "no regular frequency (steps)"
    base = freq.split("-")[0].lstrip("0123456789")
    words = _FREQ_WORDS.get(base)
    return f"{words} ({freq})" if words else freq


def dataset_facts(dataset: Dataset) -> dict[str, str]:
    """Length, frequency and range of a dataset, for st.metric."""
    index = dataset.frame.index
    if dataset.has_dates and len(index):
        span = f"{time_label(index[0])} → {time_label(index[-1])}"
    else:
        span = f"steps 0 → {len(index) - 1}"
    return {
        "Length": f"{len(dataset):,} points",
        "Frequency": frequency_words(dataset.freq),
        "Range": span,
    }


def metrics_table(metrics: RunMetrics) -> pd.DataFrame:
    """One row per model (LSTM, naive, seasonal naive, drift), one column per metric; None where undefined."""
    rows = {}
    for key, name in MODEL_NAMES.items():
        block = metrics.scores(key)
        if block is None:
            continue
        rows[name] = {label: getattr(block, metric) for metric, label in METRIC_NAMES.items()}
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(METRIC_NAMES.values())).astype(float)


def skill_sentence(metrics: RunMetrics) -> tuple[bool | None, str]:
    """(beats_naive, a plain sentence) comparing the LSTM's RMSE to the naive forecast's."""
    skill = metrics.skill_vs_naive
    lstm, naive = metrics.rmse("lstm"), metrics.rmse("naive")
    if skill is None or lstm is None or naive is None:
        return None, "The LSTM's skill against the naive forecast could not be measured on this test part."
    if metrics.beats_naive:
        return True, (
            f'The LSTM beats the naive forecast ("tomorrow = today"): its RMSE is {number(lstm)} against '
            f"{number(naive)}, a skill of {skill:.1%}.{_seasonal_clause(metrics)}"
        )
    return False, (
        f'The LSTM does not beat the naive forecast ("tomorrow = today"): its RMSE is {number(lstm)} against '
        f"{number(naive)} (skill {skill:.1%}), so here the simple baseline is the better forecast. More epochs "
        "or another window may help; for a series close to a random walk, naive is hard to beat at all."
        f"{_seasonal_clause(metrics)}"
    )


def _seasonal_clause(metrics: RunMetrics) -> str:
    """' Against the seasonal naive forecast ...' when there is one, else ''."""
    skill = metrics.skill_vs_seasonal_naive
    seasonal = metrics.rmse("seasonal_naive")
    season = metrics.season_length
    if skill is None or seasonal is None or not season:
        return ""
    verdict = "beats" if skill > 0 else "does not beat"
    return (
        f" The seasonal naive forecast (the value {season} steps earlier) has an RMSE of {number(seasonal)}: "
        f"the LSTM {verdict} it (skill {skill:.1%})."
    )


def unit_summary(gates: dict[str, Any]) -> pd.DataFrame:
    """Per unit, over the window: mean input, forget and output gate, mean |c|, and the last h."""
    first = {name: value[0] for name, value in gates.items()}  # each (window, units)
    units = first["f"].shape[1]
    return pd.DataFrame(
        {
            "mean i": first["i"].mean(axis=0),
            "mean f": first["f"].mean(axis=0),
            "mean o": first["o"].mean(axis=0),
            "mean |c|": abs(first["c"]).mean(axis=0),
            "last h": first["h"][-1],
        },
        index=pd.Index([f"unit {u}" for u in range(units)], name="unit"),
    ).round(3)
