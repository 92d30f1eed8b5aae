"""Series in: the `Dataset` contract, bundled samples, CSV files (`csv/`), Yahoo Finance, fingerprints, and the
split into scaled training windows (`windows`).
"""
