"""The app's helpers: per-visitor state, plotly figures, the training monitor, formatting.

Pages call these; these call `lstm_core`. Nothing here imports Keras, so the first page
renders without TensorFlow (only a finished training brings Keras into the process).
"""
