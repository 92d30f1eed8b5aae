"""Diagnostics on constructed predictions: each finding is a sentence with its number (pure NumPy)."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_core.scoring.diagnostics import Diagnostic, autocorrelation, diagnose, lag_rmse, noise_band

START = 100


def seasonal_series(length: int = 160, season: int = 12) -> np.ndarray:
    rng = np.random.default_rng(1)
    steps = np.arange(length)
    return 100.0 + 10.0 * np.sin(2 * np.pi * steps / season) + rng.normal(0.0, 1.0, length)


def codes(found) -> dict[str, object]:
    return {item.code: item for item in found}


def test_a_persistence_forecast_is_diagnosed_as_copying_at_lag_1() -> None:
    """Predicting the last value (skill 0 against naive) is copying at lag 1: the sentence says persistence."""
    target = seasonal_series()
    predicted = target[START - 1 : -1]  # the naive forecast itself
    item = codes(diagnose(target=target, start=START, predicted=predicted, window=12, season=12, skill=0.0))["copies"]
    assert item.value == 1
    assert "learned persistence" in item.sentence and "+0.0%" in item.sentence
    assert "(RMSE 0," in item.sentence  # the number: at lag 1 the predictions equal the actual values exactly


def test_a_perfect_forecast_is_not_copying() -> None:
    """Predictions equal to the values they predict match best at lag 0."""
    target = seasonal_series()
    item = codes(diagnose(target=target, start=START, predicted=target[START:], window=12, season=12, skill=0.9))[
        "copies"
    ]
    assert item.value == 0 and "not simply copying" in item.sentence


def test_copying_two_steps_back_with_skill_is_not_called_persistence() -> None:
    """A forecast two steps late is found at lag 2, without the persistence advice reserved for lag 1 and no skill."""
    target = seasonal_series()
    item = codes(
        diagnose(target=target, start=START, predicted=target[START - 2 : -2], window=12, season=12, skill=-0.5)
    )["copies"]
    assert item.value == 2 and "2 steps late" in item.sentence and "persistence" not in item.sentence


def test_lag_rmse_counts_each_lag() -> None:
    """lag_rmse compares the prediction for t with the value at t - k for k = 0..3."""
    target = np.arange(20.0)
    errors = lag_rmse(target, 10, target[9:19])  # predicted[t] = y_{t-1}: off by 1 at lag 0, exact at lag 1
    np.testing.assert_allclose(errors, [1.0, 0.0, 1.0, 2.0])


def test_window_shorter_than_the_season_is_reported_unless_seasonal_differences() -> None:
    """Window 6 under season 12 gets a sentence with the window; window 12, or seasonal differences, do not."""
    target = seasonal_series()
    predicted = target[START:] + 0.5
    found = codes(diagnose(target=target, start=START, predicted=predicted, window=6, season=12, skill=0.2))
    item = found["window_shorter_than_season"]
    assert item.value == 6 and "cannot see last season's value" in item.sentence and "at least 12" in item.sentence
    for window, difference in ((12, "none"), (6, "seasonal")):
        found = diagnose(
            target=target, start=START, predicted=predicted, window=window, season=12, skill=0.2, difference=difference
        )
        assert "window_shorter_than_season" not in codes(found)
    assert "window_shorter_than_season" not in codes(
        diagnose(target=target, start=START, predicted=predicted, window=3, season=None, skill=0.2)
    )


def test_seasonal_structure_left_in_the_errors_is_named() -> None:
    """Errors that repeat every 12 steps are reported as seasonal structure, with the lag-12 autocorrelation."""
    target = seasonal_series(400)
    predicted = target[START:] - 5.0 * np.sin(2 * np.pi * np.arange(START, 400) / 12)
    item = codes(diagnose(target=target, start=START, predicted=predicted, window=12, season=12, skill=0.1))[
        "residual_autocorrelation"
    ]
    assert item.value == pytest.approx(max(autocorrelation(target[START:] - predicted, 12), key=abs))
    assert "Seasonal structure is left" in item.sentence and "at lag 12" in item.sentence


def test_white_noise_errors_look_like_noise() -> None:
    """Independent errors stay within the noise band: the sentence says so."""
    target = seasonal_series(400)
    predicted = target[START:] + np.random.default_rng(7).normal(0.0, 1.0, 300)
    item = codes(diagnose(target=target, start=START, predicted=predicted, window=12, season=12, skill=0.1))[
        "residual_autocorrelation"
    ]
    assert "looks like noise" in item.sentence and abs(item.value) < noise_band(300, 12)


def test_autocorrelation_of_an_alternating_series() -> None:
    """+1, -1, +1, ... has autocorrelation near -1 at lag 1 and near +1 at lag 2."""
    acf = autocorrelation(np.tile([1.0, -1.0], 50), 2)
    assert acf[0] == pytest.approx(-0.99) and acf[1] == pytest.approx(0.98)


def test_nothing_is_diagnosed_from_nan_predictions() -> None:
    """A failed (NaN) forecast gives no copying or residual finding, only the settings' own."""
    target = seasonal_series()
    found = diagnose(target=target, start=START, predicted=np.full(60, np.nan), window=6, season=12, skill=None)
    assert [item.code for item in found] == ["window_shorter_than_season"]
    assert found[0].to_dict() == {"code": "window_shorter_than_season", "value": 6.0,
                                  "sentence": found[0].sentence, "suggestion": {"window": 12}}  # fmt: skip


