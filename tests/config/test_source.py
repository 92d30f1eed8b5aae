"""A data source parsed once: `sample:NAME`, `yahoo:TICKER`, `upload:NAME` or a path, and back to the same text."""

from __future__ import annotations

import pytest

from lstm_core.config.settings import DataConfig
from lstm_core.config.source import DataSource, SourceKind


@pytest.mark.parametrize(
    ("text", "kind", "name"),
    [
        ("sample:airline-passengers", SourceKind.SAMPLE, "airline-passengers"),
        ("yahoo:AAPL", SourceKind.YAHOO, "AAPL"),
        ("upload:my data.csv", SourceKind.UPLOAD, "my data.csv"),
        ("data/series.csv", SourceKind.PATH, "data/series.csv"),
        ("/tmp/a:b.csv", SourceKind.PATH, "/tmp/a:b.csv"),
        (r"C:\data\series.csv", SourceKind.PATH, r"C:\data\series.csv"),
    ],
)
def test_parse_round_trips(text, kind, name):
    """Each kind parses to its kind and name, and `str()` gives back exactly the stored text."""
    source = DataSource.parse(text)
    assert (source.kind, source.name) == (kind, name)
    assert str(source) == text and DataSource.parse(str(source)) == source


def test_prefix_is_case_insensitive_and_the_name_stripped():
    """` Sample: sine ` is the sample sine, as the loader has always read it; a prefix without a name is a path."""
    assert DataSource.parse(" Sample: sine ") == DataSource.sample("sine")
    assert DataSource.parse("YAHOO:msft") == DataSource.yahoo("msft")
    assert DataSource.parse("sample:") == DataSource(SourceKind.PATH, "sample:")
    assert DataSource("upload", "x.csv").kind is SourceKind.UPLOAD  # a kind given as text becomes the enum


def test_kinds_are_the_old_prefixes():
    """The kinds' values are the prefixes a config.json, a link and the command line hold."""
    assert [str(k) for k in SourceKind] == ["sample", "yahoo", "upload", "path"]
    assert str(DataSource.upload("a.csv")) == "upload:a.csv" and str(DataSource.yahoo("AAPL")) == "yahoo:AAPL"


def test_data_config_keeps_the_text_and_parses_it():
    """DataConfig.source stays the text (config.json unchanged); `data_source` is it parsed."""
    config = DataConfig(source="yahoo:AAPL")
    assert config.source == "yahoo:AAPL" and config.data_source == DataSource.yahoo("AAPL")
    assert DataConfig().data_source == DataSource.sample("airline-passengers")
