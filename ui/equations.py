"""The six LSTM equations, in LaTeX, with one plain sentence each; shared by the Gates and Learn pages."""

from __future__ import annotations

__all__ = ["EQUATIONS", "GATE_ORDER", "MEANINGS"]

GATE_ORDER = ("i", "f", "o", "g", "c", "h")

EQUATIONS = {
    "i": r"i_t = \sigma\left(W_i\,x_t + U_i\,h_{t-1} + b_i\right)",
    "f": r"f_t = \sigma\left(W_f\,x_t + U_f\,h_{t-1} + b_f\right)",
    "o": r"o_t = \sigma\left(W_o\,x_t + U_o\,h_{t-1} + b_o\right)",
    "g": r"g_t = \tanh\left(W_g\,x_t + U_g\,h_{t-1} + b_g\right)",
    "c": r"c_t = f_t \odot c_{t-1} + i_t \odot g_t",
    "h": r"h_t = o_t \odot \tanh\left(c_t\right)",
}

MEANINGS = {
    "i": "The input gate, between 0 and 1 per unit: how much of the candidate g is written into the cell.",
    "f": "The forget gate, between 0 and 1 per unit: how much of the previous cell state is kept. "
    "Near 1 the unit remembers; near 0 it forgets.",
    "o": "The output gate, between 0 and 1 per unit: how much of the cell state is shown as the output h.",
    "g": "The candidate, between -1 and 1: the new information this step could write into the cell.",
    "c": "The cell state: the long-term memory, kept (f) and written (i·g) one step at a time. It is not "
    "squashed, so it can grow beyond ±1.",
    "h": "The hidden state, between -1 and 1: what the layer outputs at each step; the last h of the last "
    "layer goes into the Dense layer that makes the forecast.",
}
