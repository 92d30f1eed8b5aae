"""Pure NumPy scoring: error metrics, baselines, diagnostics and conformal intervals. No Keras, no pandas state."""
