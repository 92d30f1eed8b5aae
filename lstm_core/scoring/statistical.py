"""The forecasters' baselines: automatic exponential smoothing (ETS) and the Theta method, via statsmodels.

Contract: pure functions on 1-D arrays in the user's units and a season length (None or 1: no season).
`fit_ets(train, season)` and `fit_theta(train, season)` fit on a training part and return a frozen fit
(None when the part is too short or nothing fits), which holds only numbers, no statsmodels or pandas state.
Every method of a fit takes `values` that begin where the fitted part began:

- `fit.one_step(values, start)`: predictions for positions [start, T) of `values`, each from the values
  before it, with the parameters fixed at the fit (nothing is re-estimated, so a value at or after a
  position never changes its prediction). The same task as the LSTM's one-step test predictions.
- `fit.forecast(history, horizon)`: the H-step forecast from the end of `history`, parameters fixed.

ETS is chosen as R's `forecast::ets` chooses (Hyndman et al. 2002, 2008): error additive or multiplicative,
trend none, additive or additive damped, season none, additive or multiplicative; multiplicative error or
season only for strictly positive data; no additive error with a multiplicative season and no multiplicative
trend (R's defaults `restrict = TRUE`, `allow.multiplicative.trend = FALSE`); no season when the season
length is 1, above 24 (as R) or the part is shorter than two seasons; a form only where the part has at least
four points more than the form has parameters. The form with the lowest AICc wins, its parameters and
initial states estimated by maximum likelihood (statsmodels `ETSModel`, `initialization_method="estimated"`).
A training part longer than `MAX_ETS_POINTS` is fitted on its last `MAX_ETS_POINTS` values (an hourly series of
five years would take about ten seconds otherwise; the smoothing parameters are as well determined by two thousand
points, and the initial states of the first hour of 2010 do not matter to a forecast of 2014); the fit remembers
how many leading values it left out, and every method leaves them out of the `values` it is given too.
To stay under a second a series, every admissible form is first fitted with heuristic initial states (a few
milliseconds each), scored by AICc counting the initial states as parameters, and only the `keep` best are
fitted in full; the winner is the full fit with the lowest AICc. Fits ask statsmodels for their parameters only
(`fit(return_params=True)`) and score them with the model's own log-likelihood and ETSResults' AICc (degrees of
freedom: the parameters plus one), which skips the results object's smoothing pass and its numerical covariance
matrix, about a fifth of a fit's time, and gives the same numbers. One-step predictions over later values are
`ETSModel(values, form).smooth(params)`'s fitted values.

Theta is the method of Assimakopoulos and Nikolopoulos (2000) as statsmodels' `ThetaModel` fits it (the M3
method): when the series has a season, the autocorrelation at the season is tested at 90% as R's `thetaf`
tests it (`seasonal_test`) and, if significant, the series is divided (or, for non-positive data, reduced)
by classical decomposition's seasonal indices; then simple exponential smoothing (alpha, started at the
first value) plus half the slope b0 of a straight line fitted by least squares (theta = 2). The one-step
prediction at position t is what `ThetaModel(...).fit()` would forecast one step ahead from the first t
values if its alpha, b0 and seasonal indices were held at the training fit's: the smoothing runs on over the
seasonally adjusted actual values, the drift term uses n = t, and the index of position t reseasonalises.
`forecast(history, h)` does the same for h steps; on the training part itself it equals
`ThetaModel.fit().forecast(h)` exactly.
"""

from __future__ import annotations

import functools
import hashlib
import math
import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from lstm_core.scoring.columns import ForecastColumn

__all__ = [
    "MAX_ETS_POINTS",
    "MAX_ETS_SEASON",
    "EtsFit",
    "EtsForm",
    "Fit",
    "PredictedFit",
    "ThetaFit",
    "ets_forms",
    "fit_baselines",
    "fit_ets",
    "fit_theta",
    "seasonal_test",
]

MAX_ETS_SEASON = 24  # R's ets ignores a longer season ("I can't handle data with frequency greater than 24")
_KEEP = 3  # forms fitted in full after the heuristic screen
MAX_ETS_POINTS = 2_000  # the last values of a longer training part are what ETS is fitted on (module docstring)


