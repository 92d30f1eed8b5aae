"""Why an LSTM forecast is as good or bad as it is, in plain sentences, each with its number.

Pure NumPy, from the series, the test predictions and the settings:

- `copies`: the lag (0-3) at which the one-step test predictions best match the actual series
  (lowest RMSE). Lag 1 with skill near zero means the network learned persistence.
- `window_shorter_than_season`: the window cannot reach last season's value.
- `residual_autocorrelation`: the test errors' autocorrelation at lags 1..season (or 1..10
  without a season) against white noise's band ±z/√n, z chosen so that noise crosses it at any
  of the L lags checked only 5% of the time (z = Φ⁻¹(1 - 0.025/L), Bonferroni): what structure is left.

`diagnose(...)` returns a list of `Diagnostic(code, value, sentence, suggestion)`; `to_dict()` is what
`metrics.json` holds under `diagnostics`. A `suggestion` is what the sentence advises, as settings to change (names of
`config.settings` fields: `{"window": 12}`, `{"difference": "seasonal"}`); empty when the sentence advises nothing a
setting can do (and then left out of `to_dict()`, so files written before suggestions read and write back the same).
The Forecast page applies a suggestion to the Train form with one button.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np

__all__ = ["Diagnostic", "autocorrelation", "copies", "diagnose", "lag_rmse", "noise_band"]

MAX_COPY_LAG = 3
NEAR_ZERO_SKILL = 0.05  # |skill vs naive| below this: no better or worse than repeating the last value
CLEAR_COPY = 0.8  # an earlier value fits clearly better when its RMSE is below this fraction of the lag-0 RMSE
DEFAULT_ACF_LAGS = 10  # lags checked without a season


@dataclass(frozen=True)
class Diagnostic:
    """One finding: its `code`, its number, a sentence for the user, and the settings it suggests changing."""

    code: str
    value: float
    sentence: str
    suggestion: tuple[tuple[str, Any], ...] = ()  # (setting, value) pairs; a mapping (from JSON) is turned into these

    def __post_init__(self) -> None:
        pairs = self.suggestion.items() if isinstance(self.suggestion, Mapping) else self.suggestion
        object.__setattr__(self, "suggestion", tuple((str(name), value) for name, value in pairs))

    @property
    def settings(self) -> dict[str, Any]:
        """The suggestion as settings to change: `{"window": 12}`; {} for none."""
        return dict(self.suggestion)

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"code": self.code, "value": self.value, "sentence": self.sentence}
        if self.suggestion:
            out["suggestion"] = self.settings
        return out


def _differences(season: int | None, difference: str) -> dict[str, Any]:
    """The differences to try next: seasonal ones on a seasonal series, else first ones; {} when already on."""
    if season and season > 1 and difference != "seasonal":
        return {"difference": "seasonal"}
    return {"difference": "first"} if difference == "none" else {}


def lag_rmse(target: np.ndarray, start: int, predicted: np.ndarray, max_lag: int = MAX_COPY_LAG) -> np.ndarray:
    """RMSE between the prediction for t and the actual value at t - k, for k = 0..max_lag: (max_lag + 1,).

    `predicted` (N,) forecasts positions [start, start + N) of `target` (T,); needs start >= max_lag.
    """
    target = np.asarray(target, dtype=np.float64)
    predicted = np.asarray(predicted, dtype=np.float64)
    n = len(predicted)
    return np.array(
        [math.sqrt(np.mean((predicted - target[start - k : start - k + n]) ** 2)) for k in range(max_lag + 1)]
    )


def autocorrelation(values: np.ndarray, max_lag: int) -> np.ndarray:
    """Sample autocorrelation at lags 1..max_lag (the usual estimator, divided by the lag-0 sum): (max_lag,)."""
    values = np.asarray(values, dtype=np.float64)
    centred = values - values.mean()
    denominator = float(np.sum(centred**2))
    if denominator == 0:
        return np.zeros(max_lag)
    return np.array([float(np.sum(centred[k:] * centred[:-k])) / denominator for k in range(1, max_lag + 1)])


def copies(
    target: np.ndarray,
    start: int,
    predicted: np.ndarray,
    skill: float | None,
    *,
    season: int | None = None,
    difference: str = "none",
) -> Diagnostic:
    """Which earlier value the predictions resemble most, and what that means (late predictions suggest differences:
    seasonal ones with a season, else first ones)."""
    errors = lag_rmse(target, start, predicted)
    lag = int(np.argmin(errors))
    suggestion: dict[str, Any] = {}
    if lag > 0 and errors[lag] >= CLEAR_COPY * errors[0]:
        sentence = (
            f"No earlier value fits the predictions clearly better than the values they predict (RMSE "
            f"{errors[lag]:.4g} at lag {lag}, {errors[0]:.4g} at lag 0): the predictions barely follow the series "
            "at all; train longer or check the settings."
        )
    elif lag == 0:
        sentence = (
            f"The predictions match the values they predict better than any earlier value (RMSE {errors[0]:.4g}; "
            f"against the value one step before: {errors[1]:.4g}): the network is not simply copying the last value."
        )
    else:
        steps = "1 step" if lag == 1 else f"{lag} steps"
        sentence = (
            f"The predictions follow the series {steps} late: they are closest to the actual value {steps} before "
            f"(RMSE {errors[lag]:.4g}, against {errors[0]:.4g} for the value being predicted)."
        )
        if lag == 1 and (skill is None or abs(skill) < NEAR_ZERO_SKILL):
            skill_text = "undefined" if skill is None else f"{skill:+.1%}"
            sentence += (
                f" With skill against naive {skill_text}, the network has learned persistence: it repeats the last "
                "value. Try predicting differences (seasonal ones on a seasonal series), a longer window, more "
                "epochs or a smaller learning rate."
            )
        else:
            sentence += (
                " The network leans on recent values more than on the pattern; more epochs or differences may help."
            )
        suggestion = _differences(season, difference)
    return Diagnostic("copies", float(lag), sentence, tuple(suggestion.items()))


def window_shorter_than_season(window: int, season: int | None, difference: str) -> Diagnostic | None:
    """A sentence when the window cannot see last season's value (and seasonal differences do not supply it)."""
    if not season or window >= season or difference == "seasonal":
        return None
    return Diagnostic(
        "window_shorter_than_season",
        float(window),
        f"The window ({window} steps) is shorter than the season ({season} steps): the network cannot see last "
        f"season's value. Use a window of at least {season}, or seasonal differences, which add last season's "
        "value back for it.",
        (("window", season),),
    )


