"""One whole experiment: windows -> training -> test predictions, baselines, metrics, future.

`run_experiment` is what the command line and the app both call. Its `Run` keeps
everything a page or a file needs. An LSTM result never goes out without the naive
baseline next to it: `metrics` always holds both, and `skill_vs_naive`.

Beside the naive, seasonal-naive and drift forecasts, ETS (its form chosen by AICc) and the Theta method are
fitted on everything before the test part and predict each test step one step ahead from the actual values
before it, their parameters fixed (`scoring.statistical`): the LSTM's own task. Their future forecast runs on
from the last value with the same parameters. `metrics.strongest_baseline` names the baseline to beat.

A seed ensemble (`train.seeds` > 1) forecasts the mean of its members; the forecast keeps each
member's predictions (`lstm_seed_<seed>` columns) and the metrics hold `seeds` and `seed_spread`
(every LSTM metric and skill as mean ± sd across seeds). Every run's metrics hold `diagnostics`, and `intervals`
when it asks for interval levels.

A `Run` keeps the trained network as NumPy arrays (`weights`, `members`), not as a Keras model: a
model holds its compiled train and predict functions and its optimizer state, which a server
keeping many visitors' runs cannot afford. Everything a page shows is computed from the weights;
`keras_model()` rebuilds a Keras model (every member of an ensemble) only for a download or a
`model.keras` file. The kept windows are the test part only (`Windows.for_inference`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from lstm_core.config.settings import ExperimentConfig
from lstm_core.data.dataset import Dataset
from lstm_core.data.windows import Windows, prepare
from lstm_core.forecast.bands import add_bands
from lstm_core.forecast.one_step import future_index
from lstm_core.forecast.season import season_length
from lstm_core.forecast.seeds import member_one_step, member_recursive, seed_spread
from lstm_core.nn.gates import network_gates
from lstm_core.nn.keras_model import network_weights
from lstm_core.nn.probe import GateHistory, GateRecorder
from lstm_core.nn.stop_reason import StopReason
from lstm_core.nn.weights import NetworkWeights
from lstm_core.scoring import baselines, diagnostics, metrics, statistical
from lstm_core.scoring.columns import BASELINES, ForecastPart, seed_column
from lstm_core.scoring.columns import ForecastColumn as Column

__all__ = ["Run", "baseline_fits", "evaluate", "predicted_baselines", "run_experiment"]


@dataclass(eq=False)
class Run:
    config: ExperimentConfig
    dataset: Dataset
    windows: Windows
    train: Any  # TrainResult
    weights: NetworkWeights
    forecast: pd.DataFrame  # index: time; columns (scoring.columns) actual, lstm, naive, seasonal_naive, drift, part
    metrics: metrics.RunMetrics
    season_length: int | None
    notes: tuple[str, ...]
    members: tuple[NetworkWeights, ...] = ()  # one per seed; `weights` is the first
    diagnostics: tuple[diagnostics.Diagnostic, ...] = ()

    def keras_model(self) -> Any:
        """A new Keras model with this run's architecture and trained weights, for export.

        It predicts exactly as the trained model did: a seed ensemble gives every member's forecast,
        (B, N); their mean is the run's forecast. Its optimizer starts afresh.
        """
        from lstm_core.nn.keras_model import rebuild_model

        weights = list(self.members) if len(self.members) > 1 else self.weights
        return rebuild_model(self.config, weights, window=self.windows.window, n_features=self.windows.n_features)

    @property
    def history(self) -> pd.DataFrame:
        return self.train.history

    @property
    def gate_history(self) -> GateHistory | None:
        """The probe window's gates and the weights over training (None for a run trained without recording)."""
        return getattr(self.train, "gate_history", None)

    @property
    def test_index(self) -> pd.Index:
        return self.dataset.frame.index[self.windows.val_end :]

    @property
    def leaves_training_range(self) -> bool:
        """Whether the test part's levels go outside the training part's (predicting differences may help)."""
        target = self.dataset.series.to_numpy(dtype=np.float64)  # (T,)
        return _outside(target[: self.windows.train_end], target[self.windows.val_end :])

    def gates(self, positions: np.ndarray | list[int], member: int = 0) -> list[dict[str, np.ndarray]]:
        """Gates of every LSTM layer of one member (0: the first seed) for the chosen test windows: (B, T, U)."""
        weights = self.members[member] if self.members else self.weights
        return network_gates(self.windows.x_test[np.asarray(positions)], weights)


