"""AppTest: the Compare page trains an LSTM, a GRU and a plain RNN with the Train settings (real tiny Keras, in
threads as LSTM_LAB_WORKERS=0 makes them), shows them side by side, and leaves a run per cell for the Gates page,
whose GRU and plain-RNN views are tested here on those runs (the comparison's trainings serve both)."""

from __future__ import annotations

import numpy as np
import pytest
from app_helpers import errors, open_app, switch, texts, wait_watching

from lstm_core.config.backtest import BacktestConfig
from lstm_core.experiment.compare import verdict
from lstm_core.scoring.columns import ForecastColumn as Column
from ui.views import compare_views


@pytest.fixture(scope="module")
def compared():
    """One visitor who compared the three cells: 2 seeds each, 1 epoch, 3 units, window 5, each cell backtested over
    a few folds (the AppTest, its job)."""
    at = open_app("compare")
    at.session_state["config"] = at.session_state["config"].replace(units=3, epochs=1, window=5, seeds=2)
    at.session_state["backtest_config"] = BacktestConfig(start="0.8", horizon=3, stride=6)  # the Backtest page's
    at.checkbox(key="compare_with_backtest").check().run()
    at.button(key="compare_start").click().run()
    assert not at.exception and not errors(at), errors(at)
    job = at.session_state["compare_job"]
    assert job is not None
    wait_watching(job, timeout=240)
    at.run()
    return at, job


def test_the_page_shows_the_cells_side_by_side(compared) -> None:
    """Scores with their spread beside the four baselines, the verdict in one sentence, the loss curves of every
    cell on one chart and the gradient reach of each."""
    at, job = compared
    assert job.state == "done", job.error
    assert not at.exception and not errors(at)
    table = at.dataframe[0].value
    assert list(table["model"]) == ["LSTM", "GRU", "RNN", "naive", "seasonal naive", "ETS", "Theta"]
    assert all(" ± " in value for value in table["across seeds (mean ± sd)"][:3])
    found = verdict(job.comparison)
    sentences = texts(at.success) + texts(at.warning)
    names = {"lstm": "LSTM", "gru": "GRU", "rnn": "RNN"}
    said = next(s for s in sentences if "wins" in s)
    assert said.startswith(f"The **{names[found.winner]}** wins") and "Across seeds the gap" in said
    charts = {chart.key: chart for chart in at.get("plotly_chart")}
    assert {"compare_loss", "compare_reach"} <= set(charts)
    assert len(charts["compare_loss"].proto.spec) > 0
    assert sum("of the last step's gradient" in m.value for m in at.markdown) == 1  # one list, a line per cell


def test_each_cell_is_backtested_beside_the_baselines_on_the_same_folds(compared) -> None:
    """With the box ticked, each cell's walk-forward backtest (the Backtest page's plan) is a row of RMSE mean ± sd
    over the folds, beside the seasonal naive and ETS of the same folds."""
    at, job = compared
    assert list(job.backtests) == ["lstm", "gru", "rnn"] and not job.backtest_errors
    table = next(frame.value for frame in at.dataframe if "folds" in frame.value.columns)
    assert list(table["model"]) == ["LSTM", "GRU", "RNN", "seasonal naive", "ETS"]
    folds = job.backtests["lstm"].folds
    assert folds >= 3 and set(table["folds"]) == {str(folds)}
    assert all(" ± " in value for value in table["RMSE over the folds (mean ± sd)"])
    assert any("horizon 3, stride 6" in caption.value for caption in at.caption)


def test_the_comparison_is_each_cells_own_and_the_verdict_its_lowest_rmse(compared) -> None:
    """Every cell trained the same settings; the reach is finite; the winner has the lowest test RMSE, and the
    improvement, the spread and the strongest baseline are computed from the runs."""
    _, job = compared
    comparison = job.comparison
    assert [run.weights.cell for run in comparison.runs.values()] == ["lstm", "gru", "rnn"]
    assert len({run.config.replace(cell="lstm") for run in comparison.runs.values()}) == 1
    for norms in comparison.reach.values():
        assert norms.shape == (5,) and np.isfinite(norms).all() and (norms > 0).all()
    found = verdict(comparison)
    rmse = {cell: run.metrics.rmse(Column.LSTM) for cell, run in comparison.runs.items()}
    ranked = sorted(rmse, key=rmse.get)
    assert (found.winner, found.runner_up) == (ranked[0], ranked[1])
    assert found.improvement == pytest.approx(1 - rmse[ranked[0]] / rmse[ranked[1]])
    (mean_w, sd_w), (mean_r, sd_r) = found.spread[found.winner], found.spread[found.runner_up]
    spread = comparison.runs[found.winner].metrics.seed_spread["lstm"]["rmse"]
    assert (mean_w, sd_w) == pytest.approx((spread["mean"], spread["sd"]))
    assert found.clear == (mean_r - mean_w > sd_w + sd_r)
    metrics = comparison.runs["lstm"].metrics
    baselines = [(metrics.rmse(n), str(n)) for n in (Column.NAIVE, Column.SEASONAL_NAIVE, Column.ETS, Column.THETA)]
    best = min(b for b in baselines if b[0] is not None)
    assert (found.baseline_rmse, found.baseline) == (pytest.approx(best[0]), best[1])
    assert found.beats_baseline == (found.rmse < best[0])


