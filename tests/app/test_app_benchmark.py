"""AppTest: the Benchmark page runs three Tourism series to the end (table, published figures, scatter, sentence,
downloads), keeps it in the run store, the Runs page lists it and reopens its settings, and bad settings are one
sentence; a command-line benchmark reopened in the form runs its settings again, and an app benchmark reruns from the
command line."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from app_helpers import errors, open_app, set_widgets, switch, texts, wait_watching
from cli_helpers import main_here

from lstm_core.data.collections import from_long


def test_a_tiny_benchmark_runs_is_stored_and_reopens_from_the_runs_page() -> None:
    """Three series, ETS, Theta, seasonal naive and a 1-epoch global LSTM: the results, then the Runs page."""
    at = open_app("benchmark")
    assert not at.exception and texts(at.info)  # the empty page says what to do
    set_widgets(at, "benchmark_", collection="tourism-monthly", series=3, sample_seed=1, units=4, epochs=1)
    set_widgets(at, "benchmark_", calendar=True)  # the target steps' month, known in advance
    at.multiselect(key="benchmark_models").set_value(["lstm", "ets", "theta", "seasonal_naive"])
    at.button(key="benchmark_submit").click().run()
    assert not at.exception and not at.error, errors(at)
    job = at.session_state["benchmark_job"]
    wait_watching(job, timeout=180)
    assert job.state == "done", job.error
    at.run()
    assert not at.exception and not at.error, errors(at)
    table, published = at.dataframe[0].value, at.dataframe[1].value  # the summary, the published figures
    assert list(table["model"]) == ["lstm", "ets", "theta", "seasonal_naive"]
    assert table["MASE 95% interval"].str.startswith("[").all() and table["OWA"].notna().all()
    assert published["published"].tolist() == [1.38] and "Athanasopoulos" in published["source"].iloc[0]
    verdict = [s for s in (*texts(at.success), *texts(at.warning)) if "beats ets on" in s]
    assert len(verdict) == 1 and " of 3 series; its mean MASE is " in verdict[0]
    assert at.get("plotly_chart") and len(at.get("download_button")) == 3
    assert any("Kept in the run store" in c for c in texts(at.caption))
    held = [c for c in texts(at.caption) if c.startswith("lstm: the 80% band")]  # coverage beside the nominal level
    assert len(held) == 1 and "% of the test values" in held[0], texts(at.caption)

    # look inside the global LSTM for one series: the Gates page shows its gates, the Inside page its states
    chosen = at.selectbox(key="benchmark_inside_series").options[1]
    at.selectbox(key="benchmark_inside_series").select_index(1)
    at.button(key="benchmark_inside").click().run()
    assert not at.exception and not at.error, (at.exception, errors(at))
    label = f"Global LSTM · {chosen} · tourism-monthly"
    captions = [c.replace("\\", "") for c in texts(at.caption)]  # markdown escapes
    assert any(c.startswith(label) for c in captions), captions
    assert any("divided by its scale" in c for c in texts(at.caption))  # the units the network reads
    assert len(at.get("plotly_chart")) >= 6 and at.slider(key="gates_global_window").value > 1  # the forecast window
    switch(at, "inside")
    assert not at.exception and not at.error, (at.exception, errors(at))
    assert any(c.replace("\\", "").startswith(label) for c in texts(at.caption)) and at.get("plotly_chart")

    switch(at, "runs")
    assert not at.exception, at.exception
    stored = at.dataframe[0].value
    assert stored["kind"].tolist() == ["benchmark"] and stored["LSTM MASE"].iloc[0] > 0
    at.session_state["benchmark_series"] = 99  # the form as the visitor left it
    at.button(key="runs_again").click().run()
    assert not at.exception
    assert at.session_state["benchmark_series"] == 3 and at.session_state["benchmark_units"] == 4
    assert at.session_state["benchmark_calendar"] is True
    assert at.number_input(key="benchmark_series").value == 3  # the Benchmark page, its form refilled


def test_bad_benchmark_settings_give_one_sentence() -> None:
    """No model, and a horizon longer than the collection's test parts, are refused with one sentence each."""
    at = open_app("benchmark")
    set_widgets(at, "benchmark_", collection="tourism-yearly", series=2, horizon=9)
    at.multiselect(key="benchmark_models").set_value([])
    at.button(key="benchmark_submit").click().run()
    assert not at.exception and [e.replace("\\", "") for e in errors(at)] == ["Choose at least one model to benchmark."]
    at.multiselect(key="benchmark_models").set_value(["naive"])
    at.button(key="benchmark_submit").click().run()
    assert not at.exception and len(errors(at)) == 1 and "longer than the test part" in errors(at)[0]
    # the Data page's collection: two series of 10 values, too short for an LSTM's horizon of 6
    frame = pd.DataFrame({"id": ["a"] * 10 + ["b"] * 10, "value": [float(v % 4 + 1) for v in range(20)]})
    at.session_state["collection"] = from_long(frame, id_column="id", column="value", name="short.csv")
    at.run()
    assert at.selectbox(key="benchmark_collection").options[0].startswith("The collection loaded on the Data page")
    at.selectbox(key="benchmark_collection").select_index(0)
    at.number_input(key="benchmark_horizon").set_value(0)
    at.multiselect(key="benchmark_models").set_value(["lstm", "naive"])
    at.button(key="benchmark_submit").click().run()
    assert [e.replace("\\", "") for e in errors(at)] == ["The collection gives no horizon; set the horizon."]
    at.number_input(key="benchmark_horizon").set_value(6)
    at.button(key="benchmark_submit").click().run()
    assert [e.replace("\\", "") for e in errors(at)] == [
        "No series is long enough for this horizon; choose a shorter horizon."
    ]
    assert at.session_state["benchmark_job"] is None
    # the networks' head, series embedding and calendar chosen in the form reach the job and the stored settings
    set_widgets(at, "benchmark_", collection="tourism-quarterly", series=1, horizon=0)
    set_widgets(at, "benchmark_", head="recursive", series_embedding=3, calendar=True)
    at.multiselect(key="benchmark_models").set_value(["lstm", "lstm-recursive"])  # the same network twice
    at.button(key="benchmark_submit").click().run()
    assert len(errors(at)) == 1 and "lstm is the recursive network already" in errors(at)[0]
    at.multiselect(key="benchmark_models").set_value(["naive"])
    at.button(key="benchmark_submit").click().run()
    job = at.session_state["benchmark_job"]
    assert not errors(at) and (job.benchmark.head, job.benchmark.series_embedding, job.benchmark.calendar) == (
        "recursive",
        3,
        True,
    )
    wait_watching(job, timeout=60)
    at.run()
    kept = at.session_state["benchmark_result"].settings
    assert (kept["head"], kept["series_embedding"], kept["calendar"]) == ("recursive", 3, True)


