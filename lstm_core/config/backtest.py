"""A walk-forward backtest's own settings (`BacktestConfig`), beside an experiment's (lstm_core.config.settings)."""

from __future__ import annotations

from dataclasses import dataclass

from lstm_core.config.setting import setting, validate_settings
from lstm_core.config.settings import LIMITS, STRATEGIES, WINDOW_TYPES
from lstm_core.errors import LabError

__all__ = ["BacktestConfig"]


@dataclass(frozen=True)
class BacktestConfig:
    """A walk-forward backtest: forecast origins from `start` to the end every `stride` steps.

    `start`: a fraction of the series in (0, 1) or a date; `horizon`: steps forecast from each origin;
    `window_type`: the training data grows with the origin ("expanding") or keeps its length ("sliding");
    `retrain`: "never" (train once before the first origin, then roll forward) or every K folds
    (a whole number as text, e.g. "5"); `strategy`: feed predictions back ("recursive") or one output
    per horizon step ("direct").
    """

    start: str = setting(
        "0.7",
        kind="text",
        label="First origin (fraction of the series or a date)",
        help="first forecast origin: a fraction of the series (e.g. 0.7) or a date (e.g. 1958-01-01)",
    )
    horizon: int = setting(
        12,
        kind="int",
        low=1,
        high=LIMITS["forecast_steps"],
        label="Horizon (steps forecast per fold)",
        help="steps forecast from each origin",
    )
    stride: int = setting(
        1, kind="int", low=1, high=100_000, label="Stride (steps between origins)", help="steps between two origins"
    )
    window_type: str = setting(
        "expanding",
        kind="choice",
        choices=WINDOW_TYPES,
        label="Training window",
        help="training data before each origin: all of it, or a fixed length",
    )
    retrain: str = setting(
        "never",
        kind="text",
        label="Retrain (never, or every K folds)",
        help="`never` (train once, roll forward) or K: retrain every K folds",
    )
    strategy: str = setting(
        "recursive",
        kind="choice",
        choices=STRATEGIES,
        label="Multi-step strategy",
        help="multi-step forecasts: feed predictions back, or one output per step",
    )

    def __post_init__(self) -> None:
        if isinstance(self.start, (int, float)) and not isinstance(self.start, bool):
            object.__setattr__(self, "start", repr(float(self.start)))
        if isinstance(self.retrain, int) and not isinstance(self.retrain, bool):
            object.__setattr__(self, "retrain", str(self.retrain))
        validate_settings(self)
        start = self.start_fraction
        if start is not None and not 0.0 < start < 1.0:
            raise LabError(f"`start` must be a fraction in (0, 1) or a date. Received: start={self.start!r}")
        if start is None:
            try:
                import pandas as pd

                pd.Timestamp(self.start)
            except (ValueError, TypeError):
                raise LabError(
                    f"`start` must be a fraction in (0, 1) or a date. Received: start={self.start!r}"
                ) from None
        if self.retrain != "never" and (not self.retrain.isdigit() or int(self.retrain) < 1):
            raise LabError(
                "`retrain` must be `never` or a whole number of folds of at least 1. "
                f"Received: retrain={self.retrain!r}"
            )

    @property
    def start_fraction(self) -> float | None:
        """`start` as a fraction of the series, or None when it is a date."""
        try:
            return float(self.start)
        except ValueError:
            return None

    @property
    def retrain_every(self) -> int | None:
        """Retrain every this many folds, or None for never."""
        return None if self.retrain == "never" else int(self.retrain)
