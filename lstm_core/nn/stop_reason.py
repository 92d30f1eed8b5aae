"""Why training ended, written once: `TrainResult.stop_reason`, metrics.json's `stop_reason`, a job's.

StrEnum members are their strings (`StopReason.NAN == "nan"`), so JSON, the run store and old files are unchanged.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["StopReason"]


class StopReason(StrEnum):
    COMPLETED = "completed"  # every epoch ran (a backtest: every fold)
    EARLY_STOPPING = "early_stopping"  # `patience` epochs without a better validation loss; the best weights kept
    STOPPED = "stopped"  # Stop was pressed (or a sweep's pruner ended the trial); the weights reached kept
    TIME_LIMIT = "time_limit"  # the server's time limit for one training; the weights reached kept
    NAN = "nan"  # the loss became NaN or infinite: no usable model
    ABANDONED = "abandoned"  # a job only: no page watched it for its heartbeat timeout (the tab was closed)