def test_every_benchmark_text_has_the_same_blanks_in_both_languages() -> None:
    """Each `benchmark.` text fills the same placeholders in English and 中文, and formats with the page's values."""
    import string

    from ui.text import i18n

    values = {"a": "lstm", "b": "ets", "w": 1, "s": 2, "m": 1.5, "o": 1.6, "d": 1, "t": 3, "e": "1 s", "n": 5,
              "h": 6, "i": "abc", "r": "why", "l": "80", "p": "79%", "x": 1.2, "v": 0.1}  # fmt: skip
    english, chinese = i18n.texts("en"), i18n.texts("zh")
    keys = [key for key in english if key.startswith("benchmark.")]
    assert keys and all(key in chinese for key in keys)
    for key in keys:
        blanks = [{name for _, name, _, _ in string.Formatter().parse(t[key]) if name} for t in (english, chinese)]
        assert blanks[0] == blanks[1], key
        english[key].format(**values), chinese[key].format(**values)


def _benchmarks(workspace: str) -> list:
    """The workspace's stored benchmarks in this session's run store, oldest first."""
    from lstm_core.store.db import open_store

    return open_store().list_runs(workspace, kind="benchmark")[::-1]


def _without(config: dict, part: str) -> dict:
    return {key: value for key, value in config.items() if key != part}


def _lstm_mase(summary: dict) -> float:
    return summary["models"]["lstm"]["mase"]["mean"]


# Two tourism series and a 1-epoch global LSTM of 4 units on the theta base: a benchmark of a few seconds.
TINY_BENCHMARK = {"collection": "tourism-monthly", "series": 2, "sample_seed": 1, "units": 4, "epochs": 1}


