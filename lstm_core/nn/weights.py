"""The weights of a trained network as plain NumPy arrays: what the kernels, forecasts and stores use.

`LSTMWeights` holds one LSTM layer in Keras's layout (gates in the order i, f, c, o), `DenseWeights`
the forecast head, `NetworkWeights` a stack of LSTM layers and one head. Reading them from a Keras
model is `nn.keras_model.network_weights`; nothing here imports Keras.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

__all__ = ["DenseWeights", "LSTMWeights", "NetworkWeights"]


@dataclass(frozen=True, eq=False)
class LSTMWeights:
    kernel: np.ndarray  # (F, 4U)
    recurrent_kernel: np.ndarray  # (U, 4U)
    bias: np.ndarray  # (4U,)

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


@dataclass(frozen=True, eq=False)
class DenseWeights:
    kernel: np.ndarray  # (U, H): H = 1, or the horizon of a direct multi-step model
    bias: np.ndarray  # (H,)


@dataclass(frozen=True, eq=False)
class NetworkWeights:
    """A stack of LSTM layers followed by one Dense head, as `model.build_model` makes it."""

    lstm: tuple[LSTMWeights, ...]
    head: DenseWeights
