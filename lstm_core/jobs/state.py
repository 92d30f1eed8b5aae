"""A job's life, written once: new -> running -> done | stopped | failed.

StrEnum members are their strings (`JobState.DONE == "done"`).
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["JobState"]


class JobState(StrEnum):
    NEW = "new"
    RUNNING = "running"
    DONE = "done"
    STOPPED = "stopped"  # by Stop, by a time limit, or abandoned: what was reached is kept
    FAILED = "failed"  # `error` says why

    @property
    def finished(self) -> bool:
        return self in (JobState.DONE, JobState.STOPPED, JobState.FAILED)
