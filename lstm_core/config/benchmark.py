"""A benchmark's own settings, declared once with `setting()`: the models, the horizon, and which series.

The command line (`python -m lstm_core benchmark`, through `options.add_config_options`) derives its options from
these fields; the run options (`--window`, `--units`, `--epochs`, `--seeds`, ...) are the LSTM's, and the season
is `--season-length` (`ForecastConfig.season_length`).
"""

from __future__ import annotations

from dataclasses import dataclass

from lstm_core.config.setting import setting, validate_settings
from lstm_core.config.settings import LIMITS

__all__ = ["BASES", "DEFAULT_MODELS", "HEADS", "MODELS", "NETWORKS", "BenchmarkConfig"]

# Every model a benchmark runs, declared here once: the command line's --models, the app's Benchmark form and
# evaluate.benchmark (which runs them) all read this list.
NETWORKS = ("lstm", "lstm-recursive", "lstm-local")
MODELS = (*NETWORKS, "ets", "theta", "naive", "seasonal_naive", "naive2", "drift")
DEFAULT_MODELS = ("lstm", "ets", "theta", "naive", "seasonal_naive")
HEADS = ("direct", "recursive")  # the networks' heads: one output per horizon step, or one step rolled forward
# The forecasts whose correction the global network can learn (forecast.global_model, the sweep space's `base`).
BASES = ("seasonal_naive", "theta")


@dataclass(frozen=True)
class BenchmarkConfig:
    """Which models forecast which series of a collection, and how far."""

    models: tuple[str, ...] = setting(
        (),
        kind="texts",
        help=f"models, comma-separated, some of {', '.join(MODELS)}: lstm is one global network, lstm-recursive the "
        "global network with the recursive head (beside lstm's direct one), lstm-local one per series "
        f"(default: {','.join(DEFAULT_MODELS)})",
    )
    horizon: int | None = setting(
        None,
        kind="int",
        low=1,
        high=LIMITS["forecast_steps"],
        optional=True,
        help="steps forecast from the end of each training part, the test part's length (default: the "
        "collection's own, e.g. 24 for Tourism monthly; needed for a CSV)",
    )
    id_column: str | None = setting(
        None,
        kind="text",
        optional=True,
        help="a long CSV's series-id column (without it a CSV is wide: one column per series)",
    )
    series: int | None = setting(
        None, kind="int", low=1, high=1_000_000, optional=True, help="benchmark this many series drawn at random"
    )
    sample_seed: int = setting(0, kind="int", low=0, high=2**31 - 1, help="seed of the draw of --series")
    windows_per_series: int = setting(
        48,
        kind="int",
        low=1,
        high=100_000,
        help="training windows each series gives the global LSTM per epoch (the same for every series)",
    )

    series_embedding: int = setting(
        0,
        kind="int",
        low=0,
        high=64,
        help="give the global LSTM a trained embedding of the series id: a vector of this many entries per series, "
        "learned with the network, beside each input step (0: none)",
    )
    series_code: int = setting(
        0,
        kind="int",
        low=0,
        high=64,
        help="give the networks a fixed random code of this many entries per series beside each input step, an "
        "embedding of the series id whose meaning the input weights learn (0: none)",
    )
    head: str = setting(
        "direct",
        kind="choice",
        choices=HEADS,
        help="the networks' head (lstm's and lstm-local's): direct, one output per horizon step, or recursive, one "
        "output (the next step) rolled forward H steps on its own predictions",
    )
    calendar: bool = setting(
        False,
        kind="bool",
        help="give the networks the target steps' month (or weekday, for daily series) as sine and cosine, known "
        "in advance (series with dates only)",
    )
    base: str = setting(
        "auto",
        kind="choice",
        choices=("auto", *BASES),
        help="the forecast whose correction the global LSTM learns: seasonal_naive, theta, or auto (a network for "
        "each, the one with the lower validation MASE kept)",
    )

    def __post_init__(self) -> None:
        validate_settings(self)

    @property
    def model_names(self) -> tuple[str, ...]:
        """The models asked for; none given: `DEFAULT_MODELS`."""
        return self.models or DEFAULT_MODELS
