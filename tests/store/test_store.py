"""The run store on real SQLite files: save, list, isolation, limits, export/import, migration, failures."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

from lstm_core.errors import LabError
from lstm_core.store import db as store
from lstm_core.store.db import NewRun, StoreError, StoreFull, open_store

FIXTURE_V1 = Path(__file__).parents[1] / "fixtures" / "store_v1.sqlite"


def _entry(units: int = 8, *, kind: str = "run", blob: bytes = b"x" * 100) -> NewRun:
    return NewRun(
        name="tiny",
        config={"model": {"units": units}},
        metrics={"lstm": {"rmse": 1.0 / units}, "skill_vs_naive": 0.1},
        kind=kind,
        source="sample:tiny",
        fingerprint="sha256:" + "0" * 64,
        history=[{"epoch": 1, "loss": 0.5, "val_loss": None, "seconds": 0.1}],
        notes=["a note"],
        artifacts={"forecast.csv": blob},
    )


@pytest.fixture
def db(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'runs.sqlite'}"


def test_a_saved_run_reads_back_whole(db):
    """Everything saved (config, metrics, history, notes, artifacts) comes back from get_run."""
    runs = open_store(db)
    run_id = runs.save_run("ws", _entry(16))
    got = runs.get_run("ws", run_id)
    assert got.config == {"model": {"units": 16}}
    assert got.metrics["lstm"]["rmse"] == pytest.approx(1 / 16)
    assert got.history[0]["val_loss"] is None
    assert got.notes == ["a note"] and got.kind == "run"
    assert got.artifact_names == ["forecast.csv"]
    assert runs.artifact("ws", run_id, "forecast.csv") == b"x" * 100


def test_workspaces_are_isolated(db):
    """A run is listed, read, and deleted only through its own workspace."""
    runs = open_store(db)
    mine = runs.save_run("alice", _entry())
    runs.save_run("bob", _entry())
    assert [r.id for r in runs.list_runs("alice")] == [mine]
    assert runs.get_run("bob", mine) is None
    assert runs.artifact("bob", mine, "forecast.csv") is None
    assert runs.delete_run("bob", mine) is False
    assert runs.delete_run("alice", mine) is True
    assert runs.list_runs("alice") == [] and len(runs.list_runs("bob")) == 1


def test_runs_survive_reopening_and_filter_by_kind(db):
    """A second store opened on the same file sees the runs; kind and study filter the list."""
    open_store(db).save_run("ws", _entry(kind="run"))
    first = open_store(db)
    first.save_run("ws", NewRun(name="t", config={}, metrics={}, kind="sweep_trial", study="s1"))
    again = open_store(db)
    assert len(again.list_runs("ws")) == 2
    assert [r.study for r in again.list_runs("ws", kind="sweep_trial")] == ["s1"]
    assert len(again.list_runs("ws", study="s1")) == 1


def test_limit_refuses_and_deletes_nothing(db, monkeypatch):
    """Beyond the per-workspace run limit a save fails with one sentence and every earlier run stays."""
    monkeypatch.setenv("LSTM_LAB_WORKSPACE_RUNS", "2")
    runs = open_store(db)
    runs.save_run("ws", _entry())
    runs.save_run("ws", _entry())
    with pytest.raises(StoreFull, match=r"^This workspace is full \(2 runs.*delete or export older runs"):
        runs.save_run("ws", _entry())
    assert len(runs.list_runs("ws")) == 2
    runs.save_run("other", _entry())  # another workspace has its own room


def test_megabyte_limit(db, monkeypatch):
    """A run that would take the workspace beyond its megabytes is refused."""
    monkeypatch.setenv("LSTM_LAB_WORKSPACE_MB", "1")
    runs = open_store(db)
    runs.save_run("ws", _entry(blob=b"y" * 600_000))
    with pytest.raises(StoreFull, match="MB"):
        runs.save_run("ws", _entry(blob=b"y" * 600_000))
    assert runs.usage("ws").runs == 1


def test_export_then_import_elsewhere(db, tmp_path):
    """An exported workspace imports into another database with its artifacts; a second import adds nothing."""
    runs = open_store(db)
    ids = {runs.save_run("ws", _entry(units)) for units in (4, 8)}
    path = tmp_path / "export.zip"
    assert runs.export_workspace("ws", path) == 2
    other = open_store(f"sqlite:///{tmp_path / 'other.sqlite'}")
    assert other.import_workspace("new", path) == 2
    assert {r.id for r in other.list_runs("new")} == ids
    some = next(iter(ids))
    assert other.artifact("new", some, "forecast.csv") == b"x" * 100
    assert other.get_run("new", some).history == runs.get_run("ws", some).history
    assert other.import_workspace("new", path.read_bytes()) == 0


def test_import_refuses_other_files(db, tmp_path):
    """A file that is not an export is refused in one sentence."""
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    with pytest.raises(StoreError, match="not an LSTM Lab workspace export"):
        open_store(db).import_workspace("ws", bad)


def test_version_1_fixture_opens_and_migrates(tmp_path):
    """The committed schema-1 store opens: its run reads back as kind 'run' with a size, and new runs save."""
    path = tmp_path / "v1.sqlite"
    shutil.copy(FIXTURE_V1, path)
    runs = open_store(f"sqlite:///{path}")
    [old] = runs.list_runs("fixture-workspace")
    assert old.kind == "run" and old.study is None and old.size_bytes > 0
    assert old.metrics["skill_vs_naive"] == pytest.approx(0.2375)
    assert runs.artifact("fixture-workspace", old.id, "forecast.csv").startswith(b"time,")
    runs.save_run("fixture-workspace", _entry())
    with sqlite3.connect(path) as raw:
        assert raw.execute("SELECT value FROM lab_meta").fetchone() == (str(store.SCHEMA_VERSION),)


def test_newer_schema_is_refused_untouched(db):
    """A store written by a newer version is refused with one sentence and not altered."""
    open_store(db)
    path = db.removeprefix("sqlite:///")
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE lab_meta SET value='99'")
    with pytest.raises(StoreError, match="newer LSTM Lab"):
        open_store(db)


def test_corrupt_file_gives_one_sentence(tmp_path):
    """A damaged SQLite file gives a StoreError sentence, not a crash."""
    path = tmp_path / "runs.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match=r"^The run store \(the SQLite file .*\) cannot be used .*in memory only\.$"):
        open_store(f"sqlite:///{path}")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_folder(tmp_path):
    """A folder the store cannot write to gives a StoreError sentence."""
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        with pytest.raises(StoreError, match="cannot be used"):
            open_store(f"sqlite:///{folder / 'runs.sqlite'}")
    finally:
        folder.chmod(stat.S_IRWXU)


def test_a_folder_no_one_can_write_gives_one_sentence():
    """A store under /proc (read-only even for root) gives a StoreError sentence, not a crash."""
    with pytest.raises(
        StoreError, match=r"^The run store \(the SQLite file /proc/lstm-lab-test/runs.sqlite\) cannot be"
    ):
        open_store("sqlite:////proc/lstm-lab-test/runs.sqlite")


def test_read_only_file(tmp_path):
    """A store opened read-only (as on a read-only disk) fails on save with one sentence; reading still works."""
    path = tmp_path / "runs.sqlite"
    open_store(f"sqlite:///{path}").save_run("ws", _entry())
    runs = open_store(f"sqlite:///file:{path}?mode=ro&uri=true")
    assert len(runs.list_runs("ws")) == 1
    with pytest.raises(StoreError, match=r"readonly|read-only"):
        runs.save_run("ws", _entry())


@pytest.mark.parametrize("url", ["not a url", "postgresql://nobody@127.0.0.1:1/none", "nosuchdb://x/y"])
def test_bad_url_gives_one_sentence(url):
    """A malformed URL, an unreachable server or an unknown driver each give a StoreError (a LabError)."""
    with pytest.raises(LabError, match=r"(not a database URL|cannot be used)"):
        open_store(url)


def test_full_disk_gives_one_sentence(db):
    """A database that cannot grow (SQLite's 'database or disk is full') fails the save in one sentence."""
    runs = open_store(db)
    runs.save_run("ws", _entry())
    path = db.removeprefix("sqlite:///")
    pages = sqlite3.connect(path).execute("PRAGMA page_count").fetchone()[0]

    @store.sa.event.listens_for(runs.engine, "connect")
    def _cap(connection, _record):
        connection.execute(f"PRAGMA max_page_count={pages}")

    runs.engine.dispose()
    with pytest.raises(StoreError, match="full"):
        runs.save_run("ws", _entry(blob=b"z" * 200_000))
    assert len(runs.list_runs("ws")) == 1


def test_default_url_sits_beside_the_yahoo_cache(monkeypatch, tmp_path):
    """Without LSTM_LAB_DB the store is runs.sqlite in LSTM_LAB_CACHE; LSTM_LAB_DB wins."""
    monkeypatch.delenv("LSTM_LAB_DB", raising=False)
    monkeypatch.setenv("LSTM_LAB_CACHE", str(tmp_path))
    assert store.default_url() == f"sqlite:///{tmp_path / 'runs.sqlite'}"
    monkeypatch.setenv("LSTM_LAB_DB", "sqlite:///elsewhere.sqlite")
    assert store.default_url() == "sqlite:///elsewhere.sqlite"


def test_workspace_tokens_are_long_and_distinct():
    """Workspace tokens are URL-safe, at least 40 characters, and never repeat."""
    tokens = {store.new_workspace() for _ in range(100)}
    assert len(tokens) == 100 and all(len(t) >= 40 and t.replace("-", "").replace("_", "").isalnum() for t in tokens)


def test_a_locked_database_gives_one_sentence_after_the_busy_timeout(db):
    """While another process holds SQLite's write lock, a save waits `busy_timeout`, then fails in one sentence."""
    open_store(db).save_run("ws", _entry())
    holder = sqlite3.connect(db.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError, match="locked"):
            open_store(db, busy_timeout=0.2).save_run("ws", _entry())
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert len(open_store(db).list_runs("ws")) == 1


def test_concurrent_writers_all_succeed(db):
    """Two writers (separate engines, as two processes have) saving at once both get every run in."""
    from concurrent.futures import ThreadPoolExecutor

    open_store(db)

    def write(name: str) -> int:
        runs = open_store(db)
        for _ in range(15):
            runs.save_run(name, _entry())
        return len(runs.list_runs(name))

    with ThreadPoolExecutor(max_workers=2) as pool:
        assert list(pool.map(write, ["a", "b"])) == [15, 15]


def test_a_workspace_token_never_starts_with_a_dash():
    """A token starting with "-" would read as an option in `--workspace TOKEN`; one in 64 did. 2,000 tokens would
    hold such a one with probability 1 - (63/64)^2000, above 0.999999."""
    tokens = {store.new_workspace() for _ in range(2000)}
    assert len(tokens) == 2000 and not any(token.startswith("-") for token in tokens)
    assert all(len(token) >= 43 for token in tokens)  # still 32 random bytes
