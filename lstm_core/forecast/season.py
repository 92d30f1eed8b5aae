"""A series' season, decided once for a run, a backtest and a sweep alike.

The season is `forecast.season_length` when it is set, else the one the series' source states (a competition
series' period), else the usual one for its date frequency (12 for monthly, 7 for daily, ...), else None: no
season. It drives the seasonal naive forecast, ETS's and Theta's seasonality, and seasonal differences.
"""

from __future__ import annotations

from lstm_core.config.settings import ExperimentConfig
from lstm_core.data.dataset import Dataset
from lstm_core.scoring.baselines import season_length_for

__all__ = ["season_length"]


def season_length(dataset: Dataset, config: ExperimentConfig) -> int | None:
    """The season of `dataset` under `config` (see the module docstring), or None."""
    return config.forecast.season_length or dataset.season_length or season_length_for(dataset.freq)
