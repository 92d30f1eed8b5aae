"""Automatic ETS and the Theta method: equal to statsmodels fitted directly, chosen as R chooses, leak-free."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_core.data.sources import load
from lstm_core.scoring import statistical

SEASON = 12


def _multiplicative(length: int = 96) -> np.ndarray:
    """A growing level times a season whose amplitude grows with it, times 2% noise: (length,)."""
    steps = np.arange(length)
    noise = 1.0 + np.random.default_rng(1).normal(0.0, 0.02, length)
    return (100.0 + 2.0 * steps) * (1.0 + 0.3 * np.sin(2 * np.pi * steps / SEASON)) * noise


def _level(length: int = 96) -> np.ndarray:
    """A noisy level around 50, no trend, no season: (length,)."""
    return 50.0 + np.random.default_rng(2).normal(0.0, 1.0, length)


@pytest.fixture(scope="module")
def airline() -> np.ndarray:
    return load("sample:airline-passengers").series.to_numpy(dtype=np.float64)  # (144,)


@pytest.fixture(scope="module")
def airline_fits(airline):
    """ETS and Theta fitted on the first 115 months (the default run's training and validation parts)."""
    return statistical.fit_ets(airline[:115], SEASON), statistical.fit_theta(airline[:115], SEASON)


def test_ets_equals_statsmodels_fitted_directly(airline, airline_fits):
    """The chosen form's parameters, forecast and one-step predictions are those of statsmodels' ETSModel fitted
    directly."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    fit, form = airline_fits[0], airline_fits[0].form
    direct = ETSModel(
        airline[:115],
        error=form.error,
        trend=form.trend,
        damped_trend=form.damped,
        seasonal=form.seasonal,
        seasonal_periods=form.season_length,
        initialization_method="estimated",
    ).fit(disp=False)
    np.testing.assert_allclose(fit.params, direct.params, rtol=1e-10)
    assert fit.aicc == pytest.approx(direct.aicc)
    np.testing.assert_allclose(fit.forecast(airline[:115], 18), direct.forecast(18), rtol=1e-10)
    one_step = fit.one_step(airline, 115)  # (29,)
    assert one_step.shape == (29,)
    assert one_step[0] == pytest.approx(np.asarray(direct.forecast(1))[0], rel=1e-10)
    smoothed = ETSModel(airline, **_kwargs(form)).smooth(direct.params)  # the same parameters over all 144 months
    np.testing.assert_allclose(one_step, np.asarray(smoothed.fittedvalues)[115:], rtol=1e-10)


def _kwargs(form: statistical.EtsForm) -> dict:
    return {
        "error": form.error,
        "trend": form.trend,
        "damped_trend": form.damped,
        "seasonal": form.seasonal,
        "seasonal_periods": form.season_length,
    }


def test_airline_passengers_gets_a_multiplicative_season(airline):
    """On the whole airline series ours chooses ETS(M,A,M); R's ets chooses ETS(M,Ad,M): both multiplicative.

    statsmodels' maximum likelihood finds ETS(M,A,M) at AICc 1086.5 against 1095.4 for ETS(M,Ad,M), the only
    difference from R (whose optimiser ends elsewhere).
    """
    fit = statistical.fit_ets(airline, SEASON)
    assert (fit.form.error, fit.form.seasonal, fit.form.season_length) == ("mul", "mul", SEASON)
    assert fit.name == "ETS(M,A,M)"


def test_aicc_chooses_the_expected_form():
    """A growing season gets a multiplicative season and trend; a plain noisy level gets simple smoothing."""
    seasonal = statistical.fit_ets(_multiplicative(), SEASON)
    assert (seasonal.form.error, seasonal.form.trend, seasonal.form.seasonal) == ("mul", "add", "mul")
    plain = statistical.fit_ets(_level(), SEASON)
    assert (plain.form.trend, plain.form.seasonal) == (None, None)


def test_forms_follow_r_rules():
    """15 forms for positive seasonal data; additive only for other data; no season when too short or too long."""
    values = _multiplicative()
    names = [form.name for form in statistical.ets_forms(values, SEASON)]
    assert len(names) == 15 and "ETS(A,N,M)" not in names and "ETS(M,Ad,M)" in names
    assert {form.error for form in statistical.ets_forms(values - 200.0, SEASON)} == {"add"}
    assert all(form.seasonal is None for form in statistical.ets_forms(values[:23], SEASON))  # under two seasons
    assert all(form.seasonal is None for form in statistical.ets_forms(values, 52))  # R ignores seasons above 24
    assert [form.name for form in statistical.ets_forms(values[:7], None)] == ["ETS(A,N,N)", "ETS(M,N,N)"]


def test_fallbacks_for_short_and_constant_parts():
    """A constant part gets a flat forecast; two points get no ETS and no Theta, never an exception."""
    flat = statistical.fit_ets(np.full(30, 7.0), SEASON)
    np.testing.assert_allclose(flat.forecast(np.full(30, 7.0), 3), 7.0)
    np.testing.assert_allclose(statistical.fit_theta(np.full(30, 7.0), SEASON).forecast(np.full(30, 7.0), 3), 7.0)
    assert statistical.fit_ets(np.array([1.0, 2.0]), SEASON) is None
    assert statistical.fit_theta(np.array([1.0, 2.0]), SEASON) is None


def test_theta_equals_statsmodels_theta_model(airline, airline_fits):
    """Theta's forecast from the training part is ThetaModel's; one step from there is the first one-step prediction."""
    from statsmodels.tsa.forecasting.theta import ThetaModel

    fit = airline_fits[1]
    assert statistical.seasonal_test(airline[:115], SEASON)
    direct = ThetaModel(airline[:115], period=SEASON, deseasonalize=True, use_test=False).fit()
    assert (fit.alpha, fit.b0) == pytest.approx((direct.params["alpha"], direct.params["b0"]))
    assert fit.name == "Theta (seasonally adjusted, multiplicative)"
    np.testing.assert_allclose(fit.forecast(airline[:115], 18), direct.forecast(18), rtol=1e-12)
    assert fit.one_step(airline, 115)[0] == pytest.approx(np.asarray(direct.forecast(1))[0], rel=1e-12)


def test_seasonal_test_is_r_thetaf():
    """The 90% test of the autocorrelation at the season: a clear season passes, white noise does not."""
    assert statistical.seasonal_test(_multiplicative(), SEASON)
    assert not statistical.seasonal_test(_level(), SEASON)
    assert not statistical.seasonal_test(_multiplicative()[:24], SEASON)  # needs more than two seasons
    assert not statistical.seasonal_test(_multiplicative(), 1)


@pytest.mark.parametrize("model", ["ets", "theta"])
def test_one_step_predictions_see_only_the_past(airline, airline_fits, model):
    """Changing the values from any position on changes no prediction up to that position, nor the fit."""
    fit = airline_fits[0] if model == "ets" else airline_fits[1]
    refit = {"ets": statistical.fit_ets, "theta": statistical.fit_theta}[model]
    before = fit.one_step(airline, 115)  # (29,)
    for changed_from in (115, 120, 137):
        changed = airline.copy()
        changed[changed_from:] = changed[changed_from:] * 3.0 + 500.0
        after = fit.one_step(changed, 115)
        kept = changed_from - 115 + 1  # the prediction at `changed_from` reads values before it only
        np.testing.assert_array_equal(after[:kept], before[:kept])
        assert not np.allclose(after[kept:], before[kept:])
    assert refit(np.where(np.arange(144) < 115, airline, -airline)[:115], SEASON) == fit  # a fit reads its part only


def test_one_step_is_the_one_step_forecast_from_each_origin(airline, airline_fits):
    """The one-step prediction at position t equals the 1-step forecast from the first t values, parameters fixed."""
    for fit in airline_fits:
        one_step = fit.one_step(airline, 115)
        for t in (115, 130, 143):
            assert one_step[t - 115] == pytest.approx(fit.forecast(airline[:t], 1)[0], rel=1e-10)


@pytest.mark.filterwarnings("ignore:Maximum Likelihood optimization failed")
def test_forecasts_from_many_origins_equal_statsmodels_from_each(airline, airline_fits):
    """One smoothing pass gives every origin's H-step forecast exactly as statsmodels' own smooth-and-forecast."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    damped = statistical.EtsForm("mul", "add", True, "add", SEASON)  # the other trend and season kinds
    fitted = damped.model(airline[:48]).fit(disp=False, maxiter=50)  # any parameters will do: short and quick
    fits = [airline_fits[0], statistical.EtsFit(damped, tuple(fitted.params), float(fitted.aicc), 48)]
    origins = np.array([100, 117, 131])
    for fit in fits:
        ours = fit.forecasts(airline, origins, 14)  # (3, 14): beyond one season too
        for row, origin in zip(ours, origins, strict=True):
            model = ETSModel(airline[:origin], initialization_method="estimated", **_kwargs(fit.form))
            np.testing.assert_allclose(row, model.smooth(np.asarray(fit.params)).forecast(14), rtol=1e-10)
    theta = airline_fits[1]
    np.testing.assert_allclose(
        theta.forecasts(airline, origins, 14), [theta.forecast(airline[:origin], 14) for origin in origins]
    )


def test_a_long_training_part_is_fitted_on_its_last_points_and_everything_follows():
    """A part longer than MAX_ETS_POINTS: ETS is fitted on its last MAX_ETS_POINTS values, its one-step predictions
    and forecasts equal statsmodels smoothing those values with the fit's parameters, and the values left out change
    nothing."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    values = _level(statistical.MAX_ETS_POINTS + 400)  # (2,400,)
    train = len(values) - 100
    fit = statistical.fit_ets(values[:train])
    assert fit.skip == train - statistical.MAX_ETS_POINTS and fit.length == statistical.MAX_ETS_POINTS
    kept = values[fit.skip :]
    smoothed = fit.form.model(kept).smooth(np.asarray(fit.params))
    np.testing.assert_allclose(fit.one_step(values, train), np.asarray(smoothed.fittedvalues)[train - fit.skip :])
    direct = ETSModel(kept[: train - fit.skip], error=fit.form.error, trend=fit.form.trend,
                      damped_trend=fit.form.damped).smooth(np.asarray(fit.params))  # fmt: skip
    np.testing.assert_allclose(fit.forecast(values[:train], 5), direct.forecast(5), rtol=1e-9)
    changed = values.copy()
    changed[: fit.skip] += 1_000.0
    np.testing.assert_array_equal(fit.one_step(changed, train), fit.one_step(values, train))
    with pytest.raises(ValueError, match="where the fit began"):
        fit.one_step(values, fit.skip - 1)


def test_a_fit_is_remembered_for_the_same_values_and_settings_only(airline):
    """Fitting again on equal values and settings gives the fit already made (no second fit); other values, another
    season or other options fit anew."""
    part = airline[:100].copy()
    first = statistical.fit_ets(part, SEASON)
    assert statistical.fit_ets(part.copy(), SEASON) is first and statistical.fit_theta(part, SEASON) is not None
    changed = part.copy()
    changed[-1] += 1.0
    assert statistical.fit_ets(changed, SEASON) is not first
    assert statistical.fit_ets(part, None) is not first and statistical.fit_ets(part, SEASON, keep=1) is not first


def test_predicted_fit_answers_as_its_fit_for_its_series_only(airline, airline_fits):
    """A PredictedFit gives its fit's one-step predictions and future forecast for the series it was made for, and
    refuses another series, start or horizon."""
    for fit in airline_fits:
        answers = statistical.PredictedFit.of(fit, airline, 115, 6)
        assert answers.name == fit.name
        np.testing.assert_array_equal(answers.one_step(airline, 115), fit.one_step(airline, 115))
        np.testing.assert_array_equal(answers.forecast(airline, 6), fit.forecast(airline, 6))
        with pytest.raises(ValueError, match="only for the series"):
            answers.one_step(airline[:-1], 115)
        with pytest.raises(ValueError, match="only for the series"):
            answers.one_step(airline, 114)
        with pytest.raises(ValueError, match="only for the series"):
            answers.forecast(airline, 7)
