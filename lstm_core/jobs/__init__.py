"""Work that runs beside the app: the job life (`base`: thread, Stop, heartbeat, limit; `state`), trainings,
backtests and sweeps, and the time and memory budget (`budget`).
"""