def run_experiment(
    dataset: Dataset,
    config: ExperimentConfig,
    *,
    on_epoch: Callable | None = None,
    on_batch: Callable | None = None,
    should_stop: Callable[[], bool] | None = None,
    recorder: GateRecorder | None = None,
    time_limit: float | None = None,
) -> Run:
    """Prepare, train and evaluate; raises LabError for bad input, never for a stopped run.

    Gates over training are always recorded (into `recorder` when given, so another thread can watch them).
    `time_limit` (seconds) ends training there, keeping the weights (stop_reason "time_limit").
    """
    from lstm_core.nn.keras_model import release_model
    from lstm_core.nn.train import train

    windows = prepare(dataset.values, config.windows, season_length=season_length(dataset, config))
    result = train(
        windows,
        config,
        on_epoch=on_epoch,
        on_batch=on_batch,
        should_stop=should_stop,
        recorder=recorder if recorder is not None else GateRecorder(),
        time_limit=time_limit,
    )
    run = evaluate(dataset, config, windows, result)
    release_model(result.model)  # the Run keeps the weights; the model's traced graphs go now
    return run


def evaluate(
    dataset: Dataset,
    config: ExperimentConfig,
    windows: Windows,
    result: Any,
    *,
    fits: dict | None = None,
    baselines_left_out: str | None = None,
) -> Run:
    """Test predictions, baselines, metrics and future forecast for a trained model.

    `fits`: ETS and Theta already fitted by `baseline_fits` (a worker process fits them while the network trains).
    `baselines_left_out`: ETS and Theta are not there (a Stop did not wait for them): this sentence, why, is the
    run's note, and they are not fitted here.
    """
    members = tuple(getattr(result, "members", None) or [network_weights(result.model)])
    weights = members[0]
    seeds = [config.train.seed + k for k in range(len(members))]
    target = dataset.series.to_numpy(dtype=np.float64)  # (T,)
    start = windows.val_end
    actual = target[start:]
    season = season_length(dataset, config)
    notes: list[str] = []
    failed = result.stop_reason == StopReason.NAN
    per_seed = np.full((len(members), len(actual)), np.nan) if failed else member_one_step(members, windows)
    lstm = per_seed.mean(axis=0)  # (N_test,) the ensemble mean (the one model's predictions when N = 1)
    naive = baselines.naive(target, start)
    seasonal = baselines.seasonal_naive(target, start, season) if season else None
    if season and seasonal is None:
        notes.append(f"Seasonal naive needs {season} points before the test part; it is left out.")
    drift = baselines.drift(target, start)
    # ETS and Theta: fitted on everything before the test part, then one step ahead over it with those parameters.
    if baselines_left_out is not None:
        fits = dict.fromkeys((Column.ETS, Column.THETA))
        notes.append(baselines_left_out)
    fits = fits if fits is not None else baseline_fits(dataset, config, windows)
    fitted = {model: None if fit is None else fit.one_step(target, start) for model, fit in fits.items()}
    for model, fit in fits.items():
        if fit is None and baselines_left_out is None:
            name = {Column.ETS: "ETS", Column.THETA: "Theta"}[model]
            notes.append(f"{name} could not be fitted on the {start} points before the test part; it is left out.")
    train_part = target[: windows.train_end]
    range_note = _range_note(target, windows)
    if range_note:
        notes.append(range_note)

    def block(predicted: np.ndarray | None) -> metrics.Scores | None:
        if predicted is None or not np.isfinite(predicted).all():
            return None
        return metrics.score(actual, predicted, train=train_part, season_length=season)

    scores = {
        Column.LSTM: block(lstm),
        Column.NAIVE: block(naive),
        Column.SEASONAL_NAIVE: block(seasonal),
        Column.DRIFT: block(drift),
        **{model: block(predicted) for model, predicted in fitted.items()},
    }

    def rmse(model: str) -> float | None:
        return None if scores[model] is None else scores[model].rmse

    skill = metrics.skill_vs_naive(rmse(Column.LSTM), rmse(Column.NAIVE))
    # The same score against "same time last season": the baseline to beat on a seasonal series.
    seasonal_skill = metrics.skill_vs_naive(rmse(Column.LSTM), rmse(Column.SEASONAL_NAIVE))
    skills = {model: metrics.skill_vs_naive(rmse(Column.LSTM), rmse(model)) for model in BASELINES}
    strongest = metrics.strongest({model: rmse(model) for model in BASELINES})
    spread = None
    if len(members) > 1:
        spread = seed_spread(
            actual,
            per_seed,
            train=train_part,
            season_length=season,
            naive_rmse=rmse(Column.NAIVE),
            seasonal_naive_rmse=rmse(Column.SEASONAL_NAIVE),
            seeds=seeds,
        )
    found = diagnostics.diagnose(
        target=target,
        start=start,
        predicted=lstm,
        window=windows.window,
        season=season,
        skill=skill,
        difference=config.windows.difference,
    )

    test_rows = pd.DataFrame(
        {
            Column.ACTUAL: actual,
            Column.LSTM: lstm,
            Column.NAIVE: naive,
            Column.SEASONAL_NAIVE: seasonal if seasonal is not None else np.nan,
            Column.DRIFT: drift,
            **{model: np.nan if predicted is None else predicted for model, predicted in fitted.items()},
            Column.PART: ForecastPart.TEST,
        },
        index=dataset.frame.index[start:],
    )
    if len(members) > 1:
        for seed, predicted in zip(seeds, per_seed, strict=True):
            test_rows[seed_column(seed)] = predicted
    steps = config.forecast.forecast_steps
    future_paths = None if failed else member_recursive(members, windows, steps)
    future = None if future_paths is None else future_paths.mean(axis=0)  # (steps,)
    if steps and future is None and windows.n_features > 1:
        notes.append("The future forecast needs future values of the extra feature columns; it is left out.")
    if future is not None:
        seasonal_future = baselines.seasonal_naive_future(target, steps, season) if season else None
        future_rows = pd.DataFrame(
            {
                Column.ACTUAL: np.nan,
                Column.LSTM: future,
                Column.NAIVE: baselines.naive_future(target, steps),
                Column.SEASONAL_NAIVE: seasonal_future if seasonal_future is not None else np.nan,
                Column.DRIFT: baselines.drift_future(target, steps),
                **{model: np.nan if fit is None else fit.forecast(target, steps) for model, fit in fits.items()},
                Column.PART: ForecastPart.FUTURE,
            },
            index=future_index(dataset.frame.index, dataset.freq, steps),
        )
        if len(members) > 1:
            for seed, path in zip(seeds, future_paths, strict=True):
                future_rows[seed_column(seed)] = path
        test_rows = pd.concat([test_rows, future_rows])
    test_rows.index.name = Column.TIME
    intervals, band_notes = add_bands(test_rows, result, windows, config.forecast.levels)
    notes += band_notes
    summary = metrics.RunMetrics(
        **scores,
        skill_vs_naive=skill,
        beats_naive=bool(skill is not None and skill > 0),
        skill_vs_seasonal_naive=seasonal_skill,
        beats_seasonal_naive=bool(seasonal_skill is not None and seasonal_skill > 0),
        season_length=season,
        epochs_run=result.epochs_run,
        train_seconds=round(result.train_seconds, 4),
        first_epoch_seconds=round(result.first_epoch_seconds, 4),
        samples_per_second=round(result.samples_per_second, 1),
        stop_reason=result.stop_reason,
        device=result.device,
        backend=result.backend,
        seeds=len(members) if len(members) > 1 else None,
        seed_spread=spread,
        diagnostics=tuple(found),
        intervals=intervals,
        skill_vs_ets=skills[Column.ETS],
        beats_ets=bool(skills[Column.ETS] is not None and skills[Column.ETS] > 0),
        skill_vs_theta=skills[Column.THETA],
        beats_theta=bool(skills[Column.THETA] is not None and skills[Column.THETA] > 0),
        strongest_baseline=None if strongest is None else str(strongest),
        skill_vs_strongest_baseline=None if strongest is None else skills[strongest],
        statistical_models={str(model): None if fit is None else fit.name for model, fit in fits.items()},
    )
    return Run(
        config=config,
        dataset=dataset,
        windows=windows.for_inference(),
        train=dataclasses.replace(result, model=None),
        weights=weights,
        forecast=test_rows,
        metrics=summary,
        season_length=season,
        notes=tuple(notes),
        members=members,
        diagnostics=tuple(found),
    )


