"""Benchmarks: each script prints reference, ours and the ratio, and writes bench/results/<name>.json."""
