"""What a sweep searches: ranges for a few settings, read from a JSON file or the app's form.

A `SweepSpace` names, for each searchable setting, either a range or a list of choices, or None
(not searched: the run options' value is used in every trial):

- `units`, `layers`, `window`: whole-number ranges `[low, high]` (units on a log scale);
- `learning_rate`: a range `[low, high]` on a log scale; `dropout`: a range `[low, high]`;
- `batch_size`: a list of choices, e.g. `[16, 32, 64]`;
- `difference`: a list of choices among `SEARCHABLE_DIFFERENCES`;
- `cell`: a list of choices among lstm, gru, rnn; `l2` and `input_noise`: ranges `[low, high]` (l2 on a log scale
  when low > 0); these three are not searched by default.
- The global model's own (`GLOBAL_PARAMETERS`, a sweep of a collection only, sweep.collection): `base`, a list of
  choices among `config.benchmark.BASES`; `windows_per_series`, a whole-number range (log scale); `calendar`,
  a list of choices among true and false.

JSON: `{"units": [8, 128], "learning_rate": [1e-4, 1e-2], "batch_size": [16, 32, 64],
"difference": ["none", "first"]}`. Validation raises LabError with one sentence.

`default_space(season, length=..., config=...)` is the space a sweep searches when none is given, for the
command line and the Sweep page alike (`sweep.start.default_space_for(dataset, config)` finds the season):
without a season `DEFAULT_SPACE`; with one (s > 1) seasonal differences join the choices and the windows reach at
least two seasons (up to max(24, 2s)), as far as the series allows a window and a season of differences before it.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass
from typing import Any

from lstm_core.config.benchmark import BASES
from lstm_core.config.settings import CELLS, LIMITS, ExperimentConfig
from lstm_core.errors import LabError

__all__ = ["DEFAULT_SPACE", "GLOBAL_PARAMETERS", "PARAMETERS", "SEARCHABLE_DIFFERENCES", "SweepSpace", "default_space"]

# Seasonal differences need a season length (the series' frequency or `--season-length`); a trial of a
# series without one fails with that sentence. The default space of a series without a season searches levels and
# first differences; `default_space` adds seasonal ones where there is a season.
SEARCHABLE_DIFFERENCES = ("none", "first", "seasonal")

_INT_RANGES = {"units": (1, LIMITS["units"]), "layers": (1, LIMITS["layers"]), "window": (1, LIMITS["window"])}
_FLOAT_RANGES = {"learning_rate": (1e-6, 1.0), "dropout": (0.0, 0.9), "l2": (0.0, 1.0), "input_noise": (0.0, 1.0)}
_INT_RANGES["windows_per_series"] = (1, 100_000)
_LOG = {"units", "learning_rate", "windows_per_series"}
GLOBAL_BASES = BASES  # the bases a sweep of a collection chooses among (config.benchmark.BASES)
# Settings of the global model, not of an ExperimentConfig: searched only in a sweep of a collection.
GLOBAL_PARAMETERS = ("base", "windows_per_series", "calendar")
PARAMETERS = (
    "units",
    "layers",
    "window",
    "learning_rate",
    "dropout",
    "batch_size",
    "difference",
    "cell",
    "l2",
    "input_noise",
    *GLOBAL_PARAMETERS,
)


@dataclass(frozen=True)
class SweepSpace:
    """Ranges (low, high) or choices per searchable setting; None leaves the setting fixed."""

    units: tuple[int, int] | None = (8, 128)
    layers: tuple[int, int] | None = (1, 2)
    window: tuple[int, int] | None = (4, 24)
    learning_rate: tuple[float, float] | None = (1e-4, 1e-2)
    dropout: tuple[float, float] | None = (0.0, 0.3)
    batch_size: tuple[int, ...] | None = (16, 32, 64)
    difference: tuple[str, ...] | None = ("none", "first")
    cell: tuple[str, ...] | None = None
    l2: tuple[float, float] | None = None
    input_noise: tuple[float, float] | None = None
    base: tuple[str, ...] | None = None
    windows_per_series: tuple[int, int] | None = None
    calendar: tuple[bool, ...] | None = None

    def __post_init__(self) -> None:
        for name, (low_limit, high_limit) in {**_INT_RANGES, **_FLOAT_RANGES}.items():
            value = getattr(self, name)
            if value is None:
                continue
            whole = name in _INT_RANGES
            value = _pair(name, value, whole=whole)
            low, high = value
            if low < low_limit or high > high_limit:
                raise LabError(
                    f"The `{name}` range must lie within [{low_limit:g}, {high_limit:g}]. "
                    f"Received: {name}={list(value)}"
                )
            object.__setattr__(self, name, value)
        if self.batch_size is not None:
            sizes = _choices("batch_size", self.batch_size)
            if not all(
                isinstance(s, int) and not isinstance(s, bool) and 1 <= s <= LIMITS["batch_size"] for s in sizes
            ):
                raise LabError(
                    f"`batch_size` choices must be whole numbers from 1 to {LIMITS['batch_size']}. "
                    f"Received: batch_size={list(sizes)}"
                )
            object.__setattr__(self, "batch_size", tuple(sorted(set(sizes))))
        if self.difference is not None:
            kinds = _choices("difference", self.difference)
            wrong = [k for k in kinds if k not in SEARCHABLE_DIFFERENCES]
            if wrong:
                raise LabError(
                    f"`difference` choices must be among {', '.join(map(repr, SEARCHABLE_DIFFERENCES))}. "
                    f"Received: difference={list(kinds)}"
                )
            object.__setattr__(self, "difference", tuple(dict.fromkeys(kinds)))
        if self.cell is not None:
            cells = _choices("cell", self.cell)
            if any(c not in CELLS for c in cells):
                raise LabError(
                    f"`cell` choices must be among {', '.join(map(repr, CELLS))}. Received: cell={list(cells)}"
                )
            object.__setattr__(self, "cell", tuple(dict.fromkeys(cells)))
        if self.base is not None:
            bases = _choices("base", self.base)
            if any(b not in GLOBAL_BASES for b in bases):
                raise LabError(
                    f"`base` choices must be among {', '.join(map(repr, GLOBAL_BASES))}. Received: base={list(bases)}"
                )
            object.__setattr__(self, "base", tuple(dict.fromkeys(bases)))
        if self.calendar is not None:
            flags = _choices("calendar", self.calendar)
            if not all(isinstance(f, bool) for f in flags):
                raise LabError(f"`calendar` choices must be true or false. Received: calendar={list(flags)}")
            object.__setattr__(self, "calendar", tuple(dict.fromkeys(flags)))
        if not self.searched:
            raise LabError("The sweep space searches nothing; give a range or choices for at least one setting.")

    @property
    def searched(self) -> tuple[str, ...]:
        """The settings that vary between trials (a range with low < high, or two or more choices)."""
        out = []
        for name in PARAMETERS:
            value = getattr(self, name)
            if value is None:
                continue
            if name in _INT_RANGES or name in _FLOAT_RANGES:
                if value[0] < value[1]:
                    out.append(name)
            elif len(value) > 1:
                out.append(name)
        return tuple(out)

    @property
    def global_settings(self) -> tuple[str, ...]:
        """The global model's settings this space gives (searched or fixed): a sweep of a collection only."""
        return tuple(name for name in GLOBAL_PARAMETERS if getattr(self, name) is not None)

    def suggest(self, trial: Any) -> dict[str, Any]:
        """The settings of one trial (an optuna.Trial): every searched setting and every fixed one given."""
        values: dict[str, Any] = {}
        for name in PARAMETERS:
            value = getattr(self, name)
            if value is None:
                continue
            if name not in self.searched:
                values[name] = value[0]
            elif name in _INT_RANGES:
                values[name] = trial.suggest_int(name, value[0], value[1], log=name in _LOG)
            elif name in _FLOAT_RANGES:
                log = name in _LOG or (name == "l2" and value[0] > 0)
                values[name] = trial.suggest_float(name, value[0], value[1], log=log)
            else:
                values[name] = trial.suggest_categorical(name, list(value))
        return values

    def check_fits(self, length: int, base: ExperimentConfig) -> None:
        """Raise LabError when the largest window of the space leaves too few training windows."""
        from lstm_core.data.windows import split_points

        largest = base.windows.window if self.window is None else self.window[1]
        try:
            split_points(length, dataclasses.replace(base.windows, window=largest))
        except LabError:
            raise LabError(
                f"The series has {length} points, too few for windows of up to {largest} steps after the "
                "validation and test parts; lower the top of the `window` range."
            ) from None
        if base.windows.val_fraction <= 0:
            raise LabError(
                "A sweep scores each trial on the validation part; set the validation fraction above 0 "
                "(e.g. --val-fraction 0.1)."
            )

    def to_dict(self) -> dict[str, list[Any] | None]:
        return {name: None if getattr(self, name) is None else list(getattr(self, name)) for name in PARAMETERS}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_dict(cls, values: Any) -> SweepSpace:
        """A space from a JSON object; settings it leaves out are not searched."""
        if not isinstance(values, dict):
            raise LabError(f"A sweep space must be a JSON object. Received: {type(values).__name__}")
        unknown = sorted(set(values) - set(PARAMETERS))
        if unknown:
            raise LabError(
                f"Unknown setting(s) in the sweep space: {', '.join(unknown)}. Known: {', '.join(PARAMETERS)}"
            )
        for name, value in values.items():
            if value is not None and not isinstance(value, (list, tuple)):
                raise LabError(f"`{name}` in the sweep space must be a list, e.g. [8, 128]. Received: {value!r}")
        given = {name: None if values.get(name) is None else tuple(values[name]) for name in PARAMETERS}
        return cls(**given)

    @classmethod
    def from_json(cls, text: str) -> SweepSpace:
        try:
            values = json.loads(text)
        except json.JSONDecodeError as exc:
            raise LabError(f"The sweep space is not valid JSON ({exc.msg} at line {exc.lineno}).") from None
        return cls.from_dict(values)


