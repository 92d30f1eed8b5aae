"""A collection sweep's results: the trials, and the best settings' global model scored once on the test parts.

`write_collection_results(study, setup, data, out, storage=...)` writes to `out`:

- `trials.csv`: one row per trial, `number, state, <each searched setting>, val_mase, epochs, seconds, worker`;
- `forecasts.csv`, `scores.csv` and `summary.json`: a benchmark (evaluate.benchmark.run_benchmark, so the numbers
  are the benchmark's) of the best trial's settings trained again as the global `lstm`, beside ETS, Theta, seasonal
  naive and naive, on the same series and test parts; `summary.json`'s `config` says the settings and the study;
- `study.json`: the study, the objective, the best trial and its validation MASE, and each model's mean test MASE
  and sMAPE from the benchmark.

The test parts are read here only, once, after the search.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lstm_core.config.benchmark import BenchmarkConfig
from lstm_core.errors import LabError
from lstm_core.store.evaluations import plain
from lstm_core.sweep.collection import CollectionData, trial_settings
from lstm_core.sweep.results import trials_frame
from lstm_core.sweep.score import trial_score
from lstm_core.sweep.study import SweepSetup, public_url

__all__ = ["COMPARED_MODELS", "best_settings", "write_collection_results"]

COMPARED_MODELS = ("lstm", "ets", "theta", "seasonal_naive", "naive")


def best_settings(study: Any, setup: SweepSetup) -> tuple[Any, dict[str, Any]]:
    """The best complete trial's config and global-model options; LabError when no trial completed."""
    from optuna.trial import FixedTrial, TrialState

    if not study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)):
        raise LabError("No trial of the sweep completed; widen the budget or check the trials' errors.")
    return trial_settings(setup.config, setup.space.suggest(FixedTrial(study.best_trial.params)))


def write_collection_results(
    study: Any,
    setup: SweepSetup,
    data: CollectionData,
    out: str | Path,
    *,
    storage: str,
    on_progress: Callable[[str], None] | None = None,
) -> tuple[Any, dict[str, Any], Any]:
    """Write the files of the module docstring; returns the benchmark's result, its settings and the best trial's
    ExperimentConfig (for the store)."""
    from lstm_core.evaluate.benchmark import run_benchmark, write_benchmark
    from lstm_core.evaluate.benchmark_settings import benchmark_options, stored_settings
    from lstm_core.experiment.export import safe_csv

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    score = trial_score(setup)
    frame = trials_frame(study, score.column)
    (out / "trials.csv").write_text(safe_csv(frame), encoding="utf-8")
    config, options = best_settings(study, setup)
    chosen = setup.collection or {}
    benchmark = BenchmarkConfig(  # the global model's options as the benchmark's settings; the rest their defaults
        models=COMPARED_MODELS,
        horizon=data.horizon,
        series=chosen.get("series"),
        sample_seed=chosen.get("sample_seed", 0),
        id_column=chosen.get("id_column"),
        windows_per_series=int(options["windows_per_series"]),
        calendar=bool(options["calendar"]),
        base=options["base"],
    )
    result = run_benchmark(
        data.collection, config=config, on_progress=on_progress, **benchmark_options(benchmark, config)
    )
    settings = {**stored_settings(benchmark, config, data=config.data.source), "study": study.study_name}
    write_benchmark(result, out, {**settings, "lstm": config.to_dict()})
    best = study.best_trial
    models = result.summary["models"]
    summary = {
        "study": study.study_name,
        "storage": public_url(storage),
        "objective": score.text,
        "series": result.summary["series"],
        "horizon": data.horizon,
        "best_trial": best.number,
        "best_val_mase": best.value,
        "best_params": best.params,
        "best_test": {model: {name: models[model][name]["mean"] for name in ("mase", "smape")} for model in models},
        "trials": {state: int((frame["state"] == state).sum()) for state in sorted(frame["state"].unique())},
        "workers": sorted(w for w in frame["worker"].dropna().unique()),
        "setup": setup.to_attr(),
    }
    text = json.dumps(plain(summary), indent=2, allow_nan=False, default=str)
    (out / "study.json").write_text(text + "\n", encoding="utf-8")
    return result, settings, config
