"""The network: weights as arrays (`weights`), the gates recomputed in NumPy (`gates`), the Keras model
(`keras_model`, `ensemble_layers`), training (`train`) and why it ended (`stop_reason`), determinism and the gate
probe (`probe`).
"""