def residual_autocorrelation(
    residuals: np.ndarray, season: int | None, *, window: int | None = None, difference: str = "none"
) -> Diagnostic | None:
    """The strongest autocorrelation left in the test errors, against white noise's band; None if too few points.

    The suggestion follows the sentence: seasonal structure left, seasonal differences (or a window of a season when
    they are on); errors that persist, differences; a pattern k steps apart, a window of k + 1.
    """
    residuals = np.asarray(residuals, dtype=np.float64)
    n = len(residuals)
    max_lag = min(season or DEFAULT_ACF_LAGS, n // 2)
    if max_lag < 1 or n < 8:
        return None
    acf = autocorrelation(residuals, max_lag)  # (max_lag,)
    band = noise_band(n, max_lag)
    strongest = int(np.argmax(np.abs(acf))) + 1
    value = float(acf[strongest - 1])
    significant = [k + 1 for k in range(max_lag) if abs(acf[k]) > band]
    where = f"lags 1–{max_lag}" if max_lag > 1 else "lag 1"
    if not significant:
        return Diagnostic(
            "residual_autocorrelation",
            value,
            f"No autocorrelation stands out in the test errors at {where} (strongest {value:+.2f} at lag {strongest}; "
            f"within ±{band:.2f}, the range of noise for {n} points at {max_lag} lags): what is left looks like noise.",
        )
    ranked = sorted(significant, key=lambda k: -abs(acf[k - 1]))[:3]
    suggestion: dict[str, Any] = {}
    listed = ", ".join(f"{acf[k - 1]:+.2f} at lag {k}" for k in ranked)
    sentence = (
        f"The test errors are still autocorrelated ({listed}; noise for {n} points at {max_lag} lags stays "
        f"within ±{band:.2f})."
    )
    if 1 in significant and acf[0] > 0:
        sentence += (
            " Errors persist from one step to the next, so the forecast trails the level: try predicting "
            "differences or a longer window."
        )
        suggestion = {"difference": "first"} if difference == "none" else {}
    elif 1 in significant:
        sentence += " Errors flip sign from one step to the next: the forecast over-reacts to the last change."
    if season and season in significant:
        sentence += (
            f" Seasonal structure is left ({acf[season - 1]:+.2f} at lag {season}): try seasonal differences or a "
            f"window of at least {season}."
        )
        if difference != "seasonal":
            suggestion = {"difference": "seasonal"}
        elif window is not None and window < season:
            suggestion = {"window": season}
    elif 1 not in significant:
        sentence += (
            f" A pattern {strongest} steps apart is left unexplained: a window of at least {strongest + 1} may help."
        )
        if window is not None and window < strongest + 1:
            suggestion = {"window": strongest + 1}
    return Diagnostic("residual_autocorrelation", value, sentence, tuple(suggestion.items()))


def noise_band(n: int, lags: int) -> float:
    """The autocorrelation white noise of n points stays within at all `lags` lags checked, 95% of the time."""
    return NormalDist().inv_cdf(1.0 - 0.025 / lags) / math.sqrt(n)


def diagnose(
    *,
    target: np.ndarray,
    start: int,
    predicted: np.ndarray,
    window: int,
    season: int | None,
    skill: float | None,
    difference: str = "none",
) -> list[Diagnostic]:
    """Every diagnostic that applies to one-step predictions `predicted` of `target[start:]`; [] if not finite."""
    target = np.asarray(target, dtype=np.float64)  # (T,)
    predicted = np.asarray(predicted, dtype=np.float64)  # (N_test,)
    out: list[Diagnostic] = []
    if len(predicted) and np.isfinite(predicted).all() and start >= MAX_COPY_LAG:
        out.append(copies(target, start, predicted, skill, season=season, difference=difference))
    shorter = window_shorter_than_season(window, season, difference)
    if shorter is not None:
        out.append(shorter)
    if len(predicted) and np.isfinite(predicted).all():
        errors = target[start : start + len(predicted)] - predicted  # (N_test,)
        residuals = residual_autocorrelation(errors, season, window=window, difference=difference)
        if residuals is not None:
            out.append(residuals)
    return out
