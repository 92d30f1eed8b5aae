"""AppTest: the Benchmark page runs three Tourism series to the end (table, published figures, scatter, sentence,
downloads), keeps it in the run store, the Runs page lists it and reopens its settings, and bad settings are one
sentence."""

from __future__ import annotations

import pandas as pd
from app_helpers import errors, open_app, set_widgets, switch, texts, wait_watching

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
    assert not errors(at) and (job.settings.head, job.settings.series_embedding, job.settings.calendar) == (
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
              "h": 6, "i": "abc", "r": "why", "l": "80", "p": "79%", "x": 1.2}  # fmt: skip
    english, chinese = i18n.texts("en"), i18n.texts("zh")
    keys = [key for key in english if key.startswith("benchmark.")]
    assert keys and all(key in chinese for key in keys)
    for key in keys:
        blanks = [{name for _, name, _, _ in string.Formatter().parse(t[key]) if name} for t in (english, chinese)]
        assert blanks[0] == blanks[1], key
        english[key].format(**values), chinese[key].format(**values)
