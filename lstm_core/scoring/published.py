"""The competitions' published figures for the bundled collections, shown beside a benchmark's own with their source.

Only figures this project could check against their source are listed; a collection without any (M1, M3 when
scored by MASE) shows none rather than a guess. They were computed on the whole collection with the competition's
own split; a benchmark on a sample of its series (`--series N`) is comparable only roughly, and the page and the
command line say so.

- Tourism (Athanasopoulos, Hyndman, Song and Wu, "The tourism forecasting competition", IJF 27(3), 2011): the
  lowest mean MASE any method reached in that paper, per collection, as the thresholds of the Kaggle follow-up
  competition quote them (monthly 1.38, quarterly 1.43, yearly 2.28).
- M3 (Makridakis and Hibon, "The M3-Competition: results, conclusions and implications", IJF 16(4), 2000): the mean
  sMAPE over all horizons of the Theta method (the winner) and of ForecastPro, per collection, as tabulated again
  by Oreshkin et al. (N-BEATS, ICLR 2020); their averages over all of M3 (13.01 and 13.19) agree with Hyndman's
  table in the `Mcomp` package's vignette.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PUBLISHED", "PublishedFigure", "published"]

_TOURISM = "Athanasopoulos et al., IJF 2011 (the tourism forecasting competition)"
_M3 = "Makridakis and Hibon, IJF 2000 (the M3 competition), as tabulated by Oreshkin et al., ICLR 2020"


@dataclass(frozen=True)
class PublishedFigure:
    """One published mean score: `method`, `metric` ("mase" or "smape"), `value`, and where it was published."""

    method: str
    metric: str
    value: float
    source: str


def _tourism(mase: float) -> tuple[PublishedFigure, ...]:
    return (PublishedFigure("best method in the competition paper", "mase", mase, _TOURISM),)


def _m3(theta: float, forecast_pro: float) -> tuple[PublishedFigure, ...]:
    return (
        PublishedFigure("Theta (the M3 winner)", "smape", theta, _M3),
        PublishedFigure("ForecastPro", "smape", forecast_pro, _M3),
    )


PUBLISHED: dict[str, tuple[PublishedFigure, ...]] = {
    "tourism-monthly": _tourism(1.38),
    "tourism-quarterly": _tourism(1.43),
    "tourism-yearly": _tourism(2.28),
    "m3-yearly": _m3(16.90, 17.14),
    "m3-quarterly": _m3(8.96, 9.77),
    "m3-monthly": _m3(13.85, 13.86),
    "m3-other": _m3(4.41, 4.60),
}


def published(collection: str) -> tuple[PublishedFigure, ...]:
    """The published figures for a bundled collection (`tourism-monthly` or `collection:tourism-monthly`); none for
    any other."""
    return PUBLISHED.get(collection.strip().lower().removeprefix("collection:"), ())
