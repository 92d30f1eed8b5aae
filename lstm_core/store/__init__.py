"""The run store: runs, backtests and sweeps kept in SQLite or PostgreSQL (`db`) and the records written
into it (`records`).
"""
