"""Gates over training: snapshots of the network, and of one fixed probe window's gates, epoch by epoch.

The probe window is the last validation window (the last training window when there is no
validation part). After every `stride`-th epoch the training thread hands the current weights
(the ones the NumPy validation loss was just computed from) to a `GateRecorder`, which keeps
them and the probe window's gates of every layer, recomputed with the NumPy kernel. When
training ends, the final weights are recorded once more as the last snapshot (early stopping may
have restored earlier ones), so the last snapshot always is the network the run keeps.

At most `max_snapshots` (about 200) are kept, evenly spread over the planned epochs: the stride is
fixed from the planned epochs at the start, so no snapshot is ever thrown away. A memory budget
(`max_floats`) lowers that number for large networks.

The UI reads the recorder from another thread while the training thread writes it: `snapshots()`
returns an immutable tuple taken under a lock.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import numpy as np

from lstm_core.data.windows import Windows
from lstm_core.nn.gates import network_gates
from lstm_core.nn.weights import NetworkWeights

__all__ = ["GateHistory", "GateRecorder", "Snapshot", "probe_window"]

MAX_SNAPSHOTS = 200
MAX_FLOATS = 2 * 1024 * 1024  # 8 MiB of float32 per run for weights and probe gates together (seed model: 149)


def probe_window(windows: Windows) -> np.ndarray:
    """The window whose gates are recorded every epoch: the last validation window, else the last training one.

    Returns (window, F), scaled, as fed to the network.
    """
    source = windows.x_val if len(windows.x_val) else windows.x_train
    return np.ascontiguousarray(source[-1], dtype=np.float32)  # (window, F)


@dataclass(frozen=True, eq=False)
class Snapshot:
    epoch: int  # 1-based; the last snapshot is the final network
    weights: NetworkWeights
    probe: tuple[dict[str, np.ndarray], ...]  # per layer: its gate_names (LSTM: i, f, g, o, c, h), each (window, units)


@dataclass(frozen=True, eq=False)
class GateHistory:
    """The recorded snapshots of one training, in epoch order, and the probe window they share."""

    probe_x: np.ndarray  # (window, F)
    snapshots: tuple[Snapshot, ...]

    @property
    def epochs(self) -> np.ndarray:
        return np.array([s.epoch for s in self.snapshots], dtype=np.int64)  # (E,)

    def __len__(self) -> int:
        return len(self.snapshots)

    def probe_gates(self, layer: int = 0) -> dict[str, np.ndarray]:
        """The probe window's gates of `layer` stacked over snapshots: each (E, window, units)."""
        names = self.snapshots[0].probe[layer]
        return {name: np.stack([s.probe[layer][name] for s in self.snapshots]) for name in names}

    def thinned(self, count: int) -> GateHistory:
        """At most `count` (>= 2) snapshots, evenly spread over these, the first and the last always among them."""
        if len(self.snapshots) <= count:
            return self
        kept = np.unique(np.linspace(0, len(self.snapshots) - 1, max(count, 2)).round().astype(int))  # (<= count,)
        return GateHistory(probe_x=self.probe_x, snapshots=tuple(self.snapshots[k] for k in kept))


class GateRecorder:
    """Collects snapshots from the training thread; safe to read from any other thread."""

    def __init__(self, *, max_snapshots: int = MAX_SNAPSHOTS, max_floats: int = MAX_FLOATS) -> None:
        self.max_snapshots = max_snapshots
        self.max_floats = max_floats
        self.probe_x: np.ndarray | None = None
        self.epochs_planned = 0
        self.stride = 1
        self._snapshots: list[Snapshot] = []
        self._lock = threading.Lock()

    def begin(self, probe_x: np.ndarray, epochs: int) -> None:
        """Called once before training: the probe window (window, F) and the planned number of epochs."""
        self.probe_x = np.asarray(probe_x, dtype=np.float32)[None]  # (1, window, F)
        self.epochs_planned = max(1, epochs)
        with self._lock:
            self._snapshots = []

    def wants(self, epoch: int) -> bool:
        """Whether epoch (1-based) is one to record: the first, then every `stride`-th."""
        return (epoch - 1) % self.stride == 0

    def record(self, epoch: int, weights: NetworkWeights) -> None:
        """Keep `weights` and the probe window's gates of every layer as the snapshot of `epoch`."""
        if self.probe_x is None:
            raise ValueError("GateRecorder.begin must be called before record.")
        with np.errstate(all="ignore"):  # a diverged network (NaN weights) records NaN gates
            layers = network_gates(self.probe_x, weights)
        probe = tuple({name: np.array(value[0]) for name, value in g.items()} for g in layers)  # (window, U) each
        self.keep(Snapshot(epoch=epoch, weights=weights, probe=probe))

    def keep(self, snapshot: Snapshot) -> None:
        """Keep a snapshot made elsewhere (a worker process's recorder sends each of its own)."""
        if self.probe_x is None:
            raise ValueError("GateRecorder.begin must be called before keep.")
        weights, epoch = snapshot.weights, snapshot.epoch
        with self._lock:
            if not self._snapshots:  # the first snapshot fixes the stride, from what one snapshot costs
                size = snapshot_floats(weights, self.probe_x.shape[1])
                limit = max(2, min(self.max_snapshots, self.max_floats // max(1, size)))
                self.stride = max(1, math.ceil(self.epochs_planned / limit))
            if self._snapshots and self._snapshots[-1].epoch >= epoch:
                self._snapshots[-1] = snapshot  # the final network replaces the same epoch's snapshot
            else:
                self._snapshots.append(snapshot)

    def snapshots(self) -> tuple[Snapshot, ...]:
        with self._lock:
            return tuple(self._snapshots)

    def history(self) -> GateHistory | None:
        """Everything recorded so far, or None before the first snapshot."""
        snapshots = self.snapshots()
        if not snapshots or self.probe_x is None:
            return None
        return GateHistory(probe_x=self.probe_x[0], snapshots=snapshots)


def snapshot_floats(weights: NetworkWeights, window: int) -> int:
    """Float32 values one snapshot keeps: the weights and the probe gates per layer (six for an LSTM)."""
    total = 0
    for layer in weights.lstm:
        gates = len(layer.gate_names) * window * layer.units
        total += layer.kernel.size + layer.recurrent_kernel.size + layer.bias.size + gates
    return total
