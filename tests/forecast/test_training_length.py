"""One rule says how long a training part the global networks need (forecast.training_length): the direct head, the
recursive head and the benchmark's split all refuse or leave out a part of 2H values and take one of 2H + 1."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tiny import tiny_values

from lstm_core.data.collections import from_long
from lstm_core.errors import LabError
from lstm_core.evaluate.benchmark import split_tasks
from lstm_core.forecast.global_model import series_windows
from lstm_core.forecast.recursive_head import one_step_windows
from lstm_core.forecast.training_length import min_training_length

H, WINDOW = 4, 6


def test_both_heads_and_the_benchmark_split_share_the_shortest_training_part():
    """2H + 1 values train either head and keep a series in a benchmark; 2H values are refused by both heads with
    the same sentence and leave the series out of the benchmark, naming the values it needs."""
    shortest = min_training_length(H)
    assert shortest == 2 * H + 1
    values = tiny_values(shortest)  # (2H + 1,)
    assert len(series_windows(values, H, WINDOW, 12).y_val[0]) == H
    assert len(one_step_windows(values, H, WINDOW, 12).y_val) == H
    sentences = set()
    for make in (series_windows, one_step_windows):
        with pytest.raises(LabError, match=rf"too short .* \(it needs at least {shortest}\)") as refused:
            make(values[:-1], H, WINDOW, 12)
        sentences.add(str(refused.value))
    assert len(sentences) == 1  # the same sentence from both heads

    lengths = {"ok": shortest + H, "short": shortest - 1 + H}  # training part + test part of H
    frame = pd.DataFrame(
        [(name, step, float(value)) for name, n in lengths.items() for step, value in enumerate(tiny_values(n))],
        columns=["id", "step", "value"],
    )
    collection = from_long(frame, id_column="id", column="value", date_column="step")
    tasks, notes = split_tasks(collection, horizon=H, season_length=None, networks=True)
    assert [task.name for task in tasks] == ["ok"] and len(tasks[0].train) == shortest
    assert notes == [f"1 series left out, too short for the horizon: short ({shortest - 1} training values, "
                     f"{shortest} needed)."]  # fmt: skip
    assert np.isfinite(tasks[0].train).all()
