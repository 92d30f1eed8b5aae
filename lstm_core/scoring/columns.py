"""The names of a forecast frame's columns and parts, written once.

A run's forecast (`experiment.Run.forecast`, forecast.csv, the store's `forecast.csv`) and a backtest's rows
(backtest.csv) are frames whose columns are named here: `actual`, each model (`lstm`, `naive`,
`seasonal_naive`, `drift`, `ets`, `theta`), `part` ("test" or "future"), a backtest's `fold`, `origin`, `step`
and `time`, and the families made from a number: `lower_<L>`/`upper_<L>` (a prediction interval at level L,
`level_name`) and `lstm_seed_<seed>` (one member of a seed ensemble). The same model names key the metrics'
score blocks.
StrEnum members are their strings: `ForecastColumn.LSTM == "lstm"`, and files and JSON are unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from lstm_core.scoring.conformal import level_name

__all__ = [
    "BASELINES",
    "MODELS",
    "STATISTICAL",
    "ForecastColumn",
    "ForecastPart",
    "band_levels",
    "is_band_column",
    "is_seed_column",
    "lower_column",
    "seed_column",
    "upper_column",
]

_LOWER, _UPPER, _SEED = "lower_", "upper_", "lstm_seed_"


class ForecastColumn(StrEnum):
    """A column of a forecast or backtest frame (the families `lower_<L>`, `upper_<L>`, `lstm_seed_<seed>` are
    made by the functions below)."""

    TIME = "time"  # the index of a run's forecast; a column of backtest rows
    PART = "part"  # ForecastPart: a test row or a future row
    ACTUAL = "actual"
    LSTM = "lstm"
    NAIVE = "naive"
    SEASONAL_NAIVE = "seasonal_naive"
    DRIFT = "drift"
    ETS = "ets"  # exponential smoothing, its form chosen by AICc (scoring.statistical)
    THETA = "theta"  # the Theta method (scoring.statistical)
    FOLD = "fold"  # backtest rows: the fold (1-based), its origin's time and the step from it (1-based)
    ORIGIN = "origin"
    STEP = "step"


class ForecastPart(StrEnum):
    """The `part` of a run's forecast row: a one-step prediction of the test part, or a step into the future."""

    TEST = "test"
    FUTURE = "future"


# Every forecast scored on the test part, the LSTM first; the baselines are the rest.
MODELS: tuple[ForecastColumn, ...] = (
    ForecastColumn.LSTM,
    ForecastColumn.NAIVE,
    ForecastColumn.SEASONAL_NAIVE,
    ForecastColumn.DRIFT,
    ForecastColumn.ETS,
    ForecastColumn.THETA,
)
STATISTICAL: tuple[ForecastColumn, ...] = (ForecastColumn.ETS, ForecastColumn.THETA)  # fitted, not rules
BASELINES: tuple[ForecastColumn, ...] = MODELS[1:]


def lower_column(level: float) -> str:
    """80.0 -> "lower_80": the lower edge of the band at `level` percent."""
    return f"{_LOWER}{level_name(level)}"


def upper_column(level: float) -> str:
    """80.0 -> "upper_80": the upper edge of the band at `level` percent."""
    return f"{_UPPER}{level_name(level)}"


def seed_column(seed: int) -> str:
    """3 -> "lstm_seed_3": one seed ensemble member's predictions."""
    return f"{_SEED}{seed}"


def is_band_column(name: str) -> bool:
    return str(name).startswith((_LOWER, _UPPER))


def is_seed_column(name: str) -> bool:
    return str(name).startswith(_SEED)


def band_levels(columns: Iterable[str]) -> list[str]:
    """The levels ("80", "97.5") that have a `lower_<L>` column, in column order."""
    return [str(name).removeprefix(_LOWER) for name in columns if str(name).startswith(_LOWER)]
