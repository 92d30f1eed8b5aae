"""The weights of a trained network as plain NumPy arrays: what the kernels, forecasts and stores use.

One recurrent layer, in Keras's layout, is `LSTMWeights` (blocks i, f, c, o), `GRUWeights` (blocks z, r, n;
`reset_after=True`, Keras's default, so two biases) or `RNNWeights` (a plain `SimpleRNN`). Each names its
`cell` and the arrays its kernel returns per step (`gate_names`). `DenseWeights` is the forecast head,
`NetworkWeights` a stack of recurrent layers of one cell and one head. Reading them from a Keras model is
`nn.keras_model.network_weights`; nothing here imports Keras.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar

import numpy as np

from lstm_core.config.settings import CELLS

__all__ = [
    "DenseWeights",
    "GRUWeights",
    "LSTMWeights",
    "NetworkWeights",
    "RNNWeights",
    "RecurrentWeights",
    "recurrent_weights",
]


@dataclass(frozen=True, eq=False)
class LSTMWeights:
    kernel: np.ndarray  # (F, 4U)
    recurrent_kernel: np.ndarray  # (U, 4U)
    bias: np.ndarray  # (4U,)

    cell: ClassVar[str] = "lstm"
    gate_names: ClassVar[tuple[str, ...]] = ("i", "f", "g", "o", "c", "h")
    state_names: ClassVar[tuple[str, ...]] = ("c", "h")  # what a step carries to the next

    @property
    def units(self) -> int:
        return self.recurrent_kernel.shape[0]

    @cached_property
    def fused(self) -> np.ndarray:
        """One (F + U + 1, 4U) matrix for the step loop: the input kernel, the recurrent kernel and the
        bias stacked as rows, so that one product [x_t, h_{t-1}, 1]·[W; U; b] gives z for all four gates.

        Its columns are reordered to i, f, o, g and the sigmoid gates' columns halved, so that
        σ(z) = 0.5·tanh(z/2) + 0.5 lets one tanh serve all four gates.
        """
        units = self.units
        order = np.r_[0 : 2 * units, 3 * units : 4 * units, 2 * units : 3 * units]  # i, f, o, g
        scale = np.ones(4 * units, np.float32)  # (4U,)
        scale[: 3 * units] = 0.5
        stacked = np.concatenate([self.kernel, self.recurrent_kernel, self.bias[None, :]], axis=0)  # (F+U+1, 4U)
        return np.ascontiguousarray(stacked[:, order] * scale, dtype=np.float32)

    def __getstate__(self) -> dict:
        """Pickled without `fused` (made again where it is needed): it is as large as the weights themselves, and
        a training's gate snapshots cross from a worker to the server and stay in a visitor's session."""
        return {name: value for name, value in self.__dict__.items() if name != "fused"}


@dataclass(frozen=True, eq=False)
class GRUWeights:
    """A Keras `GRU` with `reset_after=True`: n = tanh(x·W_n + b_n + r·(h₋₁·U_n + b'_n)), h = z·h₋₁ + (1 − z)·n."""

    kernel: np.ndarray  # (F, 3U): blocks z, r, n
    recurrent_kernel: np.ndarray  # (U, 3U)
    bias: np.ndarray  # (2, 3U): row 0 the input bias, row 1 the recurrent bias

    cell: ClassVar[str] = "gru"
    gate_names: ClassVar[tuple[str, ...]] = ("z", "r", "n", "h")
    state_names: ClassVar[tuple[str, ...]] = ("h",)

    @property
    def units(self) -> int:
        return self.recurrent_kernel.shape[0]


@dataclass(frozen=True, eq=False)
class RNNWeights:
    """A Keras `SimpleRNN`: h = tanh(x·W + h₋₁·U + b)."""

    kernel: np.ndarray  # (F, U)
    recurrent_kernel: np.ndarray  # (U, U)
    bias: np.ndarray  # (U,)

    cell: ClassVar[str] = "rnn"
    gate_names: ClassVar[tuple[str, ...]] = ("h",)
    state_names: ClassVar[tuple[str, ...]] = ("h",)

    @property
    def units(self) -> int:
        return self.recurrent_kernel.shape[0]


RecurrentWeights = LSTMWeights | GRUWeights | RNNWeights
_BY_CELL: dict[str, type] = {"lstm": LSTMWeights, "gru": GRUWeights, "rnn": RNNWeights}


def recurrent_weights(
    cell: str, kernel: np.ndarray, recurrent_kernel: np.ndarray, bias: np.ndarray
) -> RecurrentWeights:
    """One layer's weights of `cell` (lstm, gru or rnn), as float32 arrays."""
    if cell not in _BY_CELL:
        raise ValueError(f"`cell` must be one of {', '.join(map(repr, CELLS))}. Received: cell={cell!r}")
    arrays = (np.asarray(a, dtype=np.float32) for a in (kernel, recurrent_kernel, bias))
    return _BY_CELL[cell](*arrays)


@dataclass(frozen=True, eq=False)
class DenseWeights:
    kernel: np.ndarray  # (U, H): H = 1, or the horizon of a direct multi-step model
    bias: np.ndarray  # (H,)


@dataclass(frozen=True, eq=False)
class NetworkWeights:
    """A stack of recurrent layers of one cell followed by one Dense head, as `keras_model.build_model` makes it.

    The layers keep the field name `lstm` they had when the LSTM was the only cell (stores and callers read it).
    """

    lstm: tuple[RecurrentWeights, ...]
    head: DenseWeights

    @property
    def cell(self) -> str:
        """The recurrent cell: "lstm", "gru" or "rnn"."""
        return self.lstm[0].cell
