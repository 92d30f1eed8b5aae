"""The Gates page's gradient views: how far back the prediction reaches, and which inputs it used.

Both are computed in NumPy (lstm_core.nn.gradients) from the weights of the epoch on the slider, so they move with
it; no backend is needed. The mean over the test part uses at most `MAX_WINDOWS` evenly spread test windows.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import streamlit as st

from lstm_core.nn.gradients import (
    gradients,
    integrated_gradients,
    integrated_gradients_batch,
    training_mean_baseline,
)
from ui.charts import gradient_charts
from ui.text.gate_text import TEXT
from ui.text.i18n import text
from ui.views.network_cache import per_network

__all__ = ["MAX_WINDOWS", "draw_gradients"]

MAX_WINDOWS = 256
MAX_ATTRIBUTED = 32  # test windows averaged for the mean attributions (each costs 32 or more backward passes)


def draw_gradients(run: Any, weights: Any, position: int, times: Any) -> None:
    """The reach chart (this window and the test mean) and the integrated gradients of test window `position`."""
    windows = run.windows
    x_test = windows.x_test  # (N, window, F)
    sample = np.unique(np.linspace(0, len(x_test) - 1, min(len(x_test), MAX_WINDOWS)).round().astype(int))
    with np.errstate(all="ignore"):  # a diverged network gives NaN gradients, drawn as gaps
        chosen = gradients(x_test[[position]], weights).state_gradient[0]  # (window,)
        mean = per_network(  # the same for every window and what-if edit: computed once per network
            weights, "mean_reach", lambda: gradients(x_test[sample], weights).state_gradient.mean(axis=0)
        )  # (window,)
    st.subheader(TEXT["gradients_header"])
    st.caption(TEXT["gradients_caption"])
    cell = weights.cell
    curves = {text("gates.this_window"): chosen, text("gates.mean_windows").format(n=len(sample)): mean}
    st.plotly_chart(gradient_charts.reach_figure(curves, cells=(cell, cell)), key="gates_gradient_reach")
    if chosen[-1] > 0 and np.isfinite(chosen).all():
        st.markdown(TEXT["gradients_reach"].format(lag=len(chosen) - 1, share=f"{chosen[0] / chosen[-1]:.2%}"))

    baseline = training_mean_baseline(windows.scaled[windows.lag : windows.train_end], windows.window)
    with np.errstate(all="ignore"):
        attribution = integrated_gradients(x_test[position], weights, baseline)
    st.subheader(TEXT["attribution_header"])
    features = run.dataset.input_columns
    if len(features) != windows.n_features:  # a run kept without its column names
        features = [text("gates.feature").format(n=k + 1) for k in range(windows.n_features)]
    figure = gradient_charts.attribution_figure(attribution.attributions, times, features)
    st.plotly_chart(figure, key="gates_attribution")
    st.caption(
        TEXT["attribution_caption"].format(
            total=float(attribution.attributions.sum()),
            difference=attribution.output - attribution.baseline_output,
            error=attribution.completeness_error,
        )
    )
    if st.toggle(text("gates.average").format(n=MAX_ATTRIBUTED), key="gates_attribution_mean"):
        chosen = np.unique(np.linspace(0, len(x_test) - 1, min(len(x_test), MAX_ATTRIBUTED)).round().astype(int))
        with np.errstate(all="ignore"):
            batch = integrated_gradients_batch(x_test[chosen], weights, baseline)
        mean = np.abs(batch.attributions).mean(axis=0)  # (window, F): how much each step moves a prediction
        lags = [text("gates.lag").format(n=k) for k in range(len(mean) - 1, -1, -1)]
        figure = gradient_charts.attribution_figure(mean, lags, features)
        figure.update_layout(title={"text": text("gates.average_title").format(n=len(chosen))})
        st.plotly_chart(figure, key="gates_attribution_mean_chart")
        worst = float(np.nanmax(batch.completeness_error))
        st.caption(text("gates.average_caption").format(e=f"{worst:.2%}"))
