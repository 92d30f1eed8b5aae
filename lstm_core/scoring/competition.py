"""The forecasting competitions' conventions: Naive2, OWA, and a mean with its bootstrap interval over series.

- `naive2_forecast(train, h, season)`: M4's Naive2. When the autocorrelation at the season is significant at 90%
  (`statistical.seasonal_test`, the M3/M4 test), the training part is divided by the seasonal indices of a
  classical multiplicative decomposition, the last adjusted value is repeated and the indices multiplied back
  in; otherwise (or for data that is not strictly positive) it is the naive forecast.
- `owa(smape, mase, smape_naive2, mase_naive2)`: M4's overall weighted average, the mean of the two ratios of a
  method's mean sMAPE and mean MASE to Naive2's (below 1: better than Naive2).
- `mean_interval(values, seed)`: the mean over series and a 95% percentile bootstrap interval (resampling series,
  1,000 draws, seeded), None values left out.
"""

from __future__ import annotations

import numpy as np

from lstm_core.scoring.statistical import seasonal_test

__all__ = ["BOOTSTRAP_DRAWS", "mean_interval", "naive2_forecast", "owa", "seasonal_indices"]

BOOTSTRAP_DRAWS = 1000


def seasonal_indices(train: np.ndarray, season_length: int) -> np.ndarray:
    """Multiplicative seasonal indices of a classical decomposition, for positions 0 .. m-1 of `train`: (m,)."""
    values = np.asarray(train, dtype=np.float64)  # (n,)
    m = int(season_length)
    kernel = np.full(m + 1, 1.0 / m) if m % 2 == 0 else np.full(m, 1.0 / m)
    if m % 2 == 0:  # a centred 2 x m moving average
        kernel[0] = kernel[-1] = 0.5 / m
    trend = np.convolve(values, kernel, mode="valid")  # (n - len(kernel) + 1,)
    offset = (len(kernel) - 1) // 2
    ratios = values[offset : offset + len(trend)] / trend  # (n - 2·offset,)
    phases = (np.arange(len(ratios)) + offset) % m
    indices = np.array([ratios[phases == p].mean() for p in range(m)])  # (m,)
    return indices / indices.mean()  # normalised to average 1


def naive2_forecast(train: np.ndarray, horizon: int, season_length: int | None) -> np.ndarray:
    """M4's Naive2 forecast of `horizon` steps from the end of `train`: (horizon,)."""
    values = np.asarray(train, dtype=np.float64)  # (n,)
    m = int(season_length or 1)
    if m <= 1 or not np.all(values > 0) or not seasonal_test(values, m):
        return np.full(horizon, values[-1])
    indices = seasonal_indices(values, m)  # (m,)
    n = len(values)
    last = values[-1] / indices[(n - 1) % m]
    return last * indices[(n + np.arange(horizon)) % m]  # (horizon,)


def owa(smape: float | None, mase: float | None, smape_naive2: float | None, mase_naive2: float | None) -> float | None:
    """The mean of sMAPE/sMAPE(Naive2) and MASE/MASE(Naive2); None where a term is missing or Naive2's is 0."""
    if None in (smape, mase, smape_naive2, mase_naive2) or not smape_naive2 or not mase_naive2:
        return None
    return 0.5 * (smape / smape_naive2 + mase / mase_naive2)


def mean_interval(values: list[float | None] | np.ndarray, seed: int = 0) -> dict[str, float | list | None]:
    """{"mean": x, "ci95": [lo, hi], "n": k} over the values that are not None (a bootstrap over series)."""
    known = np.array([v for v in values if v is not None and np.isfinite(v)], dtype=np.float64)  # (k,)
    if not len(known):
        return {"mean": None, "ci95": [None, None], "n": 0}
    draws = np.random.default_rng(seed).integers(0, len(known), size=(BOOTSTRAP_DRAWS, len(known)))
    means = known[draws].mean(axis=1)  # (draws,)
    low, high = np.percentile(means, [2.5, 97.5])
    return {"mean": float(known.mean()), "ci95": [float(low), float(high)], "n": len(known)}
