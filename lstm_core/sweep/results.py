"""A sweep's results: the trials as a table, and the best trial re-run with its test part scored once.

`trials_frame(study, column)`: one row per trial, `number, state, <each searched setting>, <column>, epochs,
seconds, worker` (state: complete, pruned, stopped, failed or running; the value column is the study's
`sweep.score.trial_score(setup).column`, `val_rmse` for one series, `val_mase` for a collection; empty unless
complete).
`write_results(study, setup, dataset, out)` writes `trials.csv`, `study.json` and `best/` (the files of a `run`
for the best trial).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from lstm_core.data.dataset import Dataset
from lstm_core.scoring.columns import STATISTICAL
from lstm_core.scoring.columns import ForecastColumn as Column
from lstm_core.sweep.score import trial_score
from lstm_core.sweep.space import GLOBAL_PARAMETERS
from lstm_core.sweep.study import SweepSetup, best_config, public_url

__all__ = ["best_so_far", "importances", "of_collection", "trial_entry", "trials_frame", "write_results"]

_FIXED_COLUMNS = ["number", "state"]
_TAIL_COLUMNS = ["val_rmse", "epochs", "seconds", "worker"]


def _state(trial: Any) -> str:
    name = trial.state.name.lower()
    if name == "pruned" and trial.user_attrs.get("stopped"):
        return "stopped"
    return {"fail": "failed"}.get(name, name)


def trials_frame(study: Any, value: str = "val_rmse") -> pd.DataFrame:
    """Every trial of the study, oldest first (see the module docstring for the columns); `value` names the
    trials' value column (`trial_score(setup).column`)."""
    trials = study.get_trials(deepcopy=False)
    names: list[str] = []
    for trial in trials:
        names += [name for name in trial.params if name not in names]
    rows = []
    for trial in trials:
        row = {"number": trial.number, "state": _state(trial)}
        row.update({name: trial.params.get(name) for name in names})
        row[value] = trial.value if trial.state.name == "COMPLETE" else None
        row["epochs"] = trial.user_attrs.get("epochs")
        row["seconds"] = trial.user_attrs.get("seconds")
        row["worker"] = trial.user_attrs.get("worker")
        rows.append(row)
    frame = pd.DataFrame(rows, columns=[*_FIXED_COLUMNS, *names, value, *_TAIL_COLUMNS[1:]])
    frame[value] = pd.to_numeric(frame[value], errors="coerce")
    return frame


def best_so_far(frame: pd.DataFrame, value: str = "val_rmse") -> pd.Series:
    """The lowest value (column `value`) reached up to each trial (NaN before the first complete one)."""
    return frame[value].cummin().ffill()


def write_results(study: Any, setup: SweepSetup, dataset: Dataset, out: str | Path, *, storage: str) -> Any:
    """Write trials.csv, study.json and best/ (the best trial trained again; its test part scored once).

    Returns the best trial's `experiment.Run`.
    """
    from lstm_core.experiment.export import safe_csv, write_run
    from lstm_core.experiment.run import run_experiment

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    score = trial_score(setup)
    frame = trials_frame(study, score.column)
    (out / "trials.csv").write_text(safe_csv(frame), encoding="utf-8")
    config = best_config(study, setup)
    run = run_experiment(dataset, config)
    write_run(run, out / "best")
    best = study.best_trial
    summary = {
        "study": study.study_name,
        "storage": public_url(storage),
        "objective": score.text,
        "best_trial": best.number,
        "best_val_rmse": best.value,
        "best_params": best.params,
        "best_test_rmse": run.metrics.rmse(Column.LSTM),
        "best_test_naive_rmse": run.metrics.rmse(Column.NAIVE),
        **{f"best_test_{model}_rmse": run.metrics.rmse(model) for model in (Column.SEASONAL_NAIVE, *STATISTICAL)},
        "best_test_strongest_baseline": run.metrics.strongest_baseline,
        "best_test_skill_vs_strongest_baseline": run.metrics.skill_vs_strongest_baseline,
        "trials": {state: int((frame["state"] == state).sum()) for state in sorted(frame["state"].unique())},
        "workers": sorted(w for w in frame["worker"].dropna().unique()),
        "setup": setup.to_attr(),
    }
    (out / "study.json").write_text(
        json.dumps(summary, indent=2, allow_nan=False, default=str) + "\n", encoding="utf-8"
    )
    return run


def importances(study: Any) -> dict[str, float] | None:
    """Each searched setting's share of the objective's variation (fANOVA), or None below two complete trials."""
    import optuna
    from optuna.trial import TrialState

    complete = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    if len(complete) < 2:
        return None
    try:
        return optuna.importance.get_param_importances(study)
    except (RuntimeError, ValueError):  # e.g. every complete trial has the same settings
        return None


def of_collection(metrics: dict[str, Any]) -> bool:
    """Whether a stored trial's metrics (`trial_entry`'s) are a collection's global model's: it has its own settings."""
    return "global_model" in metrics


def trial_entry(trial: Any, setup: SweepSetup, dataset: Any, study_name: str) -> Any:
    """A finished trial as a run-store entry (kind "sweep_trial"): its full config and its validation score. For a
    sweep of a collection, `dataset` is its `sweep.collection.CollectionData`, the score `val_mase` (sweep.score),
    and the global model's own settings are `metrics["global_model"]`."""
    from optuna.trial import FixedTrial

    from lstm_core.data.fingerprint import fingerprint
    from lstm_core.store.db import NewRun

    values = setup.space.suggest(FixedTrial(trial.params))
    own = {name: values.pop(name) for name in GLOBAL_PARAMETERS if name in values}  # a collection's global model
    config = setup.config.replace(**values)
    value = trial.value if trial.state.name == "COMPLETE" else None
    scored = {"global_model": own} if setup.collection is not None else {}
    metrics = {
        "state": _state(trial),
        trial_score(setup).column: value,
        **scored,
        "epochs_run": trial.user_attrs.get("epochs"),
        "train_seconds": trial.user_attrs.get("seconds"),
        "trial": trial.number,
        "worker": trial.user_attrs.get("worker"),
    }
    history = [{"epoch": step, "val_rmse": value} for step, value in sorted(trial.intermediate_values.items())]
    collection = getattr(dataset, "collection", None)
    return NewRun(
        name=dataset.name if collection is None else collection.name,
        config=config.to_dict(),
        metrics=metrics,
        kind="sweep_trial",
        source=setup.config.data.source,
        fingerprint=fingerprint(dataset) if collection is None else dataset.fingerprint,
        history=history,
        timings={"seconds": trial.user_attrs.get("seconds") or 0.0},
        study=study_name,
    )
