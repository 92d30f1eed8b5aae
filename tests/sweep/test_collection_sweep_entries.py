"""What a collection sweep leaves behind, read back: its score is named MASE wherever it is shown (the command's
lines, trials.csv, study.json, the Sweep page's charts), and its run-store entries run again as they ran.

One real sweep (two 1-epoch trials of a tiny global model over three short series, `--out`: the best settings
benchmarked once) in a real SQLite store and study, shared by the module's tests.
"""

from __future__ import annotations

import contextlib
import io
import json

import numpy as np
import optuna
import pandas as pd
import pytest
from optuna.distributions import IntDistribution
from tiny import TINY, tiny_dataset

from lstm_core.cli.main import main
from lstm_core.config.settings import ExperimentConfig
from lstm_core.store.db import open_store
from lstm_core.sweep.results import of_collection, trial_entry, trials_frame
from lstm_core.sweep.score import trial_score
from lstm_core.sweep.space import SweepSpace
from lstm_core.sweep.study import SweepSetup, open_study

H = 3
WORKSPACE = "collection-entries"


def _long_csv(path):
    """Three short monthly series (a trend and a season each) in one long CSV."""
    rows = []
    for k, length in enumerate((30, 26, 34)):
        steps = np.arange(length)
        values = 40 + 5 * k + 0.3 * steps + (3 + k) * np.sin(2 * np.pi * steps / 12) + (steps % 5) * 0.2
        months = pd.date_range("2001-01-01", periods=length, freq="MS").strftime("%Y-%m")
        rows += [(f"s{k}", month, value) for month, value in zip(months, values, strict=True)]
    pd.DataFrame(rows, columns=["id", "month", "value"]).to_csv(path, index=False)
    return path


def cli(*args: str) -> tuple[int, str]:
    """`python -m lstm_core ARGS` in this process: its exit status and what it wrote to stderr."""
    with contextlib.redirect_stderr(io.StringIO()) as errors:
        status = main(list(args))
    return status, errors.getvalue()


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    """The sweep's folder, its database URL (the study's and the run store's) and the command's stderr."""
    folder = tmp_path_factory.mktemp("collection_entries")
    url = f"sqlite:///{folder / 'lab.db'}"
    space = folder / "space.json"  # the base fixed to theta: a rerun that chose its own base would show
    space.write_text(json.dumps({"units": [2, 4], "window": [3, 6], "base": ["theta"], "windows_per_series": [4, 6]}))
    status, errors = cli(
        "sweep", "--data", str(_long_csv(folder / "long.csv")), "--id-column", "id", "--column", "value",
        "--date-column", "month", "--horizon", str(H), "--epochs", "1", "--batch-size", "16", "--device", "cpu",
        "--trials", "2", "--sampler", "random", "--space", str(space), "--study", "entries", "--storage", url,
        "--db", url, "--workspace", WORKSPACE, "--out", str(folder / "out"),
    )  # fmt: skip
    assert status == 0, errors
    return folder, url, errors


def _entries(url: str, kind: str) -> list:
    return [run for run in open_store(url).list_runs(WORKSPACE) if run.kind == kind]


def test_a_collection_sweeps_score_is_named_mase_in_lines_files_and_charts(swept):
    """The command's trial and Best lines, trials.csv, study.json, the store's trial entries and the Sweep page's
    three charts call a collection sweep's score validation MASE, never RMSE; a sweep of one series keeps RMSE."""
    from ui.charts.sweep_charts import importance_figure, parallel_figure, progress_figure

    folder, url, errors = swept
    trial_lines = [line for line in errors.splitlines() if line.startswith("trial ")]
    assert len(trial_lines) == 2 and all(" val MASE " in line for line in trial_lines), errors
    assert "Best: trial" in errors and ", validation MASE " in errors and "RMSE" not in errors
    assert "val_mase" in pd.read_csv(folder / "out" / "trials.csv")
    study_json = json.loads((folder / "out" / "study.json").read_text())
    assert study_json["objective"].startswith("mean over series of the MASE")
    assert all("val_mase" in run.metrics and "val_rmse" not in run.metrics for run in _entries(url, "sweep_trial"))

    study, setup = open_study(url, "entries")
    score = trial_score(setup)
    frame = trials_frame(study, score.column)
    figures = [
        progress_figure(frame, score),
        parallel_figure(frame, [name for name in setup.space.searched if name in frame], score),
        importance_figure({"units": 0.7, "window": 0.3}, score),
    ]
    words = json.dumps([figure.to_plotly_json()["layout"] for figure in figures])
    words += json.dumps(figures[1].to_plotly_json()["data"][0]["dimensions"][-1]["label"])
    assert "validation MASE" in words and "mean over series" in words and "RMSE" not in words

    one_series = SweepSetup(ExperimentConfig(), SweepSpace(), "sha256:x")
    assert (trial_score(one_series).column, trial_score(one_series).label) == ("val_rmse", "validation RMSE")


