"""What the store keeps of a run: fingerprints, the forecast CSV round trip, history rows, kept data."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
from tiny import tiny_dataset

from lstm_core.data.fingerprint import fingerprint, fingerprint_note
from lstm_core.store import records


def test_fingerprint_is_stable_and_sees_every_change():
    """The same data gives the same fingerprint; one changed value, date or column name gives another."""
    base = tiny_dataset()
    assert fingerprint(base) == fingerprint(tiny_dataset()) and fingerprint(base).startswith("sha256:")
    changed = base.frame.copy()
    changed.iloc[5, 0] += 1e-9
    assert fingerprint(base) != fingerprint(tiny_dataset().__class__(frame=changed, target="value"))
    shifted = base.frame.copy()
    shifted.index = shifted.index + pd.DateOffset(months=1)
    assert fingerprint(base) != fingerprint(base.__class__(frame=shifted, target="value"))
    renamed = base.frame.rename(columns={"value": "other"})
    assert fingerprint(base) != fingerprint(base.__class__(frame=renamed, target="other"))


def test_fingerprint_note_names_both_fingerprints():
    """A mismatch note quotes the start of both fingerprints; a match or no expectation gives None."""
    data = tiny_dataset()
    assert fingerprint_note(fingerprint(data), data) is None and fingerprint_note(None, data) is None
    note = fingerprint_note("sha256:" + "f" * 64, data)
    assert "sha256:ffffffffffff" in note and fingerprint(data)[:19] in note


def test_new_run_keeps_outputs_and_not_the_data_unless_asked(run):
    """A stored entry has forecast, weights, history and environment; data.csv only with keep_data."""
    entry = records.new_run(run)
    assert set(entry.artifacts) == {"forecast.csv", "weights.npz"}
    assert "data.csv" in records.new_run(run, keep_data=True).artifacts
    assert len(entry.history) == run.metrics.epochs_run and entry.history[0]["epoch"] == 1
    assert entry.environment["backend"] == run.metrics.backend and entry.environment["versions"]["numpy"]
    with np.load(io.BytesIO(entry.artifacts["weights.npz"])) as weights:
        assert weights["lstm0_kernel"].shape == run.weights.lstm[0].kernel.shape


def test_forecast_csv_round_trips(run):
    """The stored forecast CSV reads back with the same dates, numbers (NaN as NaN) and parts."""
    back = records.forecast_from_csv(records.forecast_csv(run.forecast))
    assert list(back.index) == list(run.forecast.index) and list(back.columns) == list(run.forecast.columns)
    numbers = ["actual", "lstm", "naive", "seasonal_naive", "drift"]
    np.testing.assert_array_equal(back[numbers].to_numpy(float), run.forecast[numbers].to_numpy(float))
    assert list(back["part"]) == list(run.forecast["part"])
