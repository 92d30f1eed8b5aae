"""The Benchmark page's parts: its form (widgets `benchmark_*`; ui.jobs.benchmarks starts a benchmark from it),
filling it from a stored benchmark, and the result (the summary table, the published figures, the scatter, the
sentence, the downloads).

Every word is in ui/text/<lang>.toml under `benchmark.`; the figures are ui.charts.benchmark_charts'.
"""

from __future__ import annotations

import json
from typing import Any

import streamlit as st

from lstm_core.cli.benchmark import BENCHMARK_DEFAULTS
from lstm_core.config.benchmark import MODELS, BenchmarkConfig
from lstm_core.config.setting import settings_of
from lstm_core.config.settings import ExperimentConfig
from lstm_core.data.collections import COLLECTION_PREFIX, COLLECTIONS
from lstm_core.errors import LabError
from lstm_core.evaluate.benchmark import NETWORKS, parse_models
from lstm_core.experiment.export import safe_csv
from lstm_core.store.evaluations import plain as json_safe
from ui.charts import benchmark_charts
from ui.text.format import plain
from ui.text.i18n import text

__all__ = [
    "LOADED",
    "MAX_SERIES",
    "MODELS",
    "benchmark_from_widgets",
    "draw_form",
    "draw_result",
    "fill_from_stored",
    "fill_missing_widgets",
    "lstm_config",
]

LOADED = "loaded"  # the form's choice of the collection loaded on the Data page
# The form's models are MODELS, every model a benchmark runs (config.benchmark, where the command line reads them).
DEFAULT_SERIES = 20  # about a minute with the five default models on this project's 2-core machine
MAX_SERIES = 500  # a visitor's benchmark holds one of the server's training places
# The BenchmarkConfig settings the form holds, widget `benchmark_<name>` each (id_column is a CSV's: the Data page
# loads one); their limits and choices are the settings' own.
SETTINGS = {item.name: item.metadata for item in settings_of(BenchmarkConfig) if item.name != "id_column"}
# The LSTM settings a benchmark takes from the form and its own (the rest are the Train form's): the form's units,
# epochs, patience and window, the benchmark's batch size, and each series' own season.
_FIXED = ("batch_size", "season_length")
_CHALLENGERS = ("ets", "theta", "seasonal_naive", "naive")  # the network's opponent in the scatter, first found


def _widget_values(benchmark: BenchmarkConfig) -> dict[str, Any]:
    """A benchmark's settings as the form's widgets hold them (horizon 0: the collection's own)."""
    values = {name: getattr(benchmark, name) for name in SETTINGS}
    values.update(
        series=benchmark.series or MAX_SERIES,
        horizon=benchmark.horizon or 0,
        models=list(parse_models(benchmark.model_names)),  # every one of MODELS; LabError for an unknown one
    )
    return values


def lstm_config(train: ExperimentConfig, *, units: int, epochs: int, patience: int, window: int) -> ExperimentConfig:
    """The LSTM a benchmark from the form trains: `train` (the Train form's settings) with the form's units, epochs,
    patience and window, the benchmark's batch size and each series' own season (the form has none)."""
    return train.replace(
        batch_size=BENCHMARK_DEFAULTS["batch_size"],
        units=int(units),
        epochs=int(epochs),
        patience=int(patience),
        window=int(window),
        season_length=None,  # each series' own, as run, stored and rerun
    )


def benchmark_from_widgets(*, horizon: int | None) -> BenchmarkConfig:
    """The benchmark the form's widgets hold, with `horizon` (the one the form's collection gives, when the form
    leaves it 0); LabError (one sentence) for a bad setting."""
    s = st.session_state
    values = {name: s[f"benchmark_{name}"] for name in SETTINGS}
    return BenchmarkConfig(**{**values, "models": tuple(values["models"]), "horizon": horizon})


