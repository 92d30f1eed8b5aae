"""Every sentence the Gates and Inside pages add about gates over training, states and saturation, in one place.

The sentences live in ui/text/<lang>.toml under `gate_text.` (see ui/text/equations.py for the six equations and
their meanings); `TEXT[key]` is one of them in the visitor's language. Placeholders are filled with `str.format`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from ui.text import i18n

__all__ = ["TEXT"]

_PREFIX = "gate_text."


class _Sentences(Mapping[str, str]):
    """The `gate_text.` texts by their short key, read in the visitor's language at each lookup."""

    def __getitem__(self, key: str) -> str:
        return i18n.text(_PREFIX + key)

    def __iter__(self) -> Iterator[str]:
        return (key.removeprefix(_PREFIX) for key in i18n.texts(i18n.DEFAULT) if key.startswith(_PREFIX))

    def __len__(self) -> int:
        return sum(1 for _ in self)


TEXT: Mapping[str, str] = _Sentences()
