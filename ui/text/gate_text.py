"""Every sentence the Gates and Inside pages add about gates over training, states and saturation, in one place.

Kept apart from the page code so the captions can be translated as a whole (see ui/text/equations.py
for the six equations and their meanings). Placeholders are filled with `str.format`.
"""

from __future__ import annotations

__all__ = ["TEXT"]

TEXT = {
    "gradients_header": "Gradients through time: how far back the prediction reaches",
    "gradients_caption": (
        "After RNNbow (Cashman et al., 2018): the size of the gradient of the prediction with respect to the first "
        "layer's hidden state after each step, ‖∂ŷ/∂h_t‖ (an LSTM's with its cell state held fixed), against how many "
        "steps before the last input it lies. A line that falls fast means the prediction hardly depends on what "
        "the layer read long ago: the vanishing gradient a plain RNN suffers and gates are meant to prevent. "
        "Computed in NumPy by backpropagation through time, for the network at the chosen epoch."
    ),
    "gradients_reach": "The first step of this window (lag {lag}) still gets **{share}** of the last step's gradient.",
    "attribution_header": "Which inputs the prediction used",
    "attribution_caption": (
        "Integrated gradients (Sundararajan et al., 2017) from a baseline window at the training mean: how much each "
        "step (and feature) moved the prediction away from the baseline's prediction, in the model's scaled units. "
        "They sum to **{total:+.4g}**; the prediction minus the baseline's prediction is **{difference:+.4g}** "
        "(they agree within {error:.2%})."
    ),
    "epoch_slider": "Epoch",
    "epoch_help": "The network as it was after this epoch. The last entry is the final network.",
    "play": "Play over epochs",
    "play_help": "Step through the recorded epochs, one every second; switch off to stop.",
    "epoch_caption": "The network after epoch **{epoch}** of {epochs_run} ({recorded} epochs recorded{every}).",
    "epoch_final": " This is the final network.",
    "epoch_restored": " This is the final network: early stopping restored the best epoch's weights.",
    "no_history": "This run has no gates over training recorded; the final network is shown.",
    "over_epochs_header": "Over training: which units learnt to remember",
    "over_epochs_caption": (
        "Mean forget gate of each unit over the probe window (the last validation window, or the last "
        "training window without validation), after every recorded epoch. A unit turning yellow learnt to "
        "keep its memory; a dark unit learnt to forget."
    ),
    "saturation_header": "Saturation: how often each gate is fully shut or fully open",
    "saturation_caption": (
        "After Karpathy, Johnson and Fei-Fei (2015): for each unit, the fraction of time the gate is below 0.1 "
        "(shut, left axis) against above 0.9 (open, upward), over every step of the test windows, for the "
        "epoch chosen above. Units near the diagonal line are always saturated (binary switches); units near "
        "the corner (0, 0) are never saturated: soft, input-dependent gates. A forget gate high on the upward "
        "axis keeps long memories."
    ),
    "live_gate": "Gate to watch",
    "live_caption": (
        "The {gate} of the probe window (the last validation window) after epoch {epoch}, recomputed from the "
        "weights: watch it take shape as the network trains."
    ),
    "inside_readings": (
        "Two readings of the same network. **One sequence**: the LSTM reads the whole series once, from zero "
        "states, carrying h and c from the first step to the last; this is how LSTMVis looks inside a network, "
        "but yours was trained on windows of {window} steps that always start from zero, so far from the start "
        "its states may be ones it never met in training. **Sliding windows, as trained**: the state at each "
        "step after reading only the {window} steps up to it, from zero; exactly what the forecast head sees "
        "when it predicts the next step (the first {first} steps have no full window)."
    ),
    "select_caption": (
        "Select a pattern: drag a box over the chart (the time range counts, not the height), or type the range "
        "below. Units whose hidden state is above the threshold inside the range and below it outside are "
        "ranked; the best ones form the selected set, and every other range where the whole set is on again "
        "is marked as a match."
    ),
    "no_units": (
        "No unit is on (h above {threshold}) for most of the selected range and less often outside it. "
        "Lower the threshold or select another range."
    ),
    "matches_none": "The selected units ({units}) are on together nowhere else in the series.",
    "matches_some": "The selected units ({units}) are on together in {count} other range{s}: {where}.",
}