def _defaults() -> dict[str, Any]:
    return {
        "collection": "tourism-monthly",
        **_widget_values(BenchmarkConfig(series=DEFAULT_SERIES)),
        "units": BENCHMARK_DEFAULTS["units"],
        "epochs": BENCHMARK_DEFAULTS["epochs"],
        "patience": BENCHMARK_DEFAULTS["patience"],
        "window": 0,
    }


def fill_missing_widgets() -> None:
    """Give every form widget its value before it is drawn: the defaults, where the visitor has not set one."""
    for name, value in _defaults().items():
        st.session_state.setdefault(f"benchmark_{name}", value)


def fill_from_stored(stored: Any) -> None:
    """Put a stored benchmark's settings (store.StoredRun of kind "benchmark") into the form, for a rerun: every
    BenchmarkConfig setting the form holds (those stored before a setting existed take its default), and the LSTM's
    units, epochs, patience and window. The LSTM's other settings are the Train form's: where they differ from those
    it ran with, the message names them and the command that reruns it exactly."""
    settings = stored.config.get("benchmark", {})
    data = str(settings.get("data", ""))
    name = data.removeprefix(COLLECTION_PREFIX)
    loaded = st.session_state.get("collection")
    if name not in COLLECTIONS and loaded is not None and data in (loaded.source, loaded.name):
        name = LOADED  # it ran on the collection loaded on the Data page now
    elif name not in COLLECTIONS:
        raise LabError(text("runs.benchmark_other_data").format(d=data, i=stored.id[:12]))
    try:
        benchmark = BenchmarkConfig(**{key: value for key, value in settings.items() if key in SETTINGS})
        chosen = _widget_values(benchmark)
    except LabError as error:
        raise LabError(text("runs.benchmark_unreadable").format(e=error)) from None
    drawn = benchmark.series or stored.metrics.get("series") or 0  # None: every series of the collection
    if drawn > MAX_SERIES:
        raise LabError(text("runs.benchmark_too_many").format(n=drawn, m=MAX_SERIES, i=stored.id[:12]))
    model, train, windows = (stored.config.get(part, {}) for part in ("model", "train", "windows"))
    values = {
        "collection": name,
        **chosen,
        "units": model.get("units", BENCHMARK_DEFAULTS["units"]),
        "epochs": train.get("epochs", BENCHMARK_DEFAULTS["epochs"]),
        "patience": train.get("patience") or BENCHMARK_DEFAULTS["patience"],
        "window": windows.get("window", 0),
    }
    differences = _lstm_differences(stored, {name: values[name] for name in ("units", "epochs", "patience", "window")})
    for key, value in values.items():
        st.session_state[f"benchmark_{key}"] = value
    st.session_state.benchmark_message = " ".join(filter(None, (text("benchmark.from_runs"), differences)))


def _lstm_differences(stored: Any, form: dict[str, int]) -> str | None:
    """The sentence naming the LSTM settings a rerun from the form would change, or None when it would train the LSTM
    the stored benchmark trained. A benchmark's LSTM reads its network and training settings, its window and the
    season; `form` holds the form's units, epochs, patience and window, the Train form the rest."""
    lstm = {part: value for part, value in stored.config.items() if part != "benchmark"}
    ran = ExperimentConfig.from_dict(lstm).to_dict()  # LabError (one sentence) for an unreadable one
    runs = lstm_config(st.session_state.config, **form).to_dict()
    differ = [(part, name) for part in ("model", "train") for name in ran[part] if runs[part][name] != ran[part][name]]
    if runs["forecast"]["season_length"] != ran["forecast"]["season_length"]:
        differ.append(("forecast", "season_length"))
    if not differ:
        return None
    named = "; ".join(
        text("benchmark.lstm_difference").format(n=name, v=runs[part][name], r=ran[part][name]) for part, name in differ
    )
    fixed = any(name in _FIXED for _, name in differ)  # a benchmark from the form sets these itself
    key = "benchmark.lstm_differs_fixed" if fixed else "benchmark.lstm_differs"
    return text(key).format(d=named, i=stored.id[:12])


