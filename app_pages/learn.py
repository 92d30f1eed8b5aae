"""Learn: the six LSTM equations, why gates help, when an LSTM is the wrong tool, and how to fight overfitting."""

import streamlit as st

from ui.equations import EQUATIONS, GATE_ORDER, MEANINGS

st.title("Learn")
st.markdown(
    "An LSTM reads a window of past values one step at a time. At each step *t* it gets the input "
    "$x_t$ and its own previous output $h_{t-1}$, and keeps a **cell state** $c_t$, a memory that gates "
    "open and close. $\\sigma$ is the logistic sigmoid (0 to 1), $\\odot$ multiplies unit by unit, and "
    "$W$, $U$, $b$ are the weights training learns (Keras keeps them in the order i, f, c, o)."
)

st.header("The six equations")
for name in GATE_ORDER:
    st.latex(EQUATIONS[name])
    st.markdown(MEANINGS[name])
st.page_link(
    "app_pages/gates.py",
    label="See each of these, per unit and per step, in your trained network",
    icon=":material/grid_on:",
)

st.header("Why gates fix vanishing gradients")
st.markdown(
    "A plain recurrent network squashes its state through tanh and a weight matrix at every step. Training "
    "sends the error back through all those steps, multiplying by the same factors again and again: the "
    "gradient shrinks (or explodes) exponentially, so events more than a few steps back cannot be learnt."
)
st.latex(
    r"\frac{\partial c_t}{\partial c_{t-1}} = f_t"
    r"\quad\text{(along the cell-state path, ignoring the gates' own dependence)}"
)
st.markdown(
    "The cell state is updated by **addition**, $c_t = f_t \\odot c_{t-1} + i_t \\odot g_t$: along that path "
    "the gradient is only multiplied by the forget gate. Where the network learns $f \\approx 1$, the error "
    "flows back across many steps almost unchanged. On the Gates page, units whose mean forget gate is near 1 "
    "are exactly the ones carrying memory across the window."
)
st.page_link("app_pages/gates.py", label="Find the units that remember (forget gate near 1)", icon=":material/memory:")

st.header("When an LSTM is the wrong tool")
st.markdown(
    '- **Compare with the naive forecast** ("the next value equals the last one"). Many series, share prices '
    "above all, are close to a random walk: nothing in the past predicts the next change, and no network will "
    "beat naive by more than noise. The Forecast page says plainly whether yours did.\n"
    "- **Short series** (a few hundred points) rarely carry enough windows to train tens of thousands of weights; "
    "seasonal naive or a classical model (ETS, ARIMA) is often as good, and instant.\n"
    "- **A strong trend** outside the training range: with a min-max scaler fit on the training part, values "
    "never seen in training lie outside 0 to 1, and the network extrapolates badly. Tick **Predict "
    "differences** on the Train page: the network then learns the change from one step to the next, "
    "y_t − y_(t−1), which stays in the range seen in training even when the level does not; each forecast is "
    "the last actual value plus the predicted change, so the metrics stay comparable with the baselines. On "
    "airline passengers this turns a 39% loss against naive into a 26% gain (default settings, one seed).\n"
    "- **The recursive future forecast** feeds predictions back in; errors compound, so trust the first steps most."
)
st.page_link(
    "app_pages/forecast.py", label="Check your LSTM against naive, seasonal naive and drift", icon=":material/timeline:"
)

st.header("How to fight overfitting")
st.markdown(
    "Overfitting shows on the loss chart: the training loss keeps falling while the validation loss stops "
    "falling or rises.\n"
    "- **Early stopping**: set a patience (say 10): training ends when the validation loss has not improved "
    "for that many epochs, and the best weights are restored.\n"
    "- **Dropout**: randomly zeroes a share of each layer's outputs during training (0.1 to 0.3 is typical), so "
    "the network cannot rely on any single unit.\n"
    "- **Fewer units or layers**: a smaller network has fewer weights to memorise noise with. LSTM(50) on a "
    "144-point series is already large.\n"
    "- **More data or a shorter window**: more windows per weight."
)
st.page_link(
    "app_pages/train.py", label="Try it: change the settings and train again", icon=":material/model_training:"
)
st.page_link("app_pages/runs.py", label="Compare runs side by side", icon=":material/history:")
