"""A sweep can search the cell: lstm, gru and rnn are choices like any other."""

from __future__ import annotations

import pytest
from optuna.trial import FixedTrial

from lstm_core.config.settings import ExperimentConfig
from lstm_core.errors import LabError
from lstm_core.sweep.space import DEFAULT_SPACE, SweepSpace


def test_cell_is_searchable_and_off_by_default():
    """`cell` is searched only when given; a trial's config gets the suggested cell; an unknown cell is refused."""
    assert DEFAULT_SPACE.cell is None and "cell" not in DEFAULT_SPACE.searched
    space = SweepSpace.from_dict({"cell": ["lstm", "gru", "rnn"], "units": [4, 8]})
    assert space.searched == ("units", "cell") and space.to_dict()["cell"] == ["lstm", "gru", "rnn"]
    config = ExperimentConfig().replace(**space.suggest(FixedTrial({"units": 5, "cell": "gru"})))
    assert config.model.cell == "gru" and config.model.units == 5
    with pytest.raises(LabError, match="`cell` choices must be among 'lstm', 'gru', 'rnn'"):
        SweepSpace.from_dict({"cell": ["lstm", "tcn"]})
