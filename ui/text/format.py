"""Numbers, durations, tables and the user's own names in the words the pages use."""

from __future__ import annotations

import html
import math
import re
from typing import Any

import pandas as pd

from lstm_core.data.dataset import Dataset
from lstm_core.scoring.columns import ForecastColumn as Column
from lstm_core.scoring.metrics import RunMetrics
from ui.text import i18n

__all__ = [
    "METRIC_NAMES",
    "MODEL_NAMES",
    "baselines_caption",
    "chart_text",
    "dataset_facts",
    "duration",
    "metrics_table",
    "number",
    "plain",
    "skill_sentence",
    "time_label",
    "unit_summary",
]

MODEL_NAMES = {
    Column.LSTM: "LSTM",
    Column.NAIVE: "Naive",
    Column.SEASONAL_NAIVE: "Seasonal naive",
    Column.DRIFT: "Drift",
    Column.ETS: "ETS",
    Column.THETA: "Theta",
}
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


_MARKDOWN_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character


_AUTOLINK = re.compile(r"(?i)(www|https?|ftp|mailto)(?=\\[.:])|(?=\\@)")  # where GFM would start a bare link
_WORD_JOINER = "\u2060"  # invisible and unbreakable: it only stops a bare link from being recognised


def plain(text: object) -> str:
    """`text` (a column or file name, a note quoting one) escaped so Streamlit markdown shows it as typed.

    Every ASCII punctuation character gets a backslash (CommonMark's escape), so no `$...$` becomes
    LaTeX, no `[x](y)` a link, no `:red[...]` a colour and no `*`, `_` or `#` formatting; line breaks
    become spaces so a name cannot start a new block. Bare `www.`, `http://` and e-mail addresses are
    linked by GFM even when escaped, so an invisible word joiner goes before their `.`, `:` or `@`.
    """
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))
    return _AUTOLINK.sub(lambda match: match.group(0) + _WORD_JOINER, escaped)


def chart_text(text: object) -> str:
    """`text` for a Plotly title, legend or axis: its HTML-like tags (<b>, <br>, <a href>) shown, not obeyed."""
    return html.escape(str(text), quote=False)


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
    elif dataset.labels:  # the file's own labels, such as "1-01" → "3-12"
        span = f"{dataset.labels[0]} → {dataset.labels[-1]}"
    else:
        span = i18n.text("data.steps").format(n=len(index) - 1)
    return {
        i18n.text("data.length"): i18n.text("data.points").format(n=f"{len(dataset):,}"),
        i18n.text("data.frequency"): frequency_words(dataset.freq),
        i18n.text("data.range"): span,
    }


def metrics_table(metrics: RunMetrics) -> pd.DataFrame:
    """One row per model (LSTM, naive, seasonal naive, drift, ETS, Theta), one column per metric; None where
    undefined."""
    rows = {}
    for key, name in MODEL_NAMES.items():
        block = metrics.scores(key)
        if block is None:
            continue
        rows[name] = {label: getattr(block, metric) for metric, label in METRIC_NAMES.items()}
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(METRIC_NAMES.values())).astype(float)


def skill_sentence(metrics: RunMetrics) -> tuple[bool | None, str]:
    """(beats the strongest baseline, a plain sentence): the strongest baseline first, then the naive forecast.

    The strongest baseline is the one with the lowest test RMSE, ETS and Theta included ("ETS beats the LSTM by
    12% here"); a run scored before ETS and Theta existed is judged against the naive forecast only.
    """
    skill = metrics.skill_vs_naive
    lstm, naive = metrics.rmse(Column.LSTM), metrics.rmse(Column.NAIVE)
    if skill is None or lstm is None or naive is None:
        return None, "The LSTM's skill against the naive forecast could not be measured on this test part."
    strongest, against_strongest = _strongest_clause(metrics)
    beats = metrics.beats_naive if against_strongest is None else against_strongest
    if metrics.beats_naive:
        return beats, strongest + (
            f'The LSTM beats the naive forecast ("tomorrow = today"): its RMSE is {number(lstm)} against '
            f"{number(naive)}, a skill of {skill:.1%}.{_seasonal_clause(metrics)}"
        )
    return beats, strongest + (
        f'The LSTM does not beat the naive forecast ("tomorrow = today"): its RMSE is {number(lstm)} against '
        f"{number(naive)} (skill {skill:.1%}), so here the simple baseline is the better forecast. More epochs "
        "or another window may help; for a series close to a random walk, naive is hard to beat at all."
        f"{_seasonal_clause(metrics)}"
    )


