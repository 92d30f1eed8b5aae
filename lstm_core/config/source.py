"""Where a series comes from, parsed once: `sample:NAME`, `yahoo:TICKER`, `upload:NAME` or a CSV path.

`DataSource.parse(text)` reads the text a config, a link or the command line holds (`DataConfig.source`);
`str(source)` writes it back, so the stored and JSON form stays that text. The prefix is case-insensitive and the
name is stripped (`Sample: sine` is the sample `sine`); a prefix with no name, or any other text, is a path.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["DataSource", "SourceKind"]


class SourceKind(StrEnum):
    SAMPLE = "sample"  # a bundled sample (lstm_core.data.sources.SAMPLES)
    YAHOO = "yahoo"  # a Yahoo Finance ticker
    UPLOAD = "upload"  # a file uploaded in the app; only its name travels (a link, a config.json)
    PATH = "path"  # a CSV file on this machine


_PREFIXED = (SourceKind.SAMPLE, SourceKind.YAHOO, SourceKind.UPLOAD)


@dataclass(frozen=True)
class DataSource:
    """A data source: its `kind` and its `name` (the sample's name, the ticker, the uploaded file's or the path)."""

    kind: SourceKind
    name: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", SourceKind(self.kind))

    @classmethod
    def parse(cls, text: str) -> DataSource:
        text = str(text).strip()
        prefix, colon, rest = text.partition(":")
        kind = prefix.strip().lower()
        if colon and rest.strip() and kind in _PREFIXED:
            return cls(SourceKind(kind), rest.strip())
        return cls(SourceKind.PATH, text)

    @classmethod
    def sample(cls, name: str) -> DataSource:
        return cls(SourceKind.SAMPLE, name)

    @classmethod
    def yahoo(cls, ticker: str) -> DataSource:
        return cls(SourceKind.YAHOO, ticker)

    @classmethod
    def upload(cls, file_name: str) -> DataSource:
        return cls(SourceKind.UPLOAD, file_name)

    def __str__(self) -> str:
        return self.name if self.kind == SourceKind.PATH else f"{self.kind}:{self.name}"