def draw_form() -> None:
    """The form's widgets (inside the page's st.form)."""
    left, middle, right = st.columns(3)
    names = list(COLLECTIONS)
    loaded = st.session_state.get("collection")
    if loaded is not None:  # the Data page's collection, first
        names.insert(0, LOADED)
    elif st.session_state.get("benchmark_collection") == LOADED:
        st.session_state.benchmark_collection = names[0]  # it was unloaded
    label = text("benchmark.collection")
    shown = {name: _collection_label(name, loaded) for name in names}  # labels made now, in the visitor's language
    left.selectbox(
        label,
        names,
        key="benchmark_collection",
        format_func=lambda name: shown.get(name) or _collection_label(name, loaded),
    )
    left.number_input(
        text("benchmark.series"), 1, MAX_SERIES, step=1, key="benchmark_series", help=text("benchmark.series_help")
    )
    left.number_input(text("benchmark.sample_seed"), 0, 2**31 - 1, step=1, key="benchmark_sample_seed")
    middle.number_input(text("benchmark.horizon"), 0, 120, step=1, key="benchmark_horizon")
    middle.multiselect(text("benchmark.models"), MODELS, key="benchmark_models")
    _choice(middle, "base", "bases")
    middle.number_input(
        text("benchmark.windows_per_series"),
        int(SETTINGS["windows_per_series"]["low"]),
        int(SETTINGS["windows_per_series"]["high"]),
        step=1,
        key="benchmark_windows_per_series",
        help=text("benchmark.windows_per_series_help"),
    )
    right.caption(text("benchmark.lstm_settings").format(b=BENCHMARK_DEFAULTS["batch_size"]))
    right.number_input(text("benchmark.units"), 1, 256, step=1, key="benchmark_units")
    right.number_input(text("benchmark.epochs"), 1, 500, step=1, key="benchmark_epochs")
    right.number_input(text("benchmark.patience"), 1, 100, step=1, key="benchmark_patience")
    right.number_input(text("benchmark.window"), 0, 512, step=1, key="benchmark_window")
    _choice(right, "head", "heads")
    for name in ("series_embedding", "series_code"):
        right.number_input(
            text(f"benchmark.{name}"),
            int(SETTINGS[name]["low"]),
            int(SETTINGS[name]["high"]),
            step=1,
            key=f"benchmark_{name}",
            help=text(f"benchmark.{name}_help"),
        )
    right.checkbox(text("benchmark.calendar"), key="benchmark_calendar", help=text("benchmark.calendar_help"))


def _choice(column: Any, name: str, labels: str) -> None:
    """A selectbox of the setting `name`'s choices, each shown by its text `benchmark.<labels>.<choice>`."""
    choices = SETTINGS[name]["choices"]
    shown = {choice: text(f"benchmark.{labels}.{choice}") for choice in choices}
    column.selectbox(text(f"benchmark.{name}"), choices, key=f"benchmark_{name}", format_func=shown.get,
                     help=text(f"benchmark.{name}_help"))  # fmt: skip


def _collection_label(name: str, loaded: Any) -> str:
    if name == LOADED:
        return text("benchmark.loaded").format(n=loaded.name, s=len(loaded)) if loaded is not None else name
    family, kind = COLLECTIONS[name]
    return f"{family} {kind}"


def _columns() -> dict[str, str]:
    keys = ("model", "smape", "smape_ci", "mase", "mase_ci", "owa", "seconds", "method", "metric", "value", "source")
    return {key: text(f"benchmark.columns.{key}") for key in keys}