def test_noise_band_is_bonferroni_over_the_lags() -> None:
    """One lag: the familiar ±1.96/√n; twelve lags: wider, so noise crosses it at any lag only 5% of the time."""
    assert noise_band(100, 1) == pytest.approx(0.196, abs=1e-3)
    assert noise_band(100, 12) == pytest.approx(2.865 / 10, abs=1e-3)
    crossings = 0
    for seed in range(200):
        noise = np.random.default_rng(seed).normal(size=100)
        crossings += bool(np.any(np.abs(autocorrelation(noise, 12)) > noise_band(100, 12)))
    assert crossings / 200 < 0.12  # about 5% nominal; the sample autocorrelation's bias keeps it near that


def test_each_diagnostic_suggests_the_settings_its_sentence_advises() -> None:
    """Window under the season: {"window": season}; seasonal errors left: seasonal differences (with seasonal
    differences on and a short window: a window of a season); persistence: seasonal differences on a seasonal series,
    first ones without a season; nothing to advise: no suggestion, and none in to_dict()."""
    target = seasonal_series(400)
    seasonal_errors = target[START:] - 5.0 * np.sin(2 * np.pi * np.arange(START, 400) / 12)

    def found(predicted, **given):
        values = {"target": target, "start": START, "predicted": predicted, "window": 12, "season": 12, "skill": 0.1}
        return codes(diagnose(**{**values, **given}))

    assert found(seasonal_errors, window=6)["window_shorter_than_season"].settings == {"window": 12}
    assert found(seasonal_errors)["residual_autocorrelation"].settings == {"difference": "seasonal"}
    seasonal_on = found(seasonal_errors, window=6, difference="seasonal")["residual_autocorrelation"]
    assert seasonal_on.settings == {"window": 12}
    persistence = target[START - 1 : -1]
    assert found(persistence, skill=0.0)["copies"].settings == {"difference": "seasonal"}
    assert found(persistence, skill=0.0, season=None)["copies"].settings == {"difference": "first"}
    assert found(persistence, skill=0.0, season=None, difference="first")["copies"].settings == {}
    perfect = found(target[START:], skill=0.9)["copies"]
    assert perfect.suggestion == () and "suggestion" not in perfect.to_dict()


def test_a_suggestion_round_trips_through_json() -> None:
    """A diagnostic read back from metrics.json's dict (a JSON object for the suggestion) equals the original."""
    import json

    item = codes(diagnose(target=seasonal_series(), start=START, predicted=seasonal_series()[START:] + 0.5, window=6,
                          season=12, skill=0.2))["window_shorter_than_season"]  # fmt: skip
    again = Diagnostic(**json.loads(json.dumps(item.to_dict())))
    assert again == item and again.settings == {"window": 12}
