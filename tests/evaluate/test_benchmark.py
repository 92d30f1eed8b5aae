"""The benchmark: hand-checked seasonal naive and MASE, no test value reaches any model, ETS as fitted directly."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from tiny import TINY, tiny_values

from lstm_core.data.collections import Collection, CollectionSeries, from_long
from lstm_core.errors import LabError
from lstm_core.evaluate.benchmark import BENCHMARK_MODELS, parse_models, run_benchmark
from lstm_core.scoring.competition import naive2_forecast, owa


def hand_collection() -> Collection:
    """Two quarterly series (season 4) in a long frame; the last 4 values of each are its test part."""
    a = [1, 2, 3, 4, 2, 3, 4, 5, 3, 4, 5, 6, 7, 7, 7, 7]
    b = [10, 20, 10, 20, 12, 22, 12, 22, 11, 21, 11, 21]
    rows = [("a", str(t.date()), v) for t, v in zip(pd.date_range("2000-01-01", periods=16, freq="QS"), a, strict=True)]
    rows += [
        ("b", str(t.date()), v) for t, v in zip(pd.date_range("2003-01-01", periods=12, freq="QS"), b, strict=True)
    ]
    frame = pd.DataFrame(rows, columns=["id", "quarter", "value"])
    return from_long(frame, id_column="id", column="value", date_column="quarter", season_length=4)


def test_seasonal_naive_and_mase_equal_a_hand_computation():
    """Seasonal naive repeats each training part's last season; MASE divides by the in-sample seasonal MAE."""
    result = run_benchmark(hand_collection(), models=["seasonal_naive"], config=TINY, horizon=4)
    forecasts = result.forecasts
    assert list(forecasts.columns) == ["series", "step", "time", "actual", "seasonal_naive"]
    assert forecasts["seasonal_naive"].tolist() == [3, 4, 5, 6, 12, 22, 12, 22]
    assert forecasts["time"].tolist()[:2] == ["2003-01-01", "2003-04-01"] and forecasts["step"].tolist()[:4] == [
        1,
        2,
        3,
        4,
    ]
    scores = result.scores.set_index("series")
    # a: errors 4, 3, 2, 1 -> MAE 2.5; every in-sample seasonal difference is 1 -> MASE 2.5
    # b: errors 1, 1, 1, 1 -> MAE 1; in-sample seasonal differences all 2 -> MASE 0.5
    assert scores.loc["a", "mae"] == pytest.approx(2.5) and scores.loc["a", "mase"] == pytest.approx(2.5)
    assert scores.loc["b", "mae"] == pytest.approx(1.0) and scores.loc["b", "mase"] == pytest.approx(0.5)
    assert scores.loc["b", "smape"] == pytest.approx(50 * (2 / 23 + 2 / 43))
    block = result.summary["models"]["seasonal_naive"]["mase"]
    assert block["mean"] == pytest.approx(1.5) and block["ci95"][0] <= 1.5 <= block["ci95"][1]
    assert result.summary["series"] == 2 and result.summary["horizon"] == 4


def tiny_collection(changed: bool = False, lengths: tuple[int, ...] = (30, 36), dated: bool = False) -> Collection:
    """Series of different lengths with a competition split; `changed`: every test value different; `dated`: a
    monthly date index (else steps)."""
    series = []
    for k, length in enumerate(lengths):
        values = tiny_values(length) * (1 + 0.3 * k)
        train_length = length - 6
        if changed:
            values = values.copy()
            values[train_length:] = values[train_length:] * 3 + 100
        index = pd.date_range("2001-01-01", periods=length, freq="MS") if dated else pd.RangeIndex(length, name="step")
        series.append(CollectionSeries(f"s{k}", values, index, train_length, season_length=12, horizon=6))
    return Collection("tiny", tuple(series), source="collection:tiny")


TINY_NETWORK = TINY.replace(window=8, units=4, epochs=1, batch_size=32, deterministic=True)


MODELS = [m for m in BENCHMARK_MODELS if m != "lstm-local"]