def test_the_sweep_page_labels_a_collection_studys_charts_mase(swept):
    """A visitor who opens the collection study by name on the Sweep page sees its table's `val_mase` and charts
    titled by validation MASE (the page used to rename the column to val_rmse for its charts)."""
    from app_helpers import errors, open_app, switch

    _, url, _ = swept
    at = switch(open_app(), "sweep")
    at.text_input(key="sweep_storage").set_value(url)
    at.text_input(key="sweep_open_name").set_value("entries")
    at.button(key="sweep_open").click().run()
    assert not at.exception and not at.error, errors(at)
    assert "val_mase" in at.dataframe[0].value and "val_rmse" not in at.dataframe[0].value
    charts = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    assert len(charts) >= 2
    titles = [chart["layout"]["title"]["text"] for chart in charts]
    assert all("MASE" in title and "RMSE" not in title for title in titles), titles
    assert any("Best validation MASE so far" in caption.value for caption in at.caption)


def test_rerun_of_the_sweeps_benchmark_entry_keeps_its_base(swept, tmp_path):
    """`runs rerun` of the benchmark a collection sweep kept trains the global LSTM on the base the sweep chose
    (theta here), not "auto" (both bases, the better kept), and scores as the sweep's benchmark did."""
    folder, url, _ = swept
    (entry,) = _entries(url, "benchmark")
    assert entry.config["benchmark"]["base"] == "theta"
    status, errors = cli("runs", "rerun", entry.id[:12], "--out", str(tmp_path / "again"), "--db", url,
                         "--workspace", WORKSPACE)  # fmt: skip
    assert status == 0, errors
    summary = json.loads((tmp_path / "again" / "summary.json").read_text())
    assert summary["config"]["base"] == "theta"
    assert list(summary["networks"]["lstm"]["validation_mase"]) == ["theta"]  # one network, on theta
    again, first = (pd.read_csv(path / "scores.csv") for path in (tmp_path / "again", folder / "out"))
    pd.testing.assert_frame_equal(again, first)


def test_rerun_of_a_collection_sweeps_trial_is_one_error_line(swept, tmp_path):
    """`runs rerun` of a collection sweep's trial ends with status 2 and one `error:` sentence naming the study and
    what to rerun instead; it used to train a one-series `run` on the CSV's rows (ids dropped, dates deduplicated)."""
    _, url, _ = swept
    trial = _entries(url, "sweep_trial")[0]
    status, errors = cli("runs", "rerun", trial.id[:12], "--out", str(tmp_path / "again"), "--db", url,
                         "--workspace", WORKSPACE)  # fmt: skip
    lines = errors.strip().splitlines()
    assert status == 2 and len(lines) == 1 and lines[0].startswith("error: "), errors
    assert "trial of the collection sweep 'entries'" in lines[0] and "benchmark entry" in lines[0]
    assert not (tmp_path / "again").exists()
    assert [run.kind for run in open_store(url).list_runs(WORKSPACE)].count("run") == 0  # nothing trained, nor kept
    # A one-series sweep's trial is no collection's: it is still rerun as a `run` of its settings.
    space = SweepSpace(units=(3, 6), layers=None, window=None, learning_rate=None, dropout=None, batch_size=None,
                       difference=None)  # fmt: skip
    one = optuna.trial.create_trial(params={"units": 4}, distributions={"units": IntDistribution(3, 6)}, value=1.5)
    entry = trial_entry(one, SweepSetup(TINY, space, "sha256:x"), tiny_dataset(), "one")
    assert trial.metrics["global_model"] and not of_collection(entry.metrics) and entry.metrics["val_rmse"] == 1.5
