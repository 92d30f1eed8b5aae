"""Optuna sweeps: the search space (`space`), where studies live (`storage`), a study's trials (`study`) and
their results (`results`).
"""
