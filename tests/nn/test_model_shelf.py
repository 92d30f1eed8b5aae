"""The model shelf: a training that reuses the shelved compiled model traces nothing and ends exactly where a fresh
training of the same seed ends."""

from __future__ import annotations

import threading

import numpy as np
from tiny import TINY, tiny_values

from lstm_core.data.windows import prepare
from lstm_core.nn import model_shelf
from lstm_core.nn.keras_model import _traced_graphs, release_model
from lstm_core.nn.train import train


def _traces(model) -> int:
    """The graphs traced for the model's train step so far (TensorFlow)."""
    return len(_traced_graphs(model.train_function, seen=set()))


def test_a_reused_model_trains_as_a_fresh_one_without_tracing():
    """Seed 0 fresh, then seed 0 on the shelf (after a seed-1 training moved its weights and optimizer), give the
    same losses and weights bit for bit, and the reused model's train step is not traced again."""
    windows = prepare(tiny_values(), TINY.windows)
    config = TINY.replace(dropout=0.1, input_noise=0.05)  # random-seed state in the layers is copied too
    model_shelf.clear_shelf()
    try:
        fresh = train(windows, config)
        first = train(windows, config.replace(seed=1), reuse_model=True)  # shelves the model
        traced = _traces(first.model)
        assert traced > 0
        again = train(windows, config, reuse_model=True)
        assert again.model is first.model and again.reused_model and not first.reused_model
        assert _traces(again.model) == traced
        np.testing.assert_array_equal(again.history["loss"], fresh.history["loss"])
        np.testing.assert_array_equal(again.history["val_loss"], fresh.history["val_loss"])
        for ours, theirs in zip(again.model.get_weights(), fresh.model.get_weights(), strict=True):
            np.testing.assert_array_equal(ours, theirs)
        assert release_model(again.model) == 0  # a shelved model keeps its graphs for the next training
        assert _traces(again.model) == traced
        release_model(fresh.model)
    finally:
        model_shelf.clear_shelf()


def test_another_shape_or_thread_gets_a_fresh_model():
    """Another key replaces the shelved model (its graphs are freed); another thread never takes it."""
    windows = prepare(tiny_values(), TINY.windows)
    model_shelf.clear_shelf()
    try:
        first = train(windows, TINY, reuse_model=True)
        other = train(windows, TINY.replace(units=4), reuse_model=True)
        assert other.model is not first.model
        assert first.model.train_function is None  # unshelved and released
        elsewhere = {}
        smaller = TINY.replace(units=4)
        thread = threading.Thread(target=lambda: elsewhere.update(result=train(windows, smaller, reuse_model=True)))
        thread.start()
        thread.join()
        assert elsewhere["result"].model is not other.model
        assert model_shelf.shelved_key() is not None
    finally:
        model_shelf.clear_shelf()


def test_a_warm_worker_shelves_the_apps_default_model():
    """The warm-up a worker of the app's pool runs (its errors are swallowed there) shelves the default model."""
    from lstm_core.config.settings import ExperimentConfig
    from lstm_core.jobs.worker import _trace_default_model

    model_shelf.clear_shelf()
    try:
        _trace_default_model()
        key = model_shelf.shelved_key()
        assert key is not None and key[3] == ExperimentConfig().model
    finally:
        model_shelf.clear_shelf()
