"""Optuna sweeps: the search space (`space`), where studies live (`storage`), a study's trials (`study`), what they
are scored by (`score`) and their results (`results`).
"""
