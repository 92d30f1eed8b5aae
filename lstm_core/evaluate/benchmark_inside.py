"""Inside a benchmark's global LSTM for any one series: its windows as the network reads them, and its states.

A benchmark keeps its global network as a `GlobalNetwork`: the first seed's weights (plain NumPy; a seed ensemble's
other members are not kept) and each series' forecast window, (S, W, F): a few hundred kilobytes for all 1,428 M3
monthly series. One series' other windows are derived only when asked (`series_inside`, through
evaluate.benchmark.look_inside), from that series' training part, never for all S series at once.

The units are the network's own (forecast.global_model): the series divided by its scale (the in-sample MAE of its
seasonal naive forecast over its fitting part), each window less its own level (the mean of its values), beside
any inputs known in advance (calendar, series code); the network's H outputs are the corrections, in the same
scaled units, to the base forecast (`GlobalNetwork.base`) from the window's end.

`SeriesInside` holds the series' windows in time order: every training window, the validation window (ending where
the fitting part ends) and the forecast window (ending where the training part ends; its H outputs forecast the
test part). A window padded on the left (a series too short for a few windows) is left out: it would start before
the series. `window_states` gives each layer's states at the last step of every such window, (T, U), NaN where no
window ends: the Inside page's "sliding windows, as trained" reading (a global network never reads a whole series
as one sequence).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from lstm_core.errors import LabError
from lstm_core.forecast.global_model import series_windows
from lstm_core.nn.gates import network_gates
from lstm_core.nn.weights import NetworkWeights

__all__ = ["KINDS", "GlobalNetwork", "SeriesInside", "series_inside", "window_states", "write_series_gates"]

KINDS = ("training", "validation", "forecast")  # what a series' window is for, in time order


@dataclass(frozen=True, eq=False)
class GlobalNetwork:
    """A benchmark's global LSTM as plain NumPy: what looking inside it for any one series needs."""

    weights: NetworkWeights  # the first seed's network (seed `seed`): a seed ensemble's median is not one network
    members: int  # seeds trained
    seed: int
    series: tuple[str, ...]  # the names, in the benchmark's order
    probe_windows: np.ndarray  # (S, W, F) each series' forecast window, as the network reads it
    scales: np.ndarray  # (S,) each series' scale
    base: str  # the forecast whose correction the network learned
    horizon: int
    window: int
    season_length: int | None  # the benchmark's setting (None: each series' own)
    series_embedding: int
    calendar: bool
    epochs_run: int
    stop_reason: str
    embedding: np.ndarray | None = None  # (S, D) a learned series embedding: each series' row beside its inputs

    def position(self, name: str) -> int:
        """Where series `name` is in `series`; raises LabError for a series the benchmark did not forecast."""
        try:
            return self.series.index(name)
        except ValueError:
            raise LabError(f"`series` must be one the global LSTM forecast. Received: series={name!r}") from None


@dataclass(frozen=True, eq=False)
class SeriesInside:
    """One series' windows as the global network reads them, in time order, and the series in its scaled units."""

    name: str
    x: np.ndarray  # (N, W, F) float32: level-normalised values, then the inputs known in advance
    ends: np.ndarray  # (N,) each window's end: the position in the series of its first forecast step
    kinds: tuple[str, ...]  # (N,) "training", "validation" or "forecast" (`KINDS`)
    index: pd.Index  # (T,) the series' time index, training and test parts
    scaled: np.ndarray  # (T,) the series divided by `scale`
    scale: float
    train_length: int  # n: the test part is index[n:]
    horizon: int
    base: str

    @property
    def window(self) -> int:
        return self.x.shape[1]


def series_inside(
    network: GlobalNetwork,
    name: str,
    train: np.ndarray,
    test: np.ndarray,
    index: pd.Index,
    season_length: int,
    covariates: np.ndarray | None = None,
) -> SeriesInside:
    """Series `name`'s windows as the network read them, from its training part `train` (n,) (the test part (H,) only
    completes the scaled series drawn beside the states); `covariates` (n + H, F) as the benchmark built them.

    Raises LabError when the series' forecast window is not the one the network forecast from (another collection)
    or when no window of the series starts inside it."""
    k = network.position(name)
    h, window = network.horizon, network.window
    if np.reshape(network.weights.head.bias, -1).size != h:  # a recursive head's network reads other windows
        raise LabError("Looking inside is for the global LSTM's direct head (one output per horizon step).")
    part = series_windows(train, h, window, season_length, network.base, covariates=covariates)
    if part.x_forecast.shape != network.probe_windows[k : k + 1].shape or not np.allclose(
        part.x_forecast, network.probe_windows[k : k + 1], atol=1e-5
    ):
        raise LabError(f"Series {name} is not the one the global LSTM forecast; run the benchmark again.")
    n = len(train)
    fitting = n - h
    count = len(part.x_train)
    pad = count + window + h - 1 - fitting  # the training windows start at 0 .. count - 1 of the padded series
    ends = np.concatenate([np.arange(count) + window - pad, [fitting, n]])  # (count + 2,)
    x = np.concatenate([part.x_train, part.x_val, part.x_forecast])  # (count + 2, W, F)
    kinds = np.array(["training"] * count + ["validation", "forecast"])
    keep = ends - window >= 0  # a padded window would start before the series
    if not keep.any():
        raise LabError(
            f"Series {name}'s training part ({n} values) is shorter than the network's window ({window}): "
            "the network read it padded, so there is no window of its own to look inside."
        )
    values = np.concatenate([np.asarray(train, np.float64), np.asarray(test, np.float64)])  # (T,)
    return SeriesInside(
        name=name,
        x=np.ascontiguousarray(x[keep], dtype=np.float32),
        ends=ends[keep].astype(np.int64),
        kinds=tuple(kinds[keep].tolist()),
        index=index[: len(values)],
        scaled=part.transform.forward(values),
        scale=part.transform.scale,
        train_length=n,
        horizon=h,
        base=network.base,
    )


def window_states(inside: SeriesInside, weights: NetworkWeights) -> list[dict[str, np.ndarray]]:
    """Each layer's states (an LSTM's c and h, else h) at the last step of every window of `inside`, placed at that
    step of the series: each (T, U), NaN where no window ends."""
    steps = len(inside.index)
    layers = network_gates(inside.x, weights)  # per layer, each (N, W, U)
    rows = inside.ends - 1  # the last input step of each window
    out = []
    for layer, gates in zip(weights.lstm, layers, strict=True):
        states = {}
        for name in layer.state_names:
            values = np.full((steps, layer.units), np.nan, np.float32)  # (T, U)
            values[rows] = gates[name][:, -1]
            states[name] = values
        out.append(states)
    return out


def write_series_gates(inside: SeriesInside, weights: NetworkWeights, out_dir: str | Path) -> Path:
    """out_dir/<series>.npz, as a run's gates.npz: the forecast window's inputs `x` (W, F) and its first layer's
    gates (an LSTM's i, f, g, o, c, h, each (W, U)); beside them every window of the series (`windows` (N, W, F),
    `ends` (N,)) and its `scale`, to recompute any other window's."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    gates = network_gates(inside.x[-1:], weights)[0]  # each (1, W, U)
    path = out / f"{re.sub(r'[^A-Za-z0-9._-]', '_', inside.name)}.npz"
    arrays = {name: np.asarray(value[0]) for name, value in gates.items()}
    np.savez(path, x=inside.x[-1], windows=inside.x, ends=inside.ends, scale=np.float64(inside.scale), **arrays)
    return path
