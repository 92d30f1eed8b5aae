"""AppTest: every session-state key is made by ui.session.keys.init, none holds a positional tuple, and one helper says
whether a training runs."""

from __future__ import annotations

import ast

from app_helpers import APP, ROOT, open_app, switch

from ui.session.keys import KEYS
from ui.session.state import UploadPreview

STATE_KEYS = {
    "dataset",
    "data_config",
    "config",
    "job",
    "job_collected",
    "runs",
    "run_counter",
    "train_error",
    "data_message",
    "upload_preview",
    "live_figure",
}
CSV = "day,price\n" + "".join(f"2024-01-{d:02d},{100 + d}\n" for d in range(1, 31))


def test_every_key_exists_after_the_first_run_and_none_is_a_tuple() -> None:
    """After the first run on each page the documented keys all exist, and no session value is a tuple."""
    at = open_app()
    for page in ("data", "train", "forecast", "gates", "learn", "runs"):
        switch(at, page)
        assert not at.exception
        state = {key: at.session_state[key] for key in at.session_state}
        assert set(state) >= STATE_KEYS, STATE_KEYS - set(state)
        assert set(state) >= {key.name for key in KEYS}, {key.name for key in KEYS} - set(state)
        assert not [key for key, value in state.items() if isinstance(value, tuple)]
    assert at.session_state["upload_preview"] is None and at.session_state["live_figure"] is None


def test_upload_preview_is_a_typed_record() -> None:
    """An uploaded file's preview is kept as an UploadPreview naming the file, not as a tuple."""
    at = open_app()
    at.file_uploader(key="data_upload").upload("prices.csv", CSV.encode(), "text/csv")
    at.run()
    preview = at.session_state["upload_preview"]
    assert isinstance(preview, UploadPreview) and preview.error is None and preview.dataset.target == "price"


def test_training_running_is_false_before_any_training() -> None:
    """Before a training, the Train button is enabled and the sidebar says no training yet."""
    at = open_app("train")
    assert not at.button(key="train_submit").disabled
    assert any("No training yet." in caption.value for caption in at.sidebar.caption)


def test_code_assigns_only_keys_of_the_table() -> None:
    """Every session key the app assigns by name is declared in ui.session.keys.KEYS (widgets make their own)."""
    # widgets' values set before they are drawn: a fresh study name; the Benchmark page's collection choice when the
    # collection loaded on the Data page is forgotten
    widget_keys = {"sweep_study", "benchmark_collection"}
    declared = {key.name for key in KEYS} | widget_keys
    assigned = {}
    for path in [*(ROOT / "ui").rglob("*.py"), *(ROOT / "app_pages").glob("*.py"), APP]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                owner = node.value
                if isinstance(owner, ast.Attribute) and owner.attr == "session_state":
                    assigned[node.attr] = path.name
    assert assigned and not {name: file for name, file in assigned.items() if name not in declared}


def test_visitors_are_counted_by_session_within_the_window(monkeypatch):
    """Each session counts once, and a session unseen for longer than VISITOR_SECONDS no longer counts."""
    from ui.jobs import runtime

    monkeypatch.setattr(runtime, "_seen", {})
    assert runtime.visitors_now("a", now=1000.0) == 1
    assert runtime.visitors_now("a", now=1001.0) == 1
    assert runtime.visitors_now("b", now=1002.0) == 2
    later = 1001.0 + runtime.VISITOR_SECONDS + 1  # "a" was last seen at 1001
    assert runtime.visitors_now("b", now=later) == 1
    assert runtime.visitors_now(None, now=later) == 1


def test_an_older_runs_gate_history_is_thinned_and_the_rest_kept(dataset, monkeypatch):
    """A run past the newest FULL_GATE_HISTORIES keeps THINNED_SNAPSHOTS snapshots, first and last among them, and
    everything else it had."""
    from tiny import TINY

    from lstm_core.experiment.run import run_experiment
    from ui.session import state

    run = run_experiment(dataset, TINY.replace(epochs=4))
    monkeypatch.setattr(state, "THINNED_SNAPSHOTS", 2)
    assert len(run.gate_history) > 2
    older = state._with_thinned_gates(run)
    assert older.gate_history.epochs.tolist() == [run.gate_history.epochs[0], run.gate_history.epochs[-1]]
    assert older.metrics is run.metrics and older.weights is run.weights and older.train.history is run.history
    assert state._with_thinned_gates(None) is None
