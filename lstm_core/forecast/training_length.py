"""How long one series' training part must be for the global networks (either head), said once.

A network of horizon H holds back the last H steps of a series' training part as its validation part and learns from
the values before them (the fitting part): that part needs H targets and at least one value before them to read,
so the shortest training part is 2H + 1 values (`min_training_length`); `check_training_length` raises the one
sentence a shorter one gets. A series that gives fewer than `MIN_WINDOWS` training windows is padded on the left
with its first value (forecast.global_model's direct head, forecast.recursive_head). `evaluate.benchmark` leaves out
the series too short for the networks by the same rule.
"""

from __future__ import annotations

from lstm_core.errors import LabError

__all__ = ["MIN_WINDOWS", "check_training_length", "min_training_length"]

MIN_WINDOWS = 4  # training windows a series should give before it is padded


def min_training_length(horizon: int) -> int:
    """The shortest training part the networks can use: H validation steps and at least one window of H targets."""
    return 2 * horizon + 1


def check_training_length(length: int, horizon: int) -> None:
    """LabError (one sentence) when a training part of `length` values is too short for `horizon`."""
    if length < min_training_length(horizon):
        raise LabError(
            f"A training part of {length} values is too short for a validation part and training targets of "
            f"{horizon} steps each (it needs at least {min_training_length(horizon)})."
        )