def draw_result(record: Any) -> None:
    """The last benchmark: what ran, its notes, the table, the published figures, the scatter and the downloads."""
    result, summary = record.result, record.result.summary
    columns = _columns()
    st.subheader(text("benchmark.result").format(n=record.name, s=summary["series"], h=summary["horizon"]))
    for note in result.notes:
        st.caption(plain(note))
    st.markdown(f"**{text('benchmark.table')}**")
    st.dataframe(
        benchmark_charts.summary_table(summary, columns),
        hide_index=True,
        key="benchmark_table",
        column_config={
            columns["smape"]: st.column_config.NumberColumn(format="%.2f"),
            columns["mase"]: st.column_config.NumberColumn(format="%.3f"),
            columns["owa"]: st.column_config.NumberColumn(format="%.3f"),
            columns["seconds"]: st.column_config.NumberColumn(format="%.1f"),
        },
    )
    st.caption(text("benchmark.table_caption"))
    for line in _network_lines(summary.get("networks", {})):
        st.caption(line)

    st.markdown(f"**{text('benchmark.published')}**")
    published = benchmark_charts.published_table(str(record.settings.get("data", record.name)), columns)
    if published is None:
        st.caption(text("benchmark.published_none"))
    else:
        st.dataframe(published, hide_index=True, key="benchmark_published")
        st.caption(text("benchmark.published_caption").format(s=summary["series"]))

    _draw_duel(result.scores)
    _draw_downloads(record)
    if record.store_id:
        st.caption(text("benchmark.stored").format(i=record.store_id[:12]))


def _network_lines(networks: dict[str, Any]) -> list[str]:
    """Each network's band coverage on the test parts (beside the nominal level) and, for a seed ensemble, the spread
    of its mean MASE across the seeds."""
    lines = []
    for model, fit in networks.items():
        for level, block in (fit.get("coverage") or {}).items():
            if block["overall"] is None:
                lines.append(text("benchmark.coverage_none").format(m=model, l=level))
            else:
                shares = (block["overall"], block["per_series_mean"], block["per_series_min"])
                o, p, w = (f"{100 * share:.1f}%" for share in shares)
                lines.append(text("benchmark.coverage").format(m=model, l=level, o=o, p=p, w=w))
        seeds = fit.get("seeds") or {}
        if seeds.get("count", 1) > 1 and seeds["mase"]["mean"] is not None:
            x, s = f"{seeds['mase']['mean']:.3f}", f"{seeds['mase']['sd']:.3f}"
            lines.append(text("benchmark.seed_spread").format(m=model, x=x, s=s, n=seeds["count"]))
    return lines


def _draw_duel(scores: Any) -> None:
    models = set(scores["model"])
    network = next((m for m in NETWORKS if m in models), None)
    other = next((m for m in _CHALLENGERS if m in models), None)
    duel = benchmark_charts.duel(scores, network, other) if network and other else None
    if duel is None:
        st.info(text("benchmark.no_duel"))
        return
    words = {"a": network, "b": other}
    st.subheader(text("benchmark.scatter").format(**words))
    sentence = text("benchmark.beats").format(
        w=duel.wins, s=duel.series, m=duel.network_mean, o=duel.other_mean, **words
    )
    (st.success if duel.network_mean < duel.other_mean else st.warning)(sentence)
    figure = benchmark_charts.mase_scatter(
        scores,
        network,
        other,
        x_title=text("benchmark.scatter_x").format(**words),
        y_title=text("benchmark.scatter_y").format(**words),
    )
    if figure is not None:
        st.plotly_chart(figure, key="benchmark_scatter")
        st.caption(text("benchmark.scatter_caption").format(**words))


def _draw_downloads(record: Any) -> None:
    result = record.result
    summary = {**result.summary, "config": {**record.settings, "lstm": record.config.to_dict()}}
    summary["notes"] = list(result.notes)
    files = {
        "forecasts.csv": (safe_csv(result.forecasts), "text/csv"),
        "scores.csv": (safe_csv(result.scores), "text/csv"),
        "summary.json": (json.dumps(json_safe(summary), indent=2) + "\n", "application/json"),
    }
    st.markdown(f"**{text('benchmark.downloads')}**")
    for column, (name, (data, mime)) in zip(st.columns(len(files)), files.items(), strict=True):
        column.download_button(
            name, data=data, file_name=name, mime=mime, key=f"benchmark_download_{name}", on_click="ignore"
        )
