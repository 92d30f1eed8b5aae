"""One season rule (forecast.season) and one difference rule (data.windows.difference_lag): a backtest decides a
series' season and its seasonal differences' lag as a run does, and refuses seasonal differences without a season
in the same sentence."""

from __future__ import annotations

import dataclasses

import pytest
from tiny import TINY, tiny_dataset

from lstm_core.config.backtest import BacktestConfig
from lstm_core.data.windows import difference_lag, prepare
from lstm_core.errors import LabError
from lstm_core.evaluate.backtest import run_backtest
from lstm_core.forecast.season import season_length

QUICK = TINY.replace(epochs=1, units=4)
ONE_TRAINING = BacktestConfig(start="0.8", horizon=3, stride=6)


def test_a_backtest_takes_the_season_a_run_takes():
    """A monthly series' season is 12, or the config's season when set; the backtest's seasonal naive and seasonal
    differences use that same season, and with neither a season nor dates seasonal differences are refused by the
    backtest and by a run's windows in one and the same sentence, before anything trains."""
    monthly = tiny_dataset(96)
    config = QUICK.replace(difference="seasonal")
    for chosen, expected in ((config, 12), (config.replace(season_length=6), 6)):
        assert season_length(monthly, chosen) == difference_lag("seasonal", season_length(monthly, chosen)) == expected
        backtest = run_backtest(monthly, chosen, ONE_TRAINING, statistical=False)
        assert backtest.summary["season_length"] == expected
        first = backtest.frame.iloc[0]
        origin = monthly.frame.index.get_loc(first["origin"])
        assert first["seasonal_naive"] == pytest.approx(monthly.values[origin - expected, 0])

    undated = dataclasses.replace(monthly, freq=None, name="undated")
    assert season_length(undated, config) is None
    sentences = set()
    for attempt in (
        lambda: run_backtest(undated, config, ONE_TRAINING),
        lambda: prepare(undated.values, config.windows, season_length=season_length(undated, config)),
    ):
        with pytest.raises(LabError, match="Seasonal differences need a season length") as refused:
            attempt()
        sentences.add(str(refused.value))
    assert len(sentences) == 1
    assert [difference_lag(kind, None) for kind in ("none", "first")] == [0, 1]
