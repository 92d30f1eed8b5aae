"""ui.text.format.plain: names from the user's file shown as typed, never as markdown, LaTeX or links."""

from __future__ import annotations

import re

import pytest

from ui.text.format import plain


@pytest.mark.parametrize(
    "name",
    [
        "$\\href{http://x}{y}$",
        "**bold** :red[x] <b>",
        "Hello:World :smile: a_b_c ~~s~~ `c` #1 &amp; [a](b)",
        "see www.evil.com or me@evil.com",
        "1. Sales - total",
    ],
)
def test_plain_escapes_every_markdown_character(name: str) -> None:
    """plain() backslash-escapes each ASCII punctuation mark and breaks bare links; unescaped it is the name again."""
    shown = plain(name)
    unescaped = re.sub(r"\\(.)", r"\1", shown.replace("\u2060", ""))
    assert unescaped == name
    assert re.fullmatch(r"(?:\\[!-/:-@\[-`{-~]|[^!-/:-@\[-`{-~])*", shown)  # every punctuation mark escaped
    assert "www." not in shown and "@" not in shown.replace("\u2060\\@", "")


def test_plain_puts_a_name_on_one_line() -> None:
    """Line breaks in a name become spaces, so it cannot start a heading or a list."""
    assert plain("a\n# b\r\n- c") == "a \\# b \\- c"


def test_chart_text_shows_tags_instead_of_obeying_them() -> None:
    """Names in Plotly titles, legends and axes have <, > and & as entities, so Plotly draws them as typed."""
    import numpy as np
    import pandas as pd

    from lstm_core.data.dataset import Dataset
    from ui.charts.figures import series_figure
    from ui.text.format import chart_text

    assert chart_text('<a href="x">y</a> & <br>') == '&lt;a href="x"&gt;y&lt;/a&gt; &amp; &lt;br&gt;'
    frame = pd.DataFrame({"<b>sales</b>": np.arange(5.0)}, index=pd.RangeIndex(5, name="step"))
    figure = series_figure(Dataset(frame=frame, target="<b>sales</b>", name="a<br>b.csv"))
    assert figure.layout.title.text == "a&lt;br&gt;b.csv: &lt;b&gt;sales&lt;/b&gt;"
    assert figure.layout.yaxis.title.text == figure.data[0].name == "&lt;b&gt;sales&lt;/b&gt;"