@pytest.fixture(scope="module")
def benchmarks() -> tuple:
    """Every model but the local LSTM on three dated series, as they are and with every test value changed."""
    options = {"windows_per_series": 8, "series_code": 3, "calendar": True}
    return tuple(
        run_benchmark(tiny_collection(changed, (30, 36, 33), dated=True), models=MODELS, config=TINY_NETWORK, **options)
        for changed in (False, True)
    )


def test_changing_every_test_value_changes_no_forecast(benchmarks):
    """No model, the global LSTM included (with a series embedding and calendar inputs), reads a test value:
    changing them all changes no forecast and no conformal band; coverage is the share of test actuals inside."""
    models = MODELS
    before, after = benchmarks
    assert not np.allclose(before.forecasts["actual"], after.forecasts["actual"])
    bands = ["lstm_lo80", "lstm_hi80", "lstm_lo95", "lstm_hi95"]
    for model in [*models, *bands]:
        assert np.array_equal(before.forecasts[model], after.forecasts[model], equal_nan=True), model
    frame = before.forecasts
    inside = (frame["actual"] >= frame["lstm_lo80"]) & (frame["actual"] <= frame["lstm_hi80"])
    covered = before.summary["coverage"]["80"]
    assert covered["overall"] == pytest.approx(inside.mean()) and covered["nominal"] == 0.8
    assert covered["per_series_mean"] == pytest.approx(inside.groupby(frame["series"]).mean().mean())
    assert covered["pooled"] == "series and steps"  # 3 series are too few per step: every step's errors pooled
    assert frame["lstm_lo95"].isna().all() and before.summary["coverage"]["95"]["overall"] is None  # 18 < 19
    assert "owa" in before.summary["models"]["lstm"]  # a competition-style source: OWA against Naive2
    for network in ("lstm", "lstm-recursive"):  # the base kept on the validation parts, and each base's score
        chosen = before.summary["networks"][network]
        assert set(chosen["validation_mase"]) == {"seasonal_naive", "theta"}
        assert chosen["validation_mase"][chosen["base"]] == min(chosen["validation_mase"].values())
    assert before.summary["networks"]["lstm-recursive"]["head"] == "recursive"
    assert not np.allclose(before.forecasts["lstm"], before.forecasts["lstm-recursive"])  # two heads, two networks


def test_global_gates_of_one_series_equal_keras(benchmarks):
    """Looking inside the global LSTM for one series: its windows end with the forecast window the network read,
    their NumPy gates equal Keras's own layer output, the states sit at each window's last step, and the forecast
    window's H outputs equal Keras's prediction."""
    import pickle

    import keras

    from lstm_core.evaluate.benchmark import look_inside
    from lstm_core.evaluate.benchmark_inside import window_states
    from lstm_core.nn.gates import network_gates, predict
    from lstm_core.nn.keras_model import rebuild_model

    network = pickle.loads(pickle.dumps(benchmarks[0].network))  # as it comes back from the app's worker process
    assert network.series == ("s0", "s1", "s2") and network.probe_windows.shape == (3, 8, 6)  # value, calendar, code
    inside = look_inside(network, tiny_collection(lengths=(30, 36, 33), dated=True), "s1")
    assert inside.kinds[-2:] == ("validation", "forecast") and set(inside.kinds[:-2]) == {"training"}
    assert inside.ends[-1] == inside.train_length == 30 and np.all(np.diff(inside.ends) > 0)
    np.testing.assert_array_equal(inside.x[-1], network.probe_windows[1])
    assert inside.scaled[: inside.train_length] == pytest.approx(tiny_values(36)[:30] * 1.3 / inside.scale)
    model = rebuild_model(TINY_NETWORK, network.weights, window=8, n_features=6)
    gates = network_gates(inside.x, network.weights)[0]
    layer = model.get_layer("lstm_1")  # Keras's own sequence of h: the same layer with return_sequences=True
    twin = type(layer).from_config({**layer.get_config(), "return_sequences": True})
    probe = keras.Sequential([keras.Input(shape=inside.x.shape[1:]), twin])
    twin.set_weights(layer.get_weights())
    np.testing.assert_allclose(gates["h"], probe.predict(inside.x, verbose=0), atol=1e-5, rtol=0)
    expected = np.asarray(model.predict(inside.x[-1:], verbose=0)).reshape(1, -1)  # (1, H)
    np.testing.assert_allclose(predict(inside.x[-1:], network.weights, all_outputs=True), expected, atol=1e-5)
    states = window_states(inside, network.weights)[0]["h"]  # (T, U)
    assert states.shape == (36, 4) and np.isnan(states[: 8 - 1]).all() and np.isnan(states[30:]).all()
    np.testing.assert_allclose(states[inside.ends - 1], gates["h"][:, -1])
    with pytest.raises(LabError, match="series"):
        look_inside(network, tiny_collection(lengths=(30, 36, 33), dated=True), "s9")
    with pytest.raises(LabError, match="not the one"):  # another collection of the same names
        look_inside(network, tiny_collection(lengths=(30, 40, 33), dated=True), "s1")


