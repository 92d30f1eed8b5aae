"""Walk-forward backtests with real Keras on tiny series: folds, strategies, no leakage, coverage, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tiny import TINY, tiny_dataset

from lstm_core.config.backtest import BacktestConfig
from lstm_core.data.dataset import Dataset
from lstm_core.errors import LabError
from lstm_core.evaluate.backtest import run_backtest
from lstm_core.scoring import statistical

QUICK = TINY.replace(epochs=1, units=4)
BAND_COLUMNS = ["lower_80", "upper_80", "lower_95", "upper_95"]


@pytest.fixture(scope="module")
def recursive_backtest():
    return run_backtest(tiny_dataset(120), QUICK, BacktestConfig(start="0.6", horizon=4, stride=3))


def test_folds_rows_and_columns(recursive_backtest):
    """Origins run from the start every stride while a whole horizon follows; one row per fold and step."""
    frame = recursive_backtest.frame
    origins = list(range(72, 120 - 4 + 1, 3))
    assert list(recursive_backtest.origins) == origins
    assert len(frame) == len(origins) * 4
    assert list(frame.columns) == [
        "fold",
        "origin",
        "step",
        "time",
        "actual",
        "lstm",
        "naive",
        "seasonal_naive",
        "drift",
        "ets",
        "theta",
        *BAND_COLUMNS,
    ]
    series = tiny_dataset(120).series
    assert np.allclose(frame["actual"], series.loc[frame["time"]].to_numpy())
    first = frame[frame["fold"] == 1]
    assert (first["naive"] == series.iloc[71]).all()  # the last value before the origin
    assert np.allclose(first["seasonal_naive"], series.iloc[60:64])  # the same months one season before
    assert frame["lstm"].notna().all()


def test_summary_blocks(recursive_backtest):
    """Every model has mean and sd of each error over folds; skills, per-step RMSE and coverage are there."""
    summary = recursive_backtest.summary
    assert summary["folds"] == recursive_backtest.folds == 15
    for model in ("lstm", "naive", "seasonal_naive", "drift", "ets", "theta"):
        assert set(summary["models"][model]) == {"mae", "rmse", "smape", "mase"}
        block = summary["models"][model]["rmse"]
        assert block["mean"] > 0 and block["sd"] >= 0
        assert len(summary["per_step_rmse"][model]) == 4
    frame = recursive_backtest.frame
    by_fold = frame.groupby("fold").apply(lambda f: np.sqrt(np.mean((f["actual"] - f["naive"]) ** 2)))
    assert summary["models"]["naive"]["rmse"]["mean"] == pytest.approx(by_fold.mean())
    assert summary["models"]["naive"]["rmse"]["sd"] == pytest.approx(by_fold.std(ddof=1))
    assert summary["skill_vs_naive"]["sd"] is not None
    assert set(summary["coverage"]) == {"80", "95"}
    assert summary["coverage"]["80"]["nominal"] == 0.8


def _changed_after(dataset: Dataset, position: int) -> Dataset:
    frame = dataset.frame.copy()
    frame.iloc[position:, 0] = frame.iloc[position:, 0] * 3.0 + 100.0
    return Dataset(frame=frame, target=dataset.target, name=dataset.name, freq=dataset.freq)


@pytest.mark.parametrize(
    "config, backtest",
    [
        (QUICK.replace(difference="first"), BacktestConfig(start="0.5", horizon=3, stride=2)),
        (
            QUICK,
            BacktestConfig(start="0.5", horizon=3, stride=8, retrain="4", strategy="direct", window_type="sliding"),
        ),
        (QUICK.replace(difference="seasonal"), BacktestConfig(start="0.5", horizon=14, stride=3)),
    ],
    ids=["recursive-never-differences", "direct-retrain-sliding", "seasonal-differences-past-a-season"],
)
def test_no_leakage(config, backtest):
    """Changing every value after an origin changes nothing of the earlier folds: predictions and bands are equal."""
    dataset = tiny_dataset(120)
    before = run_backtest(dataset, config, backtest)
    cut = int(before.origins[len(before.origins) // 2])
    after = run_backtest(_changed_after(dataset, cut), config, backtest)
    earlier_before = before.frame[before.frame["origin"] <= dataset.frame.index[cut]]
    earlier_after = after.frame[after.frame["origin"] <= dataset.frame.index[cut]]
    assert len(earlier_before) >= 6
    columns = ["lstm", "naive", "seasonal_naive", "drift", "ets", "theta", *BAND_COLUMNS]
    pd.testing.assert_frame_equal(earlier_before[columns], earlier_after[columns], check_exact=True)
    assert earlier_before["lower_80"].notna().any()  # the bands compared are real bands
    later = after.frame[after.frame["origin"] > dataset.frame.index[cut]]
    assert not np.allclose(later["lstm"], before.frame.loc[later.index, "lstm"])  # the change does reach later folds


def test_ets_and_theta_are_fitted_when_the_lstm_trains():
    """Each training's ETS and Theta see only its own data (sliding: [origin - span, origin)); each fold of the group
    forecasts from its own origin with those parameters."""
    dataset = tiny_dataset(120)
    levels = dataset.series.to_numpy()
    backtest = BacktestConfig(start="0.5", horizon=3, stride=8, retrain="4", window_type="sliding")
    result = run_backtest(dataset, QUICK, backtest)
    origins, span = result.origins, int(result.origins[0])
    assert len(result.summary["statistical_models"]["ets"]) == result.summary["trainings"] == 2
    for group in (origins[:4], origins[4:]):
        low = int(group[0]) - span
        for model, fit in statistical.fit_baselines(levels[low : group[0]], 12).items():
            expected = fit.forecasts(levels[low:], group - low, 3)  # (4, 3)
            got = result.frame[result.frame["origin"].isin(dataset.frame.index[group])][model].to_numpy()
            np.testing.assert_allclose(got, expected.ravel())
    assert result.summary["strongest_baseline"] in {"naive", "seasonal_naive", "drift", "ets", "theta"}
    skill = result.summary["skill_vs_" + result.summary["strongest_baseline"]]
    assert result.summary["skill_vs_strongest_baseline"] == skill


def ar1_seasonal(length: int, seed: int) -> Dataset:
    """A stationary AR(1) (phi 0.6) plus a 12-step season, on a monthly index."""
    rng = np.random.default_rng(seed)
    noise = np.zeros(length)
    for t in range(1, length):
        noise[t] = 0.6 * noise[t - 1] + rng.normal()
    values = 20.0 + 3.0 * np.sin(2 * np.pi * np.arange(length) / 12) + noise
    index = pd.date_range("1990-01-01", periods=length, freq="MS", name="time")
    return Dataset(frame=pd.DataFrame({"value": values}, index=index), target="value", freq="MS")


def test_coverage_on_ar1_seasonal():
    """Conformal bands cover about their level of held-out points: 80% bands 72-88%, 95% bands 90-99%."""
    config = TINY.replace(epochs=3, units=8, window=12, val_fraction=0.2)
    result = run_backtest(ar1_seasonal(600, seed=1), config, BacktestConfig(start="0.4", horizon=3, stride=1))
    coverage = result.summary["coverage"]
    assert coverage["80"]["points"] >= 900
    assert 0.72 <= coverage["80"]["empirical"] <= 0.88, coverage["80"]
    assert 0.90 <= coverage["95"]["empirical"] <= 0.99, coverage["95"]
    assert coverage["95"]["mean_width"] > coverage["80"]["mean_width"] > 0


def test_progress_per_fold_and_stop():
    """Retraining every fold reports each fold; a stop request ends the backtest after the current fold."""
    reports = []
    result = run_backtest(
        tiny_dataset(100),
        QUICK,
        BacktestConfig(start="0.7", horizon=2, stride=5, retrain="1"),
        on_fold=reports.append,
        should_stop=lambda: len(reports) >= 2,
    )
    assert result.stop_reason == "stopped"
    assert result.folds == 2 < 6
    assert [r.fold for r in reports] == [1, 2] and all(r.retrained for r in reports)
    assert result.summary["trainings"] == 2 and result.summary["stop_reason"] == "stopped"


@pytest.mark.parametrize(
    "backtest, words",
    [
        (BacktestConfig(start="0.9", horizon=30), "longer than the 16 points left"),
        (BacktestConfig(start="0.05", horizon=2), "too few for windows"),
        (BacktestConfig(start="2100-01-01", horizon=2), "longer than the 0 points left"),
    ],
)
def test_bad_input_is_one_sentence(backtest, words):
    """A horizon past the end or a start leaving too little training data is a LabError before any training."""
    with pytest.raises(LabError, match=words):
        run_backtest(tiny_dataset(160), QUICK, backtest)


def test_bad_settings_are_refused():
    """A stride of 0, a bad retrain or start, and levels outside (0, 100) are refused by the configs."""
    for bad in ({"stride": 0}, {"retrain": "sometimes"}, {"start": "1.5"}, {"start": "not a date"}):
        with pytest.raises(LabError):
            BacktestConfig(**bad)
    for levels in ((0.0,), (100.0,), (120.0,)):
        with pytest.raises(LabError):
            TINY.replace(levels=levels)


def test_date_start_needs_dates():
    """A date as start on a series without dates says to give a fraction."""
    dataset = tiny_dataset(100)
    plain = Dataset(frame=dataset.frame.reset_index(drop=True).rename_axis("step"), target="value")
    with pytest.raises(LabError, match="no dates"):
        run_backtest(plain, QUICK, BacktestConfig(start="2005-01-01", horizon=2))
