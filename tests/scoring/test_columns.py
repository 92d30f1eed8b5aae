"""The forecast's column and part names: StrEnums equal to the strings files and JSON have always held."""

from __future__ import annotations

import json

import pandas as pd

from lstm_core.scoring.columns import (
    BASELINES,
    MODELS,
    STATISTICAL,
    ForecastColumn,
    ForecastPart,
    band_levels,
    is_band_column,
    is_seed_column,
    lower_column,
    seed_column,
    upper_column,
)


def test_names_are_the_old_strings():
    """Each member equals, hashes and prints as its old string, so files, JSON and dict lookups do not change."""
    assert [str(m) for m in MODELS] == ["lstm", "naive", "seasonal_naive", "drift", "ets", "theta"]
    assert MODELS[1:] == BASELINES and MODELS[-2:] == STATISTICAL
    assert ForecastColumn.ACTUAL == "actual" and {"part": 1}[ForecastColumn.PART] == 1
    assert ForecastPart.TEST == "test" and ForecastPart.FUTURE == "future"
    assert json.dumps({ForecastColumn.LSTM: ForecastPart.FUTURE}) == '{"lstm": "future"}'
    frame = pd.DataFrame({ForecastColumn.ACTUAL: [1.0], ForecastColumn.PART: ForecastPart.TEST})
    assert frame.to_csv(index=False) == "actual,part\n1.0,test\n"


def test_band_and_seed_columns():
    """Band columns are named by their level as conformal.level_name writes it; seed columns by the seed."""
    assert (lower_column(80.0), upper_column(97.5), seed_column(3)) == ("lower_80", "upper_97.5", "lstm_seed_3")
    columns = ["actual", "lstm", "lstm_seed_0", "lower_80", "upper_80", "lower_95", "upper_95"]
    assert band_levels(columns) == ["80", "95"]
    assert [c for c in columns if is_band_column(c)] == columns[3:]
    assert [c for c in columns if is_seed_column(c)] == ["lstm_seed_0"]
