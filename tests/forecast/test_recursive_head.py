"""The recursive head: its forecast is the one-step network rolled forward by hand (NumPy), and the validation roll
reads nothing of the validation part (no test value reaches any forecast: tests/evaluate/test_benchmark.py)."""

from __future__ import annotations

import numpy as np
import pytest
from tiny import TINY, tiny_values

from lstm_core.errors import LabError
from lstm_core.forecast.recursive_head import fit_and_roll, one_step_windows, roll
from lstm_core.nn.gates import predict

H, WINDOW, SEASON = 5, 8, 4
CONFIG = TINY.replace(window=WINDOW, units=4, epochs=1, batch_size=32, deterministic=True)


def _known(length: int, shift: float) -> np.ndarray:
    """A covariate known in advance (a calendar stands in): (length + H, 1)."""
    return np.sin(np.arange(length + H) + shift)[:, None]


def _hand_roll(values: np.ndarray, known: np.ndarray, weights, origin: int) -> np.ndarray:
    """The one-step network rolled by hand from `origin`: each window less its mean beside the covariates of the
    steps after its inputs (its last step's: the target's), plus the value one season before the target: (H,)."""
    extended = list(values[:origin])
    for _ in range(H):
        t = len(extended)  # the target's time
        inputs = np.array(extended[t - WINDOW : t])
        x = np.concatenate([(inputs - inputs.mean())[:, None], known[t - WINDOW + 1 : t + 1]], axis=1)  # (W, 2)
        correction = predict(x[None], weights, all_outputs=True)[0, 0]
        extended.append(extended[t - SEASON] + correction)
    return np.array(extended[origin:])


def test_recursive_forecast_equals_a_hand_roll():
    """Trained on two series, the roll from each validation origin and each end equals a hand roll of the network;
    changing the validation part changes no training window and no validation forecast."""
    series = [tiny_values(40) / 3.0, tiny_values(31)[::-1] / 2.0]
    known = [_known(len(values), k) for k, values in enumerate(series)]
    parts = [one_step_windows(v, H, WINDOW, SEASON, covariates=c) for v, c in zip(series, known, strict=True)]
    assert parts[1].pad == 0 and parts[0].x_train.shape == (40 - H - WINDOW, WINDOW, 2)
    np.testing.assert_allclose(  # targets plus the value a season back give back the fitting part
        parts[0].y_train[:, 0] + series[0][WINDOW - SEASON : 40 - H - SEASON], series[0][WINDOW : 40 - H], rtol=1e-5
    )
    x = np.concatenate([part.x_train for part in parts])
    y = np.concatenate([part.y_train for part in parts])
    rolled = fit_and_roll(parts, x, y, CONFIG, None)
    weights = rolled.members[0]
    for k, values in enumerate(series):
        end = _hand_roll(values, known[k], weights, len(values))
        validation = _hand_roll(values, known[k], weights, len(values) - H)
        np.testing.assert_allclose(rolled.paths[0, k], end, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(rolled.val_paths[0, k], validation, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(rolled.val_actual[k], values[-H:])
    assert not np.allclose(rolled.paths[0, 0], np.tile(series[0][-SEASON:], 2)[:H])  # not the base alone

    changed = [values.copy() for values in series]
    for values in changed:
        values[-H:] += 50.0
    other = [one_step_windows(v, H, WINDOW, SEASON, covariates=c) for v, c in zip(changed, known, strict=True)]
    np.testing.assert_array_equal(other[0].x_train, parts[0].x_train)
    np.testing.assert_array_equal(roll(other, [weights], from_end=False), rolled.val_paths)
    assert not np.allclose(roll(other, [weights], from_end=True), rolled.paths)  # the end reads the whole part
    with pytest.raises(LabError, match="too short"):
        one_step_windows(series[0][: 2 * H], H, WINDOW, SEASON)