def test_each_cell_is_a_run_the_gates_page_can_show(compared) -> None:
    """The three runs join the visitor's runs; the Gates page offers them and draws a GRU's z, r, n, h."""
    at, _ = compared
    assert [record.run.weights.cell for record in at.session_state["runs"]] == ["lstm", "gru", "rnn"]
    assert ["×GRU(" in record.label for record in at.session_state["runs"]] == [False, True, False]  # its cell
    switch(at, "gates")
    chooser = at.selectbox(key="gates_run")
    assert [label.split(" ")[1] for label in chooser.options] == ["RNN(3)", "GRU(3)", "LSTM(3)"]
    chooser.set_value(chooser.options[1]).run()  # the choice is the run, shown by its label
    assert not at.exception
    latex = [element.value.strip("$\n") for element in at.latex]
    assert len(latex) == 4 and latex[-1].startswith(r"h_t = z_t")


@pytest.mark.parametrize(
    ("cell", "charts", "columns"),
    [("gru", 11, ["mean z", "mean r", "last h"]), ("rnn", 6, ["last h"])],  # before the averaged attributions
)
def test_gates_page_shows_the_cells_arrays(compared, cell, charts, columns) -> None:
    """A GRU's Gates page shows z, r, n, h with their equations (and its update gate per unit and saturation),
    a plain RNN's its h alone; the gradient views, every what-if edit and the Inside page work for both (the
    comparison's runs, chosen with the Run selector: no training of their own)."""
    at, _ = compared
    switch(at, "gates")
    chooser = at.selectbox(key="gates_run")
    name = {"gru": "GRU(3)", "rnn": "RNN(3)"}[cell]
    chooser.select_index(next(k for k, label in enumerate(chooser.options) if label.split(" ")[1] == name)).run()
    assert not at.exception
    latex = [element.value.strip("$\n") for element in at.latex]  # Streamlit wraps each in $$ ... $$
    assert len(latex) == (4 if cell == "gru" else 1)
    assert latex[-1].startswith(r"h_t = z_t" if cell == "gru" else r"h_t = \tanh")
    assert len(at.get("plotly_chart")) == charts  # gru: z, r, n, h, update gate per unit, saturation, reach, inputs
    keys = [chart.key for chart in at.get("plotly_chart")]
    assert keys[-5:-3] == ["gates_gradient_reach", "gates_attribution"]
    assert list(at.dataframe[0].value.columns) == columns
    at.toggle(key="gates_attribution_mean").set_value(True).run()
    assert not at.exception and any("sum to its prediction minus the baseline" in c.value for c in at.caption)
    for kind in ("step", "shift", "spike"):  # what if: each edit redraws at once
        at.radio(key="gates_whatif_kind").set_value(kind).run()
        assert not at.exception
    at.number_input(key="gates_whatif_size").set_value(5.0).run()
    predicted = next(m.value for m in at.markdown if m.value.startswith("Predicted value"))
    before, after = (float(part.split("**")[1]) for part in predicted.split("→"))
    assert before != after
    at.toggle(key="gates_attribution_mean").set_value(False).run()
    switch(at, "inside")  # the newest run, the plain RNN's
    assert not at.exception and [r.options for r in at.radio if r.key == "inside_state"] == [["hidden h"]]


def test_learn_loads_the_long_memory_sample_in_one_click() -> None:
    """Learn quotes the long-memory settings; its button loads the sample with them and opens the Compare page,
    which says them again."""
    at = open_app("learn")
    said = compare_views.long_memory_settings("en")  # "window 45, units 16, ...", from LONG_MEMORY_SETTINGS
    assert any(said in m.value for m in at.markdown) and not any("{settings}" in m.value for m in at.markdown)
    at.button(key="learn_long_memory").click().run()
    assert not at.exception
    assert at.session_state["dataset"].name == "long-memory"
    config, tried = at.session_state["config"], compare_views.LONG_MEMORY_SETTINGS
    assert (config.windows.window, config.model.units, config.train.batch_size) == (
        tried["window"],
        tried["units"],
        tried["batch_size"],
    )
    assert (config.train.learning_rate, config.train.epochs, config.windows.scaler) == (
        tried["learning_rate"],
        tried["epochs"],
        "none",
    )
    assert at.title[0].value == "Compare cells" and any(said in c.value for c in at.caption)


def test_the_compare_texts_take_the_same_placeholders_in_both_languages() -> None:
    """Every Compare sentence has the same {placeholders} in English and 中文, so one format call fills either."""
    import re

    from ui.text import i18n

    english, chinese = i18n.texts("en"), i18n.texts("zh")
    keys = [key for key in english if key.startswith("compare.")]
    assert len(keys) > 30
    for key in keys:
        assert set(re.findall(r"\{(\w+)\}", english[key])) == set(re.findall(r"\{(\w+)\}", chinese[key])), key
