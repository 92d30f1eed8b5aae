"""Walk-forward backtests (rolling origin) of an LSTM against the baselines, and their summaries."""
