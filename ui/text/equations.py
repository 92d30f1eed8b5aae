"""The six LSTM equations, a GRU's four, a plain RNN's one and the Learn page's other formulas, in LaTeX (the same in
every language).

Shared by the Gates and Learn pages. The words that go with them live in `ui/text/` (see `ui.text.i18n`);
`MEANINGS` is kept for older callers and gives the English gate captions from there.
"""

from __future__ import annotations

__all__ = [  # and MEANINGS, below
    "CELL_EQUATIONS",
    "CELL_GATE_ORDER",
    "CELL_GRADIENT",
    "COVERAGE",
    "DIRECT",
    "EQUATIONS",
    "GATE_ORDER",
    "RECURSIVE",
]

GATE_ORDER = ("i", "f", "o", "g", "c", "h")

EQUATIONS = {
    "i": r"i_t = \sigma\left(W_i\,x_t + U_i\,h_{t-1} + b_i\right)",
    "f": r"f_t = \sigma\left(W_f\,x_t + U_f\,h_{t-1} + b_f\right)",
    "o": r"o_t = \sigma\left(W_o\,x_t + U_o\,h_{t-1} + b_o\right)",
    "g": r"g_t = \tanh\left(W_g\,x_t + U_g\,h_{t-1} + b_g\right)",
    "c": r"c_t = f_t \odot c_{t-1} + i_t \odot g_t",
    "h": r"h_t = o_t \odot \tanh\left(c_t\right)",
}

# Keras's GRU (reset_after=True): the reset gate applies after the recurrent product, and the update gate keeps the
# old state (h = z·h₋₁ + (1 − z)·n; some texts write the mirror image, h = (1 − z)·h₋₁ + z·n).
GRU_EQUATIONS = {
    "z": r"z_t = \sigma\left(W_z\,x_t + U_z\,h_{t-1} + b_z\right)",
    "r": r"r_t = \sigma\left(W_r\,x_t + U_r\,h_{t-1} + b_r\right)",
    "n": r"n_t = \tanh\left(W_n\,x_t + b_n + r_t \odot \left(U_n\,h_{t-1} + b'_n\right)\right)",
    "h": r"h_t = z_t \odot h_{t-1} + \left(1 - z_t\right) \odot n_t",
}
RNN_EQUATIONS = {"h": r"h_t = \tanh\left(W\,x_t + U\,h_{t-1} + b\right)"}
CELL_EQUATIONS = {"lstm": EQUATIONS, "gru": GRU_EQUATIONS, "rnn": RNN_EQUATIONS}
CELL_GATE_ORDER = {"lstm": GATE_ORDER, "gru": ("z", "r", "n", "h"), "rnn": ("h",)}  # the order the Gates page shows

# Along the cell-state path only: the gates' own dependence on h_{t-1} is left out.
CELL_GRADIENT = r"\frac{\partial c_t}{\partial c_{t-1}} = f_t"

# Coverage: the share of n held-out points whose actual value y_k lies inside its band [l_k, u_k].
COVERAGE = r"\hat C = \frac{1}{n}\sum_{k=1}^{n} \mathbf{1}\left[\, l_k \le y_k \le u_k \,\right]"

# Multi-step forecasts from a window of w actual values ending at t: recursive (predictions fed back into
# one model F) or direct (one output F_h per horizon step h).
RECURSIVE = (
    r"\hat y_{t+1} = F\left(y_{t-w+1}, \dots, y_t\right), \quad"
    r" \hat y_{t+2} = F\left(y_{t-w+2}, \dots, y_t, \hat y_{t+1}\right), \;\dots"
)
DIRECT = r"\hat y_{t+h} = F_h\left(y_{t-w+1}, \dots, y_t\right), \quad h = 1, \dots, H"


def __getattr__(name: str) -> dict[str, str]:
    """`MEANINGS`: the English gate captions, read from ui/text on first use (no file is read at import)."""
    if name == "MEANINGS":
        from ui.text.i18n import gate_caption

        return {gate: gate_caption(gate, "en") for gate in GATE_ORDER}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
