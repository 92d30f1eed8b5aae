"""A sweep can search the cell (lstm, gru, rnn), the L2 penalty and the input noise like any other setting."""

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


def test_l2_and_input_noise_are_searchable():
    """`l2` and `input_noise` are ranges, off by default; a trial's config gets the suggested values."""
    assert DEFAULT_SPACE.l2 is None and DEFAULT_SPACE.input_noise is None
    space = SweepSpace.from_dict({"l2": [1e-5, 1e-2], "input_noise": [0.0, 0.2]})
    assert space.searched == ("l2", "input_noise")
    config = ExperimentConfig().replace(**space.suggest(FixedTrial({"l2": 1e-3, "input_noise": 0.1})))
    assert config.model.l2 == 1e-3 and config.train.input_noise == 0.1
    with pytest.raises(LabError, match="`l2` range must lie within"):
        SweepSpace.from_dict({"l2": [0.0, 2.0]})
