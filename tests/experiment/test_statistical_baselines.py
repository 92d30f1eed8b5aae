"""ETS and Theta in a run: fitted before the test part, scored one step ahead on the same steps as the LSTM."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from tiny import TINY

from lstm_core.experiment.run import evaluate
from lstm_core.scoring import statistical
from lstm_core.scoring.metrics import RunMetrics


def _test_rows(run):
    return run.forecast[run.forecast["part"] == "test"]


def test_run_scores_ets_and_theta_like_the_other_baselines(run, dataset):
    """The ets and theta columns are the fits on the data before the test part, predicting one step ahead."""
    target, start = dataset.series.to_numpy(), run.windows.val_end
    fits = statistical.fit_baselines(target[:start], 12)
    test = _test_rows(run)
    for model, fit in fits.items():
        np.testing.assert_allclose(test[model], fit.one_step(target, start))
        expected = float(np.sqrt(np.mean((test[model] - test["actual"]) ** 2)))
        assert run.metrics.rmse(model) == pytest.approx(expected)
        skill = getattr(run.metrics, f"skill_vs_{model}")
        assert skill == pytest.approx(1.0 - run.metrics.rmse("lstm") / expected)
    assert run.metrics.statistical_models == {"ets": fits["ets"].name, "theta": fits["theta"].name}
    baselines = {model: run.metrics.rmse(model) for model in ("naive", "seasonal_naive", "drift", "ets", "theta")}
    assert run.metrics.strongest_baseline == min(baselines, key=baselines.get)
    assert run.metrics.skill_vs_strongest_baseline == getattr(run.metrics, f"skill_vs_{run.metrics.strongest_baseline}")
    future = run.forecast[run.forecast["part"] == "future"]
    np.testing.assert_allclose(future["ets"], fits["ets"].forecast(target, len(future)))


def test_no_test_value_reaches_ets_or_theta(run, dataset, windows, trained):
    """Changing every test value changes neither fit: each prediction is the old fit's, from the values before it."""
    target, start = dataset.series.to_numpy(), run.windows.val_end
    frame = dataset.frame.copy()
    changed = target.copy()
    changed[start:] = changed[start:] * 2.0 + 7.0
    frame[dataset.target] = changed
    result = evaluate(dataclasses.replace(dataset, frame=frame), TINY, windows, trained)
    assert result.metrics.statistical_models == run.metrics.statistical_models
    fits = statistical.fit_baselines(target[:start], 12)  # on the unchanged data
    for model, fit in fits.items():
        predicted = _test_rows(result)[model].to_numpy()
        np.testing.assert_allclose(predicted, fit.one_step(changed, start))
        assert predicted[0] == _test_rows(run)[model].iloc[0]  # the first test step reads no test value at all


def test_metrics_json_carries_and_reads_back_the_statistical_block(run):
    """metrics.json holds ets, theta, their skills, the strongest baseline and the fitted forms, and reads back."""
    written = json.loads(json.dumps(run.metrics.to_dict(), allow_nan=False))
    for key in ("ets", "theta", "skill_vs_ets", "beats_ets", "skill_vs_theta", "beats_theta"):
        assert key in written
    assert written["strongest_baseline"] in {"naive", "seasonal_naive", "drift", "ets", "theta"}
    assert written["statistical_models"]["ets"].startswith("ETS(")
    assert RunMetrics.from_dict(written) == run.metrics
