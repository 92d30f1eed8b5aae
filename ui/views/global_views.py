"""The global LSTM of the visitor's last benchmark, looked at for one series: the Benchmark page's chooser, the Run
selector the Gates and Inside pages share, and the Gates page's view of it.

A `GlobalSeriesView` holds one series' windows as the network read them (lstm_core.evaluate.benchmark_inside; derived
when the visitor chooses the series, never all S series'), the network's NumPy weights, and a label,
"Global LSTM · <series> · <collection>". It is kept on the benchmark's record (`benchmark_result.inside`), so it goes
with that record and adds no run to `runs`. Everything it shows is computed in NumPy from the weights.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from lstm_core.evaluate.benchmark import look_inside
from lstm_core.evaluate.benchmark_inside import SeriesInside, window_states
from lstm_core.inside.states import saturation_over_test
from lstm_core.nn.gates import network_gates
from lstm_core.nn.weights import NetworkWeights
from ui import pages
from ui.charts.compare_charts import CELL_NAMES
from ui.text.format import plain, time_label
from ui.text.i18n import text
from ui.views import gate_views
from ui.views.network_cache import per_network

__all__ = ["GlobalSeriesView", "choose", "current", "draw_chooser", "draw_gates", "network_units"]

_KINDS = ("training", "validation", "forecast")  # a window's kind; its words are `gates.global_kind_<kind>`


@dataclass(eq=False)
class GlobalSeriesView:
    """One series of a benchmark's global LSTM, as the Gates and Inside pages draw it."""

    series: str
    collection: str
    inside: SeriesInside
    weights: NetworkWeights  # the first seed's network
    members: int
    seed: int
    epochs_run: int
    chosen_at: float = field(default_factory=time.time)
    _states: list[dict[str, Any]] | None = None

    @property
    def label(self) -> str:
        return f"Global LSTM · {self.series} · {self.collection}"

    @property
    def number(self) -> str:
        """The key of this view in the pages' caches (a run's number there)."""
        return f"global:{self.collection}:{self.series}:{self.chosen_at}"

    def states(self) -> list[dict[str, Any]]:
        """Each layer's states at the last step of every window, (T, U); computed once for this series."""
        if self._states is None:
            self._states = window_states(self.inside, self.weights)
        return self._states


def current() -> GlobalSeriesView | None:
    """The series of the last benchmark's global LSTM the visitor chose to look inside, or None."""
    return getattr(st.session_state.get("benchmark_result"), "inside", None)


def network_units(view: GlobalSeriesView) -> str:
    """The sentence saying in which units the network reads the series (the pages draw those units)."""
    return text("gates.global_units").format(s=plain(view.series), x=f"{view.inside.scale:.4g}")


def draw_chooser(record: Any) -> None:
    """The Benchmark page's "look inside": a series of the global LSTM, and the button that opens its gates."""
    network, collection = getattr(record.result, "network", None), getattr(record, "collection", None)
    if network is None or collection is None:  # no global LSTM ran (or its head is the recursive one)
        return
    st.subheader(text("benchmark.inside_title"))
    st.caption(text("benchmark.inside_caption"))
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    name = left.selectbox(text("benchmark.inside_series"), network.series, key="benchmark_inside_series")
    if not right.button(text("benchmark.inside_button"), key="benchmark_inside"):
        return
    try:
        inside = look_inside(network, collection, name)
    except Exception as error:  # LabError, or a collection changed under the record: one sentence, no traceback
        st.error(plain(str(error)))
        return
    data = str(record.settings.get("data") or record.name)
    record.inside = GlobalSeriesView(
        series=name,
        collection=data.removeprefix("collection:"),
        inside=inside,
        weights=network.weights,
        members=network.members,
        seed=network.seed,
        epochs_run=network.epochs_run,
    )
    for key in ("gates_run", "inside_run", "gates_global_window"):  # the pages open on this series
        st.session_state.pop(key, None)
    pages.switch("gates")


def _label(item: Any) -> str:
    if isinstance(item, GlobalSeriesView):
        return item.label
    shape = f"{CELL_NAMES[item.run.weights.cell]}({item.config.model.units})"
    window = text("runs.window").format(w=item.config.windows.window)
    return f"#{item.number} {shape} · {plain(item.dataset_name)} · {window}"


def choose(key: str, view: GlobalSeriesView | None, *, always: bool = True) -> Any:
    """The run (a RunRecord with its model) or the global view whose insides the page shows: a "Run" selectbox when
    there is more than one (newest first; `always=False` keeps the runs' choice to the newest one), else the one."""
    runs = [item for item in st.session_state.runs if item.run is not None]  # the newest runs keep their model
    if not always:
        runs = runs[-1:]
    options: list[Any] = runs[::-1]
    if view is not None:  # before the runs finished earlier than it was chosen
        earlier = sum(1 for item in options if item.finished_at > view.chosen_at)
        options.insert(earlier, view)
    if len(options) > 1:
        named = {id(option): _label(option) for option in options}
        return st.selectbox(
            text("gates.run"), options, format_func=lambda option: named.get(id(option)) or _label(option), key=key
        )
    return options[0] if options else None


def draw_gates(view: GlobalSeriesView) -> None:
    """The Gates page for one series of the global LSTM: any of its windows, its gates per layer, the per-unit
    summary and the saturation; NumPy from the kept weights (the final network: no epochs were recorded)."""
    inside, weights = view.inside, view.weights
    st.caption(text("gates.caption").format(r=plain(view.label)))
    st.caption(network_units(view))
    if view.members > 1:
        st.caption(text("gates.global_members").format(n=view.members, s=view.seed))
    cell = weights.cell
    layer = 0
    if len(weights.lstm) > 1:
        layer = st.selectbox(
            text("gates.layer_of").format(c=CELL_NAMES[cell]), range(len(weights.lstm)),
            format_func=[text("gates.layer").format(n=k + 1) for k in range(len(weights.lstm))].__getitem__,
            key="gates_layer",
        )  # fmt: skip
    count = len(inside.x)
    if st.session_state.get("gates_global_window", 0) > count:  # left from a longer series: start at its end
        del st.session_state["gates_global_window"]
    position = st.slider(text("gates.global_window"), 1, count, value=count, key="gates_global_window") - 1
    end, window, h = int(inside.ends[position]), inside.window, inside.horizon
    index = inside.index
    times = index[end - window : end]
    last = min(end + h, len(index)) - 1
    kind = text(f"gates.global_kind_{inside.kinds[position]}")
    inputs_words = {"a": time_label(times[0]), "b": time_label(times[-1])}
    steps = {"h": h, "p": time_label(index[end]), "q": time_label(index[last])}
    base = text(f"benchmark.bases.{inside.base}")
    st.markdown(
        text("gates.global_window_words").format(i=position + 1, n=count, k=kind, **inputs_words, **steps, f=base)
    )
    if layer > 0:
        st.caption(text("gates.deeper_layer").format(n=layer + 1, m=layer))
    inputs = inside.x[position, :, 0]  # (window,) the values as the network reads them
    input_label = text("gates.global_input")
    gates = network_gates(inside.x[[position]], weights)[layer]  # each (1, window, units)
    saturated = per_network(
        weights, ("saturation", layer, view.series), lambda: saturation_over_test(inside.x, weights, layer)
    )
    gate_figures = gate_views.cached_figures(
        (view.number, position, layer, cell),
        lambda: gate_views.build_figures(gates, times, inputs, input_label, saturated, cell),
    )
    gate_views.draw_window_gates(gates, gate_figures, saturated, cell)
    st.caption(text("gates.global_no_gradients"))
