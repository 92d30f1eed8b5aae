"""Pure NumPy scoring: error metrics, baselines, diagnostics and conformal intervals, and the names of a forecast's
columns (`columns`). No Keras, no pandas state.
"""
