"""An L2 penalty on the weights and Gaussian noise on the training inputs: settings that change training only."""

from __future__ import annotations

import numpy as np
import pytest
from tiny import TINY

from lstm_core.config.settings import ModelConfig
from lstm_core.errors import LabError
from lstm_core.nn.gates import predict
from lstm_core.nn.keras_model import build_model, members_weights, network_weights
from lstm_core.nn.train import train


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_l2_and_noise_leave_inference_alone(cell):
    """With l2 and input noise the model carries a penalty per kernel and a GaussianNoise layer that is active only in
    training; its inference output still equals the NumPy forward pass."""
    model = build_model(ModelConfig(cell=cell, units=4, l2=0.01), window=5, n_features=1, input_noise=0.5)
    assert len(model.losses) == 3  # kernel, recurrent kernel, head kernel
    x = np.random.default_rng(0).normal(size=(3, 5, 1)).astype(np.float32)
    clean = np.asarray(model(x, training=False))[:, 0]
    np.testing.assert_allclose(predict(x, network_weights(model)), clean, atol=1e-5, rtol=0)
    assert not np.allclose(np.asarray(model(x, training=True))[:, 0], clean)


def test_l2_ensemble_is_separate_stacks():
    """A seed ensemble with an L2 penalty is N separate stacks, each member read back on its own."""
    model = build_model(ModelConfig(units=3, l2=0.001), window=4, n_features=1, members=2, input_noise=0.1)
    assert len(members_weights(model)) == 2 and len(model.losses) == 6


def test_training_with_both(windows, tiny_config):
    """A tiny training with l2 and input noise runs and reports finite losses."""
    result = train(windows, tiny_config.replace(l2=0.001, input_noise=0.05, epochs=1))
    assert np.isfinite(result.history["loss"]).all() and np.isfinite(result.history["val_loss"]).all()


def test_negative_values_are_refused():
    """Both settings name themselves when negative."""
    with pytest.raises(LabError, match="`l2`"):
        ModelConfig(l2=-0.1)
    with pytest.raises(LabError, match="`input_noise`"):
        TINY.replace(input_noise=-1.0)
