"""The Sweep form offering the cell. (The Gates page of a GRU and of a plain RNN is tested on the runs of a
comparison, tests/app/test_app_compare.py, which trains both cells anyway.)"""

from __future__ import annotations


def test_the_sweep_form_offers_the_cells_unticked():
    """The Sweep form has a `cell` choice, not searched by default, offering lstm, gru and rnn once ticked."""
    from ui.forms import sweep_form

    widgets = sweep_form._defaults()
    assert widgets["sweep_search_cell"] is False and widgets["sweep_cell"] == ["lstm", "gru", "rnn"]
