"""The project's own error type.

Every problem a user can fix (a bad file, a bad setting, an unreachable network) is raised
as `LabError` with one sentence that says what is wrong and what to do. The command line
prints it as `error: <message>` and exits with status 2; the app shows it with `st.error`.
Anything else that escapes is a bug.
"""

from __future__ import annotations

__all__ = ["LabError"]


class LabError(ValueError):
    """A problem the user can fix; the message says what is wrong and what to do."""
