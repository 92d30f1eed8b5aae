"""A fingerprint of loaded data: "sha256:" + the SHA-256 of what the model reads.

It covers the model's input column names, their values as little-endian float64 (T, F), and the index
(dates as int64 nanoseconds, or the step numbers 0..T-1). The source (a path, sample:NAME, upload:NAME)
is kept beside the fingerprint, not in it, so one file given again under another name still matches.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from lstm_core.data.dataset import Dataset

__all__ = ["fingerprint", "fingerprint_note"]


def fingerprint(dataset: Dataset) -> str:
    """ "sha256:<64 hex digits>" of the data as the model sees it (see the module docstring)."""
    digest = hashlib.sha256()
    digest.update("\x1f".join(map(str, dataset.input_columns)).encode("utf-8"))
    digest.update(np.ascontiguousarray(dataset.values, dtype="<f8").tobytes())  # (T, F)
    index = dataset.frame.index
    if isinstance(index, pd.DatetimeIndex):
        digest.update(np.asarray(index.as_unit("ns").asi8, dtype="<i8").tobytes())  # (T,)
    else:
        digest.update(np.arange(len(index), dtype="<i8").tobytes())  # (T,)
    return "sha256:" + digest.hexdigest()


def fingerprint_note(expected: str | None, dataset: Dataset) -> str | None:
    """A warning sentence when `dataset` is not the data a config was made with, else None."""
    actual = fingerprint(dataset)
    if not expected or expected == actual:
        return None
    return (
        f"this data is not the data the config was made with (fingerprint {actual[:19]}… here, "
        f"{expected[:19]}… in the config); the results will differ from the original run."
    )
