"""Forecasts from trained weights in NumPy: one step ahead and recursive (`one_step`), many origins and
horizons (`multistep`), seed ensembles' members and spread (`seeds`), conformal bands (`bands`).
"""