@dataclass(frozen=True)
class EtsForm:
    """One ETS form: error "add"/"mul", trend None/"add", damped, season None/"add"/"mul" with its length."""

    error: str
    trend: str | None
    damped: bool
    seasonal: str | None
    season_length: int | None

    @property
    def name(self) -> str:
        """R's notation: "ETS(M,Ad,M)"."""
        letter = {None: "N", "add": "A", "mul": "M"}
        trend = letter[self.trend] + ("d" if self.damped else "")
        return f"ETS({letter[self.error]},{trend},{letter[self.seasonal]})"

    @property
    def parameters(self) -> int:
        """Parameters estimated in full, with sigma: smoothing (and phi) plus initial states, as statsmodels counts."""
        smoothing = 1 + (self.trend is not None) + (self.seasonal is not None) + self.damped
        states = 1 + (self.trend is not None) + (self.season_length or 0) * (self.seasonal is not None)
        return smoothing + states + 1

    def model(self, values: np.ndarray, initialization: str = "estimated") -> Any:
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel

        return ETSModel(
            values,
            error=self.error,
            trend=self.trend,
            damped_trend=self.damped,
            seasonal=self.seasonal,
            seasonal_periods=self.season_length if self.seasonal else None,
            initialization_method=initialization,
        )


@dataclass(frozen=True)
class EtsFit:
    """A fitted ETS form: its parameters in statsmodels' order (initial states included) and its AICc."""

    form: EtsForm
    params: tuple[float, ...]
    aicc: float
    length: int  # points fitted on
    skip: int = 0  # leading values of the training part left out of the fit (longer than MAX_ETS_POINTS)

    @property
    def name(self) -> str:
        return self.form.name

    def one_step(self, values: np.ndarray, start: int) -> np.ndarray:
        """Predictions for positions [start, T) of `values`, each from the values before it: (T - start,)."""
        if start < self.skip:
            raise ValueError(f"`start` must be at least {self.skip}, where the fit began. Received: start={start}")
        values = _series(values)[self.skip :]  # (T - skip,)
        with _quiet():
            fitted = self.form.model(values).smooth(np.asarray(self.params)).fittedvalues
        return np.asarray(fitted, dtype=np.float64)[start - self.skip :]  # (T - start,)

    def forecast(self, history: np.ndarray, horizon: int) -> np.ndarray:
        """The `horizon`-step forecast from the end of `history`: (horizon,)."""
        return self.forecasts(history, np.array([len(history)]), horizon)[0]

    def forecasts(self, values: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
        """The `horizon`-step forecast from each origin (a position of `values`), from the values before it: (K, H).

        One smoothing pass up to the last origin; each forecast is then the ETS point forecast from the states
        after the value before its origin, (l + (φ + … + φ^h)·b) with the last season's index added or
        multiplied in (no error term, as statsmodels' `forecast`).
        """
        origins = np.asarray(origins, dtype=np.int64) - self.skip  # (K,) positions in the fitted part's frame
        if origins.min() < 1:
            raise ValueError(f"Every origin must be after position {self.skip}, where the fit began.")
        values = _series(values)[self.skip : self.skip + int(origins.max())]  # nothing at or after the last origin
        with _quiet():
            smoothed = self.form.model(values).smooth(np.asarray(self.params))
        last = origins - 1  # (K,) the position of the last value each forecast sees
        steps = np.arange(1, horizon + 1)  # (H,)
        path = np.asarray(smoothed.level, dtype=np.float64)[last][:, None] * np.ones(horizon)  # (K, H)
        if self.form.trend:
            phi = float(smoothed.phi) if self.form.damped else 1.0
            damped = np.cumsum(phi**steps) if self.form.damped else steps.astype(np.float64)  # (H,)
            path = path + np.asarray(smoothed.slope, dtype=np.float64)[last][:, None] * damped
        if self.form.seasonal:
            m = int(self.form.season_length)
            back = steps - m * np.ceil(steps / m).astype(np.int64)  # (H,) in [1 - m, 0]: the same phase, last season
            index = np.asarray(smoothed.season, dtype=np.float64)[last[:, None] + back]  # (K, H)
            path = path * index if self.form.seasonal == "mul" else path + index
        return path  # (K, H)


@dataclass(frozen=True)
class ThetaFit:
    """A fitted Theta method: SES alpha, the trend slope b0, the seasonal indices (empty: none) and their kind."""

    alpha: float
    b0: float
    seasonal: tuple[float, ...]  # indices for positions 0 .. m-1 of the fitted part, repeating
    method: str  # "mul" (divide by the index) or "add" (subtract it)
    length: int
    theta: float = 2.0

    @property
    def name(self) -> str:
        if not self.seasonal:
            return "Theta"
        return f"Theta (seasonally adjusted, {'multiplicative' if self.method == 'mul' else 'additive'})"

    def _index(self, positions: np.ndarray) -> np.ndarray:
        indices = np.asarray(self.seasonal, dtype=np.float64)
        if not len(indices):
            return np.ones(np.shape(positions)) if self.method == "mul" else np.zeros(np.shape(positions))
        return indices[positions % len(indices)]

    def _adjust(self, values: np.ndarray) -> np.ndarray:
        index = self._index(np.arange(len(values)))
        return values / index if self.method == "mul" else values - index

    def _reseason(self, adjusted: np.ndarray, positions: np.ndarray) -> np.ndarray:
        index = self._index(positions)
        return adjusted * index if self.method == "mul" else adjusted + index

    def _levels(self, adjusted: np.ndarray) -> np.ndarray:
        """SES levels after each value, started at the first value: (T,)."""
        from scipy.signal import lfilter

        a = self.alpha
        out, _ = lfilter([a], [1.0, -(1.0 - a)], adjusted, zi=[(1.0 - a) * adjusted[0]])
        return out

    def _drift(self, n: np.ndarray, steps: np.ndarray) -> np.ndarray:
        """The theta line's share of the slope for h = steps from an origin after n values."""
        a, weight = self.alpha, (self.theta - 1.0) / self.theta
        h = steps - 1.0
        if a > 0:
            h = h + 1.0 / a - (1.0 - a) ** n / a
        return weight * self.b0 * h

    def one_step(self, values: np.ndarray, start: int) -> np.ndarray:
        """Predictions for positions [start, T) of `values`, each from the values before it: (T - start,)."""
        values = _series(values)  # (T,)
        if start < 1:
            raise ValueError(f"`start` must be at least 1. Received: start={start}")
        levels = self._levels(self._adjust(values))  # (T,): levels[t] after values[: t + 1]
        t = np.arange(start, len(values))
        adjusted = levels[t - 1] + self._drift(t.astype(np.float64), np.ones(len(t)))
        return self._reseason(adjusted, t)  # (T - start,)

    def forecast(self, history: np.ndarray, horizon: int) -> np.ndarray:
        """The `horizon`-step forecast from the end of `history`: (horizon,)."""
        return self.forecasts(history, np.array([len(history)]), horizon)[0]

    def forecasts(self, values: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
        """The `horizon`-step forecast from each origin (a position of `values`), from the values before it: (K, H)."""
        origins = np.asarray(origins, dtype=np.int64)  # (K,)
        values = _series(values)[: int(origins.max())]  # nothing at or after the last origin is read
        levels = self._levels(self._adjust(values))  # (T,)
        steps = np.arange(1, horizon + 1, dtype=np.float64)  # (H,)
        adjusted = levels[origins - 1][:, None] + self._drift(origins[:, None].astype(np.float64), steps)  # (K, H)
        return self._reseason(adjusted, origins[:, None] + np.arange(horizon))  # (K, H)


@dataclass(frozen=True, eq=False)
class PredictedFit:
    """A fit's answers for one series, computed where it was fitted: its one-step predictions over [start, T) and
    its forecast of the next steps from the series' end. Whoever receives it (the app's server, from a worker)
    answers `one_step` and `forecast` for that series without statsmodels or SciPy (about 75 MiB imported)."""

    name: str
    length: int  # T: the series these answers are for
    start: int
    one_step_values: np.ndarray  # (T - start,)
    forecast_values: np.ndarray  # (steps,)

    @classmethod
    def of(cls, fit: EtsFit | ThetaFit, values: np.ndarray, start: int, steps: int) -> PredictedFit:
        values = _series(values)  # (T,)
        future = fit.forecast(values, steps) if steps else np.empty(0)  # (steps,)
        return cls(fit.name, len(values), start, fit.one_step(values, start), np.asarray(future, dtype=np.float64))

    def one_step(self, values: np.ndarray, start: int) -> np.ndarray:
        self._check(values, start=start)
        return self.one_step_values.copy()

    def forecast(self, history: np.ndarray, horizon: int) -> np.ndarray:
        self._check(history, horizon=horizon)
        return self.forecast_values.copy()

    def _check(self, values: np.ndarray, *, start: int | None = None, horizon: int | None = None) -> None:
        steps = len(self.forecast_values)
        if len(values) != self.length or start not in (None, self.start) or horizon not in (None, steps):
            raise ValueError(
                f"A PredictedFit answers only for the series it was made for (length {self.length}, start "
                f"{self.start}, {len(self.forecast_values)} steps). Received: length={len(values)}, start={start}, "
                f"horizon={horizon}"
            )


Fit = EtsFit | ThetaFit | PredictedFit


def fit_baselines(train: np.ndarray, season_length: int | None = None) -> dict[ForecastColumn, Fit | None]:
    """ETS and Theta fitted on `train`, keyed by their forecast column (None where one cannot be fitted)."""
    return {ForecastColumn.ETS: fit_ets(train, season_length), ForecastColumn.THETA: fit_theta(train, season_length)}


def ets_forms(values: np.ndarray, season_length: int | None) -> list[EtsForm]:
    """The forms `fit_ets` may choose for `values` (see the module docstring for the rules)."""
    values = _series(values)
    n, positive = len(values), bool(np.all(values > 0))
    m = season_length if season_length and 1 < season_length <= MAX_ETS_SEASON and n >= 2 * season_length else None
    forms = []
    for error in ("add", "mul") if positive else ("add",):
        for trend, damped in ((None, False), ("add", False), ("add", True)):
            for seasonal in (None, "add", "mul") if m else (None,):
                if seasonal == "mul" and (error == "add" or not positive):
                    continue
                form = EtsForm(error, trend, damped, seasonal, m if seasonal else None)
                if n >= form.parameters + 4:
                    forms.append(form)
    return forms


_REMEMBERED = 64  # fits each process keeps, the most recently used (see `_remembered`)
_memory: OrderedDict[tuple, Any] = OrderedDict()
_memory_lock = threading.Lock()


def _remembered(fit: Callable[..., Any]) -> Callable[..., Any]:
    """The same fit again, without fitting, for the same values and settings: a visitor who trains again on the same
    data, a seed ensemble's members, a sweep's best re-run and the store's re-runs all fit ETS on one training part.
    A fit holds only numbers (frozen), so one can be shared; the last `_REMEMBERED` are kept per process."""

    @functools.wraps(fit)
    def remembered(train: np.ndarray, season_length: int | None = None, **options: Any) -> Any:
        values = _series(train)
        digest = hashlib.blake2b(values.tobytes(), digest_size=16).digest()
        key = (fit.__name__, digest, len(values), season_length, tuple(sorted(options.items())))
        with _memory_lock:
            if key in _memory:
                _memory.move_to_end(key)
                return _memory[key]
        result = fit(values, season_length, **options)
        with _memory_lock:
            _memory[key] = result
            while len(_memory) > _REMEMBERED:
                _memory.popitem(last=False)
        return result

    return remembered


@_remembered
def fit_ets(train: np.ndarray, season_length: int | None = None, *, keep: int = _KEEP) -> EtsFit | None:
    """Automatic ETS on `train` (see the module docstring); None when no form fits."""
    from statsmodels.tools.eval_measures import aicc

    skip = max(len(_series(train)) - MAX_ETS_POINTS, 0)
    train = _series(train)[skip:]  # (n,) at most MAX_ETS_POINTS
    forms = ets_forms(train, season_length)
    if not forms or not np.ptp(train) > 0:  # a constant part: every form is the same flat line
        forms = [EtsForm("add", None, False, None, None)] if len(train) >= 2 else []
    screened: list[tuple[float, int]] = []
    unscreened: list[int] = []  # too short for heuristic initial states: always fitted in full
    with _quiet():
        for number, form in enumerate(forms):
            try:
                model = form.model(train, "heuristic")
                llf = model.loglike(model.fit(disp=False, return_params=True))
            except (ValueError, np.linalg.LinAlgError):
                unscreened.append(number)
                continue
            score = aicc(llf, len(train), form.parameters)
            screened.append((score if math.isfinite(score) else math.inf, number))
        best: EtsFit | None = None
        for number in unscreened + [number for _, number in sorted(screened)[: max(keep, 1)]]:
            form = forms[number]
            try:
                model = form.model(train)
                params = np.asarray(model.fit(disp=False, return_params=True), dtype=np.float64)
                score = float(aicc(model.loglike(params), len(train), model.k_params + 1))  # as ETSResults.aicc
            except (ValueError, np.linalg.LinAlgError):
                continue
            if not (np.isfinite(params).all() and math.isfinite(score)):
                continue
            if best is None or score < best.aicc:
                best = EtsFit(form, tuple(params.tolist()), score, len(train), skip)
    return best


@_remembered
def fit_theta(train: np.ndarray, season_length: int | None = None) -> ThetaFit | None:
    """The Theta method fitted on `train` (see the module docstring); None for fewer than 3 points or a failure."""
    from statsmodels.tsa.forecasting.theta import ThetaModel

    train = _series(train)  # (n,)
    if len(train) < 3:
        return None
    if not np.ptp(train) > 0:  # statsmodels' trend regression drops the constant of a constant series
        return ThetaFit(1.0, 0.0, (), "add", len(train))  # the flat line every method gives it
    seasonal = seasonal_test(train, season_length)
    with _quiet():
        try:
            period = season_length if seasonal else None
            model = ThetaModel(train, period=period, deseasonalize=seasonal, use_test=False)
            result = model.fit()
        except (ValueError, np.linalg.LinAlgError):
            return None
    alpha, b0 = float(result.params["alpha"]), float(result.params["b0"])
    indices = tuple(np.asarray(result._seasonal, dtype=np.float64).tolist()) if seasonal else ()
    if not (math.isfinite(alpha) and math.isfinite(b0) and np.isfinite(indices).all()):
        return None
    return ThetaFit(alpha, b0, indices, model.method if indices else "add", len(train))


def seasonal_test(values: np.ndarray, season_length: int | None) -> bool:
    """Whether the Theta method deseasonalises: the autocorrelation at the season is significant at 90%.

    The classical test of the M3 Theta method, as R's `forecast::thetaf` applies it: only for a season
    above 1, more than two seasons of data and a series that is not constant; |r_m| > 1.645 · sqrt((1 +
    2 Σ_{k<m} r_k²) / n). (statsmodels' own test omits the 2 and so deseasonalises more often.)
    """
    values = _series(values)  # (n,)
    n, m = len(values), season_length or 1
    if m <= 1 or n <= 2 * m or not np.ptp(values) > 0:
        return False
    centred = values - values.mean()
    r = np.array([centred[: n - k] @ centred[k:] for k in range(1, m + 1)]) / (centred @ centred)  # (m,)
    limit = 1.6448536269514722 * math.sqrt((1.0 + 2.0 * float(np.sum(r[: m - 1] ** 2))) / n)
    return bool(abs(r[m - 1]) > limit)


def _series(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64).ravel()
    if not np.isfinite(values).all():
        raise ValueError("`values` must be finite: missing or infinite values cannot be smoothed.")
    return values


@contextmanager
def _quiet() -> Iterator[None]:
    """statsmodels' convergence and overflow warnings off, and one BLAS thread.

    The optimiser's small BLAS calls lose to thread start-up on a shared machine: screening 15 forms
    on the airline series took 1.5 s with OpenBLAS's default threads and 0.13 s with one.
    """
    import statsmodels.tools.sm_exceptions  # noqa: F401  its import sets "always" filters: before ours, not inside
    from threadpoolctl import threadpool_limits

    with warnings.catch_warnings(), np.errstate(all="ignore"), threadpool_limits(limits=1, user_api="blas"):
        warnings.simplefilter("ignore")
        yield