def _pair(name: str, value: Any, *, whole: bool) -> tuple:
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise LabError(f"`{name}` in the sweep space must be a range [low, high]. Received: {name}={value!r}")
    for item in value:
        if isinstance(item, bool) or not isinstance(item, (int, float)) or not math.isfinite(item):
            raise LabError(f"The `{name}` range must hold two numbers. Received: {name}={list(value)!r}")
        if whole and item != int(item):
            raise LabError(f"The `{name}` range must hold whole numbers. Received: {name}={list(value)!r}")
    low, high = (int(v) for v in value) if whole else (float(v) for v in value)
    if low > high:
        raise LabError(f"The `{name}` range must be [low, high] with low <= high. Received: {name}={[low, high]}")
    return (low, high)


def _choices(name: str, value: Any) -> tuple:
    if not isinstance(value, (tuple, list)) or not value:
        raise LabError(f"`{name}` in the sweep space must be a non-empty list of choices. Received: {name}={value!r}")
    return tuple(value)


DEFAULT_SPACE = SweepSpace()


def default_space(
    season: int | None = None, *, length: int | None = None, config: ExperimentConfig | None = None
) -> SweepSpace:
    """The default space for a series with season `season` (None or 1: none) of `length` points, split as `config`.

    With a season s > 1: differences none, first and seasonal, and windows from 4 up to max(24, 2s), lowered where
    the series is too short for a window of that size after a season of seasonal differences (a window and s
    points before the first training target); a series too short for even one season's window keeps
    `DEFAULT_SPACE`. Without a season: `DEFAULT_SPACE`.
    """
    if not season or season <= 1:
        return DEFAULT_SPACE
    low, high = DEFAULT_SPACE.window  # type: ignore[misc]
    high = min(max(high, 2 * season), LIMITS["window"])
    if length is not None and config is not None:
        from lstm_core.data.windows import split_points

        try:
            train_end, _ = split_points(length, dataclasses.replace(config.windows, window=1))
        except LabError:
            return DEFAULT_SPACE  # too short for any window: check_fits says so in one sentence
        high = min(high, train_end - season - 2)  # prepare needs train_end - window - season >= 2
        if high < max(low, season):
            return DEFAULT_SPACE
    differences = (*DEFAULT_SPACE.difference, "seasonal")  # type: ignore[misc]
    return dataclasses.replace(DEFAULT_SPACE, window=(low, high), difference=differences)
