"""The app's helpers, between the pages (app_pages/, layout only) and the library (lstm_core/).

In layers, each importing only the ones below it (checked by `lint-imports`):

- `jobs/`: background work: `slot` (one job life: start, poll in a fragment, stop, collect, sidebar line) and
  its families `trainings`, `backtests`, `sweeps`; `runtime` (Streamlit's per-rerun Keras cleanup, skipped).
- `forms/`: a widget per setting and the Train form (`settings`), `backtest_form`, `sweep_form`, `share_link`;
  `views/`: page parts bigger than a chart: gates, inside, run tables, downloads.
- `session/`: what one visitor owns: `keys` (every session-state key, its meaning, and `init`), `state`
  (the loaded data, the runs), `workspace` (the `ws` token), `share` (share links), `runstore`, `loaders`.
- `charts/`: plotly figures, no Streamlit calls.
- `text/`: the words: `i18n` with `en.toml` / `zh.toml`, `format`, `gate_text`, `equations`;
  `pages`: every page listed once (name, title, icon), for `st.navigation`, links and page switches.

Nothing here imports Keras, so the first page renders without TensorFlow (only a finished training brings
Keras into the process).
"""
