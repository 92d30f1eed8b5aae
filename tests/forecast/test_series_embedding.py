"""A trained series-id embedding: the network's NumPy forecasts read each series' learned row as Keras does, and
feed it exactly as a fixed code per series is fed (forecast.covariates)."""

from __future__ import annotations

import numpy as np
from tiny import TINY, tiny_values

from lstm_core.forecast.covariates import with_series_ids
from lstm_core.forecast.recursive_head import fit_and_roll, one_step_windows, roll
from lstm_core.nn.gates import predict
from lstm_core.nn.series_embedding import EMBEDDING_LAYER, embedded

H, WINDOW, SEASON, D = 4, 8, 4, 3


def test_a_learned_embedding_is_read_as_keras_reads_it_and_fed_as_a_fixed_code():
    series = [tiny_values(36) / 3.0, tiny_values(30)[::-1] / 2.0]
    ids = with_series_ids([len(values) + H for values in series], None)  # (n + H, 1): each series' id
    parts = [one_step_windows(v, H, WINDOW, SEASON, covariates=c) for v, c in zip(series, ids, strict=True)]
    x = np.concatenate([part.x_train for part in parts])  # (K, W, 2): level-normalised value, series id
    y = np.concatenate([part.y_train for part in parts])
    config = TINY.replace(window=WINDOW, units=4, epochs=2, batch_size=32, deterministic=True)
    rolled = fit_and_roll(parts, x, y, config, None, embedding=D)
    table = rolled.result.embedding
    model = rolled.result.model
    assert table.shape == (2, D) and model.get_layer(EMBEDDING_LAYER).trainable_weights
    keras_says = np.asarray(model.predict(x, verbose=0))[:, 0]
    np.testing.assert_allclose(predict(embedded(x, table), rolled.members[0]), keras_says, rtol=1e-4, atol=1e-5)
    # the learned rows as a fixed code beside each step (no id column) give the same rolled forecasts
    codes = [np.repeat(table[k][None, :], len(values) + H, axis=0) for k, values in enumerate(series)]
    fixed = [one_step_windows(v, H, WINDOW, SEASON, covariates=c) for v, c in zip(series, codes, strict=True)]
    np.testing.assert_allclose(roll(fixed, rolled.members, from_end=True), rolled.paths, rtol=1e-5, atol=1e-6)
