"""One experiment end to end (`run`: data -> windows -> training -> forecasts, scores and gates) and its
files (`export`).
"""
