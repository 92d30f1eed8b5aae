"""Job states and stop reasons: StrEnums equal to the strings the app, the store and metrics.json hold."""

from __future__ import annotations

import json

from lstm_core.jobs.state import JobState
from lstm_core.nn.stop_reason import StopReason


def test_job_states_and_which_are_finished():
    """new and running are not finished; done, stopped and failed are; each equals its old string."""
    assert [str(s) for s in JobState] == ["new", "running", "done", "stopped", "failed"]
    assert [s for s in JobState if s.finished] == [JobState.DONE, JobState.STOPPED, JobState.FAILED]
    assert JobState("done") is JobState.DONE


def test_stop_reasons_are_the_old_strings():
    """metrics.json keeps writing the same words."""
    assert {str(r) for r in StopReason} == {"completed", "early_stopping", "stopped", "time_limit", "nan", "abandoned"}
    assert json.dumps({"stop_reason": StopReason.TIME_LIMIT}) == '{"stop_reason": "time_limit"}'
    assert StopReason("nan") is StopReason.NAN