def baseline_fits(dataset: Dataset, config: ExperimentConfig, windows: Windows) -> dict:
    """ETS and Theta fitted on everything before the test part (None for a model that could not be fitted)."""
    target = dataset.series.to_numpy(dtype=np.float64)  # (T,)
    return statistical.fit_baselines(target[: windows.val_end], season_length(dataset, config))


def predicted_baselines(dataset: Dataset, config: ExperimentConfig, windows: Windows) -> dict:
    """`baseline_fits`' answers for this run (scoring.statistical.PredictedFit: its test part's one-step predictions
    and its future forecast), for `evaluate` where statsmodels is not imported (the app's server)."""
    target = dataset.series.to_numpy(dtype=np.float64)  # (T,)
    steps = config.forecast.forecast_steps
    return {
        model: None if fit is None else statistical.PredictedFit.of(fit, target, windows.val_end, steps)
        for model, fit in baseline_fits(dataset, config, windows).items()
    }


def _outside(seen: np.ndarray, test: np.ndarray) -> bool:
    return bool(len(test) and len(seen) and (test.max() > seen.max() or test.min() < seen.min()))


def _range_note(target: np.ndarray, windows: Windows) -> str | None:
    """A note when the test targets leave the range of what the network was trained on, else None.

    With differences the network sees changes, not levels: a trend is then no problem, but
    changes larger than any seen in training are (for example a season that grows with the level).
    """
    lag = windows.lag
    if lag:
        changes = target[lag:] - target[:-lag]  # (T - lag,): changes[t - lag] = y_t - y_{t-lag}
        seen, test = changes[: windows.train_end - lag], changes[windows.val_end - lag :]
        if not _outside(seen, test):
            return None
        what = "from one step to the next" if lag == 1 else f"from one season ({lag} steps) to the next"
        return (
            f"The test part's changes {what} leave the range the model was trained on "
            f"({seen.min():.4g} to {seen.max():.4g}; test: {test.min():.4g} to {test.max():.4g}). "
            "An LSTM rarely predicts a change larger than those it has seen."
        )
    seen, test = target[: windows.train_end], target[windows.val_end :]
    if not _outside(seen, test):
        return None
    return (
        f"The test part leaves the range the model was trained on ({seen.min():.4g} to {seen.max():.4g}; test: "
        f"{test.min():.4g} to {test.max():.4g}). An LSTM rarely extrapolates a trend beyond what it "
        "has seen, so a trending series favours the naive forecast."
    )
