"""Learn, in English or 中文: the six LSTM equations, why gates help, overfitting and slow training, when an
LSTM is the wrong tool, why one split can lie, what coverage means, and recursive versus direct forecasts.

The words come from ui/text (ui.text.i18n) in the language chosen in the sidebar; the formulas from ui.text.equations.
"""

import streamlit as st

from ui import pages
from ui.jobs import compares
from ui.text import equations, i18n
from ui.text.equations import EQUATIONS, GATE_ORDER
from ui.views import compare_views

lang = i18n.language()


def say(key: str) -> str:
    return i18n.text(f"learn.{key}", lang)


st.title(say("title"))
st.markdown(say("intro"))

st.header(say("equations_header"))
for name in GATE_ORDER:
    st.latex(EQUATIONS[name])
    st.markdown(i18n.gate_caption(name, lang))
pages.link("gates", say("link_gates"))

st.header(say("gradients_header"))
st.markdown(say("gradients_before"))
st.latex(equations.CELL_GRADIENT)
st.markdown(say("gradients_after"))
pages.link("gates", say("link_remember"), icon=":material/memory:")
st.markdown(say("cells_try").replace("{settings}", compare_views.long_memory_settings(lang)))  # LaTeX has braces
pages.link("train", say("link_cells"))
pages.link("compare", i18n.text("compare.learn_link", lang))
if st.button(i18n.text("compare.learn_try", lang), key="learn_long_memory", icon=":material/bolt:"):
    compares.use_long_memory()  # the long-memory sample with the settings above, as the Train form's
    pages.switch("compare")

st.header(say("overfitting_header"))
st.markdown(say("overfitting_body"))
pages.link("train", say("link_train"))

st.header(say("slow_header"))
st.markdown(say("slow_body"))
pages.link("runs", say("link_runs"))

st.header(say("wrong_tool_header"))
st.markdown(say("wrong_tool_body"))
pages.link("forecast", say("link_forecast"))

st.header(say("split_header"))
st.markdown(say("split_body"))
pages.link("runs", say("link_runs"))

st.header(say("coverage_header"))
st.markdown(say("coverage_body"))
st.latex(equations.COVERAGE)
st.markdown(say("coverage_after"))

st.header(say("multistep_header"))
st.markdown(say("multistep_body"))
st.latex(equations.RECURSIVE)
st.latex(equations.DIRECT)
st.markdown(say("multistep_after"))
pages.link("forecast", say("link_forecast"))
