"""AppTest: a GRU and a plain RNN trained from the Train form, the Gates page showing their own arrays, and the
Sweep form offering the cell."""

from __future__ import annotations

import pytest
from app_helpers import open_train_page, press_train, switch


@pytest.mark.parametrize(
    ("cell", "charts", "columns"),
    [("gru", 11, ["mean z", "mean r", "last h"]), ("rnn", 6, ["last h"])],  # before the averaged attributions
)
def test_gates_page_shows_the_cells_arrays(cell, charts, columns) -> None:
    """A GRU's Gates page shows z, r, n, h with their equations (and its update gate per unit and saturation),
    a plain RNN's its h alone; the Inside page draws their hidden states (no cell state)."""
    at = open_train_page(cell=cell, units=3, epochs=1, window=5)
    job = press_train(at)
    assert job.state == "done", job.error
    switch(at, "gates")
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
    switch(at, "inside")
    assert not at.exception and [r.options for r in at.radio if r.key == "inside_state"] == [["hidden h"]]


def test_the_sweep_form_offers_the_cells_unticked():
    """The Sweep form has a `cell` choice, not searched by default, offering lstm, gru and rnn once ticked."""
    from ui.forms import sweep_form

    widgets = sweep_form._defaults()
    assert widgets["sweep_search_cell"] is False and widgets["sweep_cell"] == ["lstm", "gru", "rnn"]
