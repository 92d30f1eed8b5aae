"""AppTest: the pages in 中文 show no English text of their own: every label, message, header and chart title is the
Chinese one (each page as a new visitor finds it; the Runs page with stored runs, a backtest and a benchmark)."""

from __future__ import annotations

import json
import re

import pytest
from app_helpers import open_app, press_train, set_widgets, switch, texts

from lstm_core.config.backtest import BacktestConfig
from lstm_core.config.benchmark import BenchmarkConfig
from lstm_core.config.settings import ExperimentConfig
from lstm_core.evaluate.benchmark_settings import stored_settings
from lstm_core.store.db import NewRun, open_store
from ui import pages
from ui.text import i18n

FORECAST = (
    b"time,actual,lstm,naive,seasonal_naive,drift,part\n2000-01-01,1,1.1,0.9,,1,test\n2000-02-01,2,2.1,1,,2,test\n"
)
HISTORY = [{"epoch": 1, "loss": 0.5, "val_loss": 0.6, "seconds": 0.2}, {"epoch": 2, "loss": 0.4, "val_loss": 0.5,
           "seconds": 0.2}]  # fmt: skip


def _entries() -> list[NewRun]:
    """Two trained runs (one predicting differences), a backtest and a benchmark, as the store keeps them."""
    metrics = {
        "lstm": {"rmse": 1.0},
        "naive": {"rmse": 1.2},
        "beats_naive": True,
        "epochs_run": 2,
        "stop_reason": "early_stopping",
        "train_seconds": 0.5,
        "samples_per_second": 100.0,
    }
    runs = [
        NewRun(
            name="airline-passengers",
            config=ExperimentConfig().replace(units=units, difference=difference).to_dict(),
            metrics={**metrics, "skill_vs_naive": skill},
            history=HISTORY,
            artifacts={"forecast.csv": FORECAST},
        )
        for units, difference, skill in ((8, "none", 0.2), (16, "first", -0.1))
    ]
    config = ExperimentConfig()
    backtest = NewRun(
        name="airline-passengers",
        config={**config.to_dict(), "backtest": vars(BacktestConfig())},
        metrics=metrics,
        kind="backtest",
        source="sample:airline",
    )
    settings = stored_settings(BenchmarkConfig(series=2), config, data="collection:tourism-monthly")
    benchmark = NewRun(
        name="tourism-monthly",
        config={**config.to_dict(), "benchmark": settings},
        metrics={"lstm": {"mase": 1.5}, "series": 2},
        kind="benchmark",
        source=settings["data"],
    )
    return [*runs, backtest, benchmark]


def _english(prefixes: tuple[str, ...]) -> list[re.Pattern[str]]:
    """The English texts under `prefixes` as patterns (a `{blank}` matches anything); a text with blanks and fewer
    than 8 letters of its own ("{c} layer") is left out, as it matches too much."""
    english = i18n.texts("en")
    patterns = []
    for key, value in english.items():
        if key.startswith(prefixes) and value != i18n.texts("zh")[key]:
            parts = re.split(r"\{[^}]*\}", value)
            if len(parts) > 1 and len(re.findall(r"[A-Za-z]", "".join(parts))) < 8:
                continue
            patterns.append(re.compile(".*?".join(re.escape(part) for part in parts), re.DOTALL))
    return patterns


def _chart_titles(at) -> list[str]:
    titles = []
    for chart in at.get("plotly_chart"):
        layout = json.loads(chart.proto.spec).get("layout", {})
        titles.append(layout.get("title", {}).get("text", ""))
    return titles


def _english_left(at) -> list[str]:
    """The texts on the page (labels, titles, captions, messages, chart titles) that are English texts of the tables."""
    widgets = (*at.button, *at.selectbox, *at.multiselect, *at.text_input, *at.checkbox, *at.expander, *at.radio,
               *at.number_input, *at.slider, *at.toggle)  # fmt: skip
    labels = [widget.label for widget in widgets] + [tab.label for tab in at.tabs]
    elements = (at.title, at.subheader, at.caption, at.info, at.warning, at.error, at.success, at.markdown)
    words = [*labels, *(text for element in elements for text in texts(element)), *_chart_titles(at)]
    english = _english(tuple(f"{section}." for section in SECTIONS))
    return [word for word in words for pattern in english if pattern.fullmatch(word)]


# Every section of the tables a page draws from (Learn's and the gates' own were checked before these).
SECTIONS = ("runs", "pages", "sidebar", "common", "train", "data", "forecast", "backtest", "benchmark", "gates",
            "inside", "sweep", "share", "compare", "collection", "gate_text", "learn")  # fmt: skip


@pytest.mark.parametrize("page", [page.name for page in pages.PAGES if page.name != "runs"])
def test_each_page_in_chinese_shows_no_english_text(page: str) -> None:
    """A new visitor who chose 中文 finds each page (and the sidebar) without an English text of the tables."""
    at = open_app(page, query={"lang": "zh"})
    assert not at.exception, at.exception
    assert _english_left(at) == []
    assert texts(at.sidebar.caption)[0].startswith("数据：")


def test_the_pages_of_a_trained_run_in_chinese_show_no_english_text() -> None:
    """After a tiny training in Chinese (two layers, two seeds, predicting differences) the Train, Forecast, Gates
    and Inside pages draw every text of theirs in Chinese, their blanks filled."""
    at = open_app("train", query={"lang": "zh"})
    set_widgets(at, units=4, epochs=2, window=6, layers=2, seeds=2, difference="first")
    press_train(at)
    for page in ("train", "forecast", "gates", "inside"):
        switch(at, page)
        assert not at.exception and not at.error, (page, at.exception, texts(at.error))
        assert _english_left(at) == [], page
    zh = i18n.texts("zh")
    assert at.selectbox(key="inside_layer").label == zh["gates.layer_of"].format(c="LSTM")
    switch(at, "gates")
    assert any(zh["gate_text.gradients_header"] == header for header in texts(at.subheader))


def test_the_runs_page_in_chinese_shows_no_english_text() -> None:
    """With the language switched to 中文, no text of the Runs page, its sidebar and its tables' headers is the
    English one, and its labels are the Chinese texts."""
    workspace = "runs-in-chinese-" + "w" * 24
    store = open_store()
    for entry in _entries():
        store.save_run(workspace, entry)
    at = open_app("runs", query={"ws": workspace, "lang": "zh"})
    assert not at.exception and not at.error, (at.exception, texts(at.error))
    zh = i18n.texts("zh")

    assert _english_left(at) == []
    labels = [button.label for button in at.button]
    assert texts(at.title) == [zh["runs.title"]] and zh["runs.again_button"] in labels
    assert zh["runs.loss_title"] in _chart_titles(at) and zh["runs.parallel_title"] in _chart_titles(at)

    table = at.dataframe[0].value  # the stored runs, their kinds and reasons in words too
    english_headers = {value for key, value in i18n.texts("en").items() if key.startswith("runs.columns.")}
    assert not set(table.columns) & english_headers, list(table.columns)
    assert {zh["runs.columns.lstm_rmse"], zh["runs.columns.skill_vs_naive"]} <= set(table.columns)
    assert set(table[zh["runs.columns.kind"]]) == {
        zh[f"runs.kinds.{kind}"] for kind in ("run", "backtest", "benchmark")
    }
    assert zh["runs.ended.early_stopping"] in set(table[zh["runs.columns.ended"]])
    compared = at.multiselect(key="runs_compare").value
    assert len(compared) == 2 and any(zh["runs.differences.first"] in label for label in compared), compared