def test_a_stored_benchmark_reopened_from_the_runs_page_runs_its_base_and_windows_per_series(tmp_path, capsys) -> None:
    """A command-line benchmark with base theta and 24 windows per series, reopened in the form from the Runs page
    and run, runs with theta and 24 and stores the same settings; the form used to fall back to auto and 48."""
    workspace = "benchmark-reopened-" + "w" * 20  # a token the app accepts, for the command line too
    done = main_here(
        "benchmark", "--data", "collection:tourism-monthly", "--series", "2", "--sample-seed", "1",
        "--models", "lstm,seasonal_naive", "--units", "4", "--epochs", "1", "--window", "24", "--base", "theta",
        "--windows-per-series", "24", "--out", str(tmp_path / "cli"), "--workspace", workspace, capsys=capsys,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (first,) = _benchmarks(workspace)
    at = open_app("runs", query={"ws": workspace})
    at.button(key="runs_again").click().run()
    assert not at.exception and not at.error, errors(at)
    switch(at, "benchmark")  # AppTest runs the page it last opened: follow the Runs page's switch by hand
    assert at.selectbox(key="benchmark_base").value == "theta"  # shown, and kept for the run
    assert at.number_input(key="benchmark_windows_per_series").value == 24
    at.button(key="benchmark_submit").click().run()
    assert not at.exception and not at.error, errors(at)
    job = at.session_state["benchmark_job"]
    assert (job.options["base"], job.options["windows_per_series"]) == ("theta", 24)  # what run_benchmark got
    wait_watching(job, timeout=120)
    assert job.state == "done", job.error
    assert list(job.result.summary["networks"]["lstm"]["validation_mase"]) == ["theta"]  # one network, on theta
    at.run()
    again = _benchmarks(workspace)[1]
    cli = json.loads((tmp_path / "cli" / "summary.json").read_text())
    assert _lstm_mase(job.result.summary) == pytest.approx(_lstm_mase(cli), rel=1e-6)  # the same network
    assert again.config["benchmark"] == first.config["benchmark"]
    assert again.config["data"]["source"] == first.config["data"]["source"]  # its column is the Train form's
    assert _without(again.config, "data") == _without(first.config, "data")  # the LSTM's network and training


def test_an_app_benchmark_reruns_from_the_command_line_with_the_same_settings(tmp_path, capsys) -> None:
    """`runs rerun` of a benchmark the app stored runs its settings again (base, windows per series, series code,
    the horizon and season it ran with) and stores them as the app did."""
    at = open_app("benchmark")
    set_widgets(at, "benchmark_", **TINY_BENCHMARK, base="theta", windows_per_series=6, series_code=2)
    at.multiselect(key="benchmark_models").set_value(["lstm", "seasonal_naive"])
    at.button(key="benchmark_submit").click().run()
    assert not at.exception and not at.error, errors(at)
    wait_watching(at.session_state["benchmark_job"], timeout=120)
    at.run()
    record = at.session_state["benchmark_result"]
    assert record is not None and record.store_id, errors(at)
    workspace = at.session_state["workspace"]
    options = ("--out", str(tmp_path / "again"), f"--workspace={workspace}")  # a token may start with "-"
    done = main_here("runs", "rerun", record.store_id[:12], *options, capsys=capsys)
    assert done.returncode == 0, done.stderr
    stored, again = _benchmarks(workspace)
    assert stored.id == record.store_id and again.config["benchmark"] == stored.config["benchmark"]
    settings = stored.config["benchmark"]
    assert (settings["base"], settings["windows_per_series"], settings["series_code"]) == ("theta", 6, 2)
    assert (settings["horizon"], settings["season_length"]) == (24, None)
    assert again.config == stored.config  # the benchmark's settings and the LSTM's
    rerun = json.loads((tmp_path / "again" / "summary.json").read_text())
    assert list(rerun["networks"]["lstm"]["validation_mase"]) == ["theta"]
    assert _lstm_mase(rerun) == pytest.approx(_lstm_mase(record.result.summary), rel=1e-6)  # the same network


def _store_benchmark(workspace: str, config, benchmark) -> str:
    """A benchmark entry as the command line stores one (its own settings beside the LSTM's config), without running
    it; its id."""
    from lstm_core.evaluate.benchmark_settings import stored_settings
    from lstm_core.store.db import NewRun, open_store

    settings = stored_settings(benchmark, config, data="collection:tourism-monthly")
    metrics = {"lstm": {"mase": 1.5, "smape": 20.0}, "series": benchmark.series, "horizon": 24, "train_seconds": 1.0}
    entry = NewRun(name="tourism-monthly", config={**config.to_dict(), "benchmark": settings}, metrics=metrics,
                   kind="benchmark", source=settings["data"])  # fmt: skip
    return open_store().save_run(workspace, entry)


def _reopen(workspace: str, at=None):
    """The Runs page of `workspace` (in a new session, or in `at`'s) with its stored benchmark reopened in the
    Benchmark form; the page, and what it says of the stored settings."""
    at = open_app("runs", query={"ws": workspace}) if at is None else switch(at, "runs")
    at.button(key="runs_again").click().run()  # the Runs page switches to the Benchmark page in the same run
    assert not at.exception and not at.error, (at.exception, errors(at))
    assert at.number_input(key="benchmark_series").value == 2
    (said,) = [info for info in texts(at.info) if info.startswith("Settings filled from a stored benchmark")]
    return at, said


# The LSTM a benchmark from the form trains with the Train form's defaults and the form's defaults (units 32, epochs
# 40, patience 5, batch 128, window 24 on Tourism monthly): what the command line runs without options.
def _form_lstm(**changes):
    from lstm_core.cli.benchmark import BENCHMARK_DEFAULTS
    from lstm_core.config.settings import ExperimentConfig

    config = ExperimentConfig().replace(**BENCHMARK_DEFAULTS, window=24, season_length=None, source="sample:airline")
    return config.replace(**changes)


def test_the_form_offers_every_model_the_command_line_runs() -> None:
    """The form's models are the benchmark's own list (the command line's --models), naive2 and drift included."""
    from lstm_core.config.benchmark import MODELS
    from lstm_core.evaluate.benchmark import BENCHMARK_MODELS, parse_models

    at = open_app("benchmark")
    offered = at.multiselect(key="benchmark_models").options
    assert offered == list(MODELS) == list(BENCHMARK_MODELS) and {"naive2", "drift"} <= set(offered)
    assert parse_models(offered) == tuple(offered)  # each one the command line accepts


def test_a_stored_benchmark_with_naive2_and_drift_reopens_with_them() -> None:
    """naive2 and drift, which the form's model list lacked and dropped, come back in the form from the Runs page; an
    LSTM that ran as the form would run it adds no sentence."""
    from lstm_core.config.benchmark import BenchmarkConfig

    workspace = "benchmark-naive2-drift-" + "w" * 20
    models = ("lstm", "naive2", "drift", "seasonal_naive")
    _store_benchmark(workspace, _form_lstm(), BenchmarkConfig(models=models, series=2))
    at, said = _reopen(workspace)
    assert at.multiselect(key="benchmark_models").value == list(models)
    assert said == "Settings filled from a stored benchmark; press **Run benchmark** to run it again."


def test_a_reopened_benchmark_names_the_lstm_settings_the_train_page_would_change() -> None:
    """A benchmark whose LSTM ran with settings the form does not hold (learning rate, dropout) says which differ and
    how to run it as it ran; with those set on the Train page, nothing differs any more. A batch size the form sets
    itself points to the command line only."""
    from lstm_core.config.benchmark import BenchmarkConfig

    workspace = "benchmark-lstm-differs-" + "w" * 20
    run_id = _store_benchmark(workspace, _form_lstm(learning_rate=0.01, dropout=0.2), BenchmarkConfig(series=2))
    at, said = _reopen(workspace)
    assert "`learning_rate` 0.001 (it ran with 0.01)" in said and "`dropout` 0.0 (it ran with 0.2)" in said, said
    assert "Set them on the Train page" in said and f"runs rerun {run_id[:12]} --out DIR" in said
    assert "`units`" not in said and "`epochs`" not in said  # the form holds those

    at.session_state["config"] = at.session_state["config"].replace(learning_rate=0.01, dropout=0.2)  # Train page
    assert (
        _reopen(workspace, at)[1] == "Settings filled from a stored benchmark; press **Run benchmark** to run it again."
    )

    other = "benchmark-batch-differs-" + "w" * 20
    _store_benchmark(other, _form_lstm(batch_size=64), BenchmarkConfig(series=2))
    said = _reopen(other)[1]
    assert "`batch_size` 128 (it ran with 64)" in said and "cannot run it as it ran" in said, said
    assert "Train page to run" not in said