def test_local_lstms_read_no_test_value():
    """The local LSTM (one network per series, a seed ensemble of 2) gives the same forecast when every test value
    changes; the spread of its mean MASE across the seeds is reported."""
    before, after = (
        run_benchmark(
            dataclasses.replace(collection, series=collection.series[:1]),
            models=["lstm-local"],
            config=TINY_NETWORK.replace(seeds=2),
        )
        for collection in (tiny_collection(), tiny_collection(changed=True))
    )
    assert np.array_equal(before.forecasts["lstm-local"], after.forecasts["lstm-local"])
    fit = before.summary["networks"]["lstm-local"]
    assert fit["epochs_run"] == 1 and fit["seeds"]["count"] == 2
    assert fit["seeds"]["mase"]["sd"] > 0  # two seeds, two different networks
    ensemble_mase = before.scores.set_index("model").loc["lstm-local", "mase"]
    assert ensemble_mase != fit["seeds"]["mase"]["mean"]  # the median's score is not the seeds' mean score


def test_ets_and_theta_equal_statistical_fitted_directly():
    """The benchmark's ETS and Theta forecasts are scoring.statistical's, fitted on each training part alone."""
    from lstm_core.scoring.statistical import fit_ets, fit_theta

    collection = tiny_collection()
    result = run_benchmark(collection, models=["ets", "theta"], config=TINY)
    for series in collection:
        train = series.values[: series.train_length]
        rows = result.forecasts[result.forecasts["series"] == series.name]
        assert np.allclose(rows["ets"], fit_ets(train, 12).forecast(train, 6), rtol=1e-12)
        assert np.allclose(rows["theta"], fit_theta(train, 12).forecast(train, 6), rtol=1e-12)


def test_naive2_and_owa():
    """Naive2 is the naive forecast without a significant season and reseasonalises with one; OWA of Naive2 is 1."""
    flat = np.array([5.0, 6.0, 5.5, 6.5, 6.0, 7.0])
    assert naive2_forecast(flat, 3, 1).tolist() == [7.0, 7.0, 7.0]
    seasonal = np.tile([10.0, 20.0, 30.0, 40.0], 6) * np.linspace(1, 1.2, 24)
    path = naive2_forecast(seasonal, 4, 4)
    assert np.argmax(path) == 3 and np.argmin(path) == 0  # the season's shape comes back
    assert owa(12.0, 1.5, 12.0, 1.5) == 1.0 and owa(6.0, 1.5, 12.0, 1.5) == 0.75


def test_unknown_models_and_short_series_are_refused():
    """An unknown model is named; a horizon longer than every series is refused in one sentence."""
    with pytest.raises(LabError, match="arima"):
        parse_models(["lstm", "arima"])
    with pytest.raises(LabError, match="lstm is the recursive network already"):
        run_benchmark(hand_collection(), models=["lstm", "lstm-recursive"], config=TINY, head="recursive")
    with pytest.raises(LabError, match="shorter --horizon"):
        run_benchmark(hand_collection(), models=["naive"], config=TINY, horizon=14)
    result = run_benchmark(
        hand_collection(), models=["naive", "lstm"], config=TINY.replace(epochs=1, units=2), horizon=4
    )
    assert result.summary["series"] == 1 and any("b (8 training values, 9 needed)" in n for n in result.notes)