def _strongest_clause(metrics: RunMetrics) -> tuple[str, bool | None]:
    """('ETS beats the LSTM by 12% here: ... ', False), or ('', None) when the strongest baseline is naive or
    unknown (the naive sentence then says it all)."""
    model, skill = metrics.strongest_baseline, metrics.skill_vs_strongest_baseline
    lstm, best = metrics.rmse(Column.LSTM), metrics.rmse(model) if model else None
    if not model or skill is None or lstm is None or best is None:
        return "", None
    if model == Column.NAIVE:
        return "", skill > 0
    name = MODEL_NAMES.get(model, model)
    form = (metrics.statistical_models or {}).get(model)
    what = f" ({form})" if form and form != name else ""
    if skill > 0:
        return (
            f"The LSTM beats every baseline here, the strongest included: {name}{what} by {skill:.0%} "
            f"(RMSE {number(lstm)} against {number(best)}). "
        ), True
    return (
        f"{name} beats the LSTM by {-skill:.0%} here: its RMSE is {number(best)} against the LSTM's "
        f"{number(lstm)}. {name}{what} is the strongest baseline on this test part, so a forecaster would use it "
        "rather than this network. "
    ), False


def baselines_caption(metrics: RunMetrics) -> str:
    """How the baselines forecast the test part, in a sentence or two (ETS and Theta with their fitted forms)."""
    season = metrics.season_length
    text = "Naive repeats the last value; drift extends the line from the first value through the last. " + (
        f"Seasonal naive repeats the value {season} steps back. " if season else "No season length: no seasonal naive. "
    )
    fitted = metrics.statistical_models
    if fitted is None:
        return text
    parts = [f"{MODEL_NAMES[model]}: {form}" for model, form in fitted.items() if form]
    if parts:
        text += (
            f"ETS (form chosen by AICc) and Theta are fitted on the data before the test part and predict each test "
            f"step from the values before it, their parameters fixed ({'; '.join(parts)}). "
        )
    left_out = [MODEL_NAMES[model] for model, form in fitted.items() if not form]
    if left_out:
        text += f"{' and '.join(left_out)} could not be fitted on the data before the test part. "
    return text.strip()


def _seasonal_clause(metrics: RunMetrics) -> str:
    """' Against the seasonal naive forecast ...' when there is one, else ''."""
    skill = metrics.skill_vs_seasonal_naive
    seasonal = metrics.rmse(Column.SEASONAL_NAIVE)
    season = metrics.season_length
    if skill is None or seasonal is None or not season:
        return ""
    verdict = "beats" if skill > 0 else "does not beat"
    return (
        f" The seasonal naive forecast (the value {season} steps earlier) has an RMSE of {number(seasonal)}: "
        f"the LSTM {verdict} it (skill {skill:.1%})."
    )


def seed_spread_table(metrics: RunMetrics) -> pd.DataFrame | None:
    """A seed ensemble's LSTM scores and skills as mean and sd across seeds (rows), or None for one seed."""
    spread = metrics.seed_spread
    if not spread:
        return None
    rows = {label: spread["lstm"][metric] for metric, label in METRIC_NAMES.items()}
    rows["Skill vs naive"] = spread["skill_vs_naive"]
    rows["Skill vs seasonal naive"] = spread["skill_vs_seasonal_naive"]
    table = pd.DataFrame.from_dict(rows, orient="index", columns=["mean", "sd"]).astype(float)
    table.columns = ["Mean across seeds", "SD across seeds"]
    return table


def seed_spread_sentence(metrics: RunMetrics) -> str | None:
    """What the seed spread means for this run, in one or two sentences; None for one seed."""
    spread = metrics.seed_spread
    if not spread:
        return None
    seeds = metrics.seeds or len(spread["per_seed"])
    rmse, skill = spread["lstm"]["rmse"], spread["skill_vs_naive"]
    if rmse["mean"] is None:
        return f"{seeds} seeds were trained; their scores could not all be measured."
    text = (
        f"{seeds} seeds were trained together; the forecast above is their mean "
        f"(RMSE {number(metrics.rmse(Column.LSTM))}). "
        f"One seed alone scores RMSE {number(rmse['mean'])} ± {number(rmse['sd'])} (mean ± sd across seeds)"
    )
    if skill["mean"] is not None:
        text += f", skill against naive {skill['mean']:.1%} ± {skill['sd']:.1%}"
    return text + (
        ". A difference between two settings smaller than about two of these sds may be seed noise, not the settings."
    )


def unit_summary(gates: dict[str, Any]) -> pd.DataFrame:
    """Per unit, over the window: the mean of each gate (an LSTM's i, f, o; a GRU's z, r), an LSTM's mean |c|, and
    the last h."""
    first = {name: value[0] for name, value in gates.items()}  # each (window, units)
    units = first["h"].shape[1]
    columns = {f"mean {name}": first[name].mean(axis=0) for name in ("i", "f", "o", "z", "r") if name in first}
    if "c" in first:
        columns["mean |c|"] = abs(first["c"]).mean(axis=0)
    return pd.DataFrame(
        {**columns, "last h": first["h"][-1]},
        index=pd.Index([f"unit {u}" for u in range(units)], name="unit"),
    ).round(3)
