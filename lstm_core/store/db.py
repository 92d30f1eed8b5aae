"""The run store: every run, backtest and sweep trial kept in a database, per workspace.

API (what the app, the command line and the sweep code call):

    store = open_store(url=None)            # RunStore; raises StoreError (a LabError) with one sentence
    run_id = store.save_run(workspace, NewRun(...))   # -> 32 hex characters; StoreError when full/broken
    store.list_runs(workspace, kind=None, study=None) # -> [StoredRun] newest first (config and metrics only)
    store.get_run(workspace, run_id)                  # -> StoredRun with history, or None
    store.artifact(workspace, run_id, "forecast.csv") # -> bytes or None
    store.delete_run(workspace, run_id)               # -> True if it was there
    store.usage(workspace)                            # -> Usage(runs, bytes, max_runs, max_bytes)
    store.export_workspace(workspace, path_or_file)   # -> runs written (a zip: manifest.json + artifacts)
    store.import_workspace(workspace, path_or_file)   # -> runs added (ids already there are skipped)

`lstm_core.store.records.new_run(run, ...)` builds a `NewRun` from an `experiment.Run` (fingerprint, history,
library versions, forecast CSV and weights). `kind` is "run", "backtest", "sweep_trial" or "benchmark"; a sweep
trial also names its `study`. `lstm_core.store.evaluations` builds the entries of backtests and benchmarks (no
schema change: `kind` is text, and their settings and scores live in the `config` and `metrics` JSON).

Where: `LSTM_LAB_DB` (any SQLAlchemy URL, PostgreSQL included) or a SQLite file `runs.sqlite` in the user
cache folder beside the Yahoo cache (`$LSTM_LAB_CACHE`, else `~/.cache/lstm-lab`). SQLite waits up to
`busy_timeout` seconds for another writer. Tables are prefixed `lab_` so Optuna's tables can share the
database.

Privacy: every query names a workspace (a random token from `new_workspace()`); nothing lists workspaces.
Limits per workspace: `LSTM_LAB_WORKSPACE_RUNS` runs (default 1000) and `LSTM_LAB_WORKSPACE_MB` megabytes
(default 200); a save beyond them raises `StoreFull` saying what to do; nothing is ever deleted by the store.

Schema versions (`lab_meta.schema_version`): 1 had no `kind`, `study` or `size_bytes` columns; 2 adds them
(`_migrate`). A database from a newer version is refused, never altered.
"""

from __future__ import annotations

import io
import json
import os
import secrets
import time
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa

from lstm_core.errors import LabError

__all__ = [
    "KINDS",
    "SCHEMA_VERSION",
    "NewRun",
    "RunStore",
    "StoreError",
    "StoreFull",
    "StoredRun",
    "Usage",
    "default_url",
    "new_workspace",
    "open_store",
]

SCHEMA_VERSION = 2
KINDS = ("run", "backtest", "sweep_trial", "benchmark")
_EXPORT_FORMAT = "lstm-lab-workspace"


class StoreError(LabError):
    """The store cannot be used; the message is one sentence for the user."""


class StoreFull(StoreError):
    """The workspace has reached its limit of runs or megabytes."""


@dataclass
class NewRun:
    """What `save_run` stores. `config`/`metrics` are the JSON dicts of config.json and metrics.json."""

    name: str  # the data's name, as the Runs table shows it
    config: dict[str, Any]
    metrics: dict[str, Any]
    kind: str = "run"
    source: str = ""  # the data source (a path, sample:NAME, yahoo:TICKER, upload:NAME)
    fingerprint: str = ""  # "sha256:..." of the loaded data (lstm_core.store.records.fingerprint)
    history: list[dict[str, Any]] = field(default_factory=list)  # epoch, loss, val_loss, seconds
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    environment: dict[str, Any] = field(default_factory=dict)  # library versions, backend, device, python
    study: str | None = None  # a sweep's study name
    artifacts: dict[str, bytes] = field(default_factory=dict)  # e.g. forecast.csv, weights.npz, model.keras


@dataclass
class StoredRun:
    """A stored run. `list_runs` leaves `history` None and `notes`, `timings`, `environment` empty (a list of
    1,000 runs then parses only config and metrics); `get_run` fills them all."""

    id: str
    workspace: str
    kind: str
    created_at: float
    name: str
    source: str
    fingerprint: str
    config: dict[str, Any]
    metrics: dict[str, Any]
    notes: list[str]
    timings: dict[str, float]
    environment: dict[str, Any]
    study: str | None
    size_bytes: int
    history: list[dict[str, Any]] | None = None
    artifact_names: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Usage:
    runs: int
    bytes: int
    max_runs: int
    max_bytes: int


_meta = sa.MetaData()
_meta_table = sa.Table(
    "lab_meta", _meta, sa.Column("key", sa.String(64), primary_key=True), sa.Column("value", sa.Text)
)
_runs = sa.Table(
    "lab_runs",
    _meta,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("workspace", sa.String(128), nullable=False, index=True),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("fingerprint", sa.String(80), nullable=False),
    sa.Column("config", sa.Text, nullable=False),
    sa.Column("metrics", sa.Text, nullable=False),
    sa.Column("history", sa.Text, nullable=False),
    sa.Column("notes", sa.Text, nullable=False),
    sa.Column("timings", sa.Text, nullable=False),
    sa.Column("environment", sa.Text, nullable=False),
    # version 2
    sa.Column("kind", sa.String(16), nullable=False, server_default="run"),
    sa.Column("study", sa.Text, nullable=True),
    sa.Column("size_bytes", sa.Integer, nullable=False, server_default="0"),
)
_artifacts = sa.Table(
    "lab_artifacts",
    _meta,
    sa.Column("run_id", sa.String(32), sa.ForeignKey("lab_runs.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("name", sa.String(128), primary_key=True),
    sa.Column("data", sa.LargeBinary, nullable=False),
)
_SUMMARY = [c for c in _runs.c if c.name not in ("history", "notes", "timings", "environment")]


def new_workspace() -> str:
    """A fresh workspace token: 32 random bytes, URL-safe (unguessable; it is the only key to its runs). Never one
    that starts with "-": a command line would read `--workspace -Xy…` as an option, not as the token."""
    while (token := secrets.token_urlsafe(32)).startswith("-"):
        continue
    return token


def default_url() -> str:
    """`LSTM_LAB_DB`, else a SQLite file `runs.sqlite` in the cache folder beside the Yahoo cache."""
    url = os.environ.get("LSTM_LAB_DB", "").strip()
    if url:
        return url
    root = os.environ.get("LSTM_LAB_CACHE")
    base = Path(root).expanduser() if root else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = base if root else base / "lstm-lab"
    return f"sqlite:///{folder / 'runs.sqlite'}"


def _limit(name: str, default: int) -> int:
    try:
        return max(1, int(os.environ.get(name, default)))
    except ValueError:
        return default


def open_store(url: str | None = None, *, busy_timeout: float = 10.0) -> RunStore:
    """Open (creating or migrating) the store at `url` (default `default_url()`); raises StoreError."""
    url = url or default_url()
    try:
        parsed = sa.engine.make_url(url)
    except (sa.exc.ArgumentError, ValueError):
        raise StoreError(f"LSTM_LAB_DB is not a database URL ({url!r}); use e.g. sqlite:///runs.sqlite.") from None
    where = _where(parsed)
    try:
        if parsed.get_backend_name() == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            engine = sa.create_engine(parsed, connect_args={"timeout": busy_timeout})
            sa.event.listen(engine, "connect", _sqlite_pragmas)
        else:
            args = {"connect_timeout": int(busy_timeout)} if parsed.get_backend_name() == "postgresql" else {}
            engine = sa.create_engine(parsed, connect_args=args, pool_pre_ping=True)
        store = RunStore(engine, where)
        store._prepare()
        return store
    except StoreError:
        raise
    except (sa.exc.SQLAlchemyError, OSError, ImportError, ValueError) as exc:
        raise StoreError(_sentence(where, exc)) from None


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    # WAL: readers do not block the writer, and a commit appends to the log instead of rewriting pages;
    # synchronous=NORMAL then syncs at checkpoints, not at every commit (a power cut may lose the last runs,
    # never corrupt the file). Together they take a save from about 30 ms to a few ms.
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    except Exception:  # a read-only or damaged file: the first real query says what is wrong
        pass
    cursor.close()


def _where(url: sa.engine.URL) -> str:
    if url.get_backend_name() == "sqlite":
        return f"the SQLite file {url.database}"
    return f"the database {url.render_as_string(hide_password=True)}"


def _sentence(where: str, exc: BaseException) -> str:
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:160] if str(exc) else type(exc).__name__
    return f"The run store ({where}) cannot be used ({reason}); this session's runs are kept in memory only."


class RunStore:
    """Runs per workspace in one database; every method raises StoreError (one sentence) when it fails."""

    def __init__(self, engine: sa.Engine, where: str) -> None:
        self.engine = engine
        self.where = where
        self.max_runs = _limit("LSTM_LAB_WORKSPACE_RUNS", 1000)
        self.max_bytes = _limit("LSTM_LAB_WORKSPACE_MB", 200) * 1_000_000

    def _fail(self, exc: BaseException) -> StoreError:
        return StoreError(_sentence(self.where, exc))

    # --- schema -------------------------------------------------------------------------------
    def _prepare(self) -> None:
        with self.engine.begin() as conn:
            inspector = sa.inspect(conn)
            if not inspector.has_table("lab_runs"):
                _meta.create_all(conn)
                conn.execute(_meta_table.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))
                return
            version = int(conn.execute(sa.select(_meta_table.c.value).where(_meta_table.c.key == "schema_version"))
                          .scalar() or 1)  # fmt: skip
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"The run store ({self.where}) was written by a newer LSTM Lab (schema {version}; this one reads "
                    f"up to {SCHEMA_VERSION}); update LSTM Lab or set LSTM_LAB_DB to another database."
                )
            if version < SCHEMA_VERSION:
                _migrate(conn, version)

    # --- writing --------------------------------------------------------------------------------
    def save_run(self, workspace: str, entry: NewRun) -> str:
        """Store `entry` in `workspace`; returns its id. Raises StoreFull beyond the workspace's limits."""
        if entry.kind not in KINDS:
            raise ValueError(f"`kind` must be one of {KINDS}. Received: kind={entry.kind!r}")
        texts = {
            "config": json.dumps(entry.config),
            "metrics": json.dumps(entry.metrics),
            "history": json.dumps(entry.history),
            "notes": json.dumps(list(entry.notes)),
            "timings": json.dumps(entry.timings),
            "environment": json.dumps(entry.environment),
        }
        size = sum(len(t) for t in texts.values()) + sum(len(b) for b in entry.artifacts.values())
        run_id = uuid.uuid4().hex
        try:
            with self.engine.begin() as conn:
                self._check_room(conn, workspace, 1, size)
                conn.execute(
                    _runs.insert().values(
                        id=run_id,
                        workspace=workspace,
                        created_at=time.time(),
                        name=entry.name,
                        source=entry.source,
                        fingerprint=entry.fingerprint,
                        kind=entry.kind,
                        study=entry.study,
                        size_bytes=size,
                        **texts,
                    )
                )
                if entry.artifacts:
                    rows = [{"run_id": run_id, "name": k, "data": v} for k, v in entry.artifacts.items()]
                    conn.execute(_artifacts.insert(), rows)
        except StoreError:
            raise
        except sa.exc.SQLAlchemyError as exc:
            raise self._fail(exc) from None
        return run_id

    def _check_room(self, conn: sa.Connection, workspace: str, runs: int, size: int) -> None:
        count, used = conn.execute(
            sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(_runs.c.size_bytes), 0)).where(
                _runs.c.workspace == workspace
            )
        ).one()
        if count + runs > self.max_runs or used + size > self.max_bytes:
            raise StoreFull(
                f"This workspace is full ({count} runs, {used / 1e6:.1f} MB; the limit is {self.max_runs} runs and "
                f"{self.max_bytes / 1e6:.0f} MB), so this run was not saved; delete or export older runs on the "
                "Runs page (or with `python -m lstm_core runs`) to save new ones."
            )

    def delete_run(self, workspace: str, run_id: str) -> bool:
        try:
            with self.engine.begin() as conn:
                where = (_runs.c.id == run_id) & (_runs.c.workspace == workspace)
                if conn.execute(sa.select(_runs.c.id).where(where)).first() is None:
                    return False
                conn.execute(_artifacts.delete().where(_artifacts.c.run_id == run_id))
                conn.execute(_runs.delete().where(where))
                return True
        except sa.exc.SQLAlchemyError as exc:
            raise self._fail(exc) from None

    # --- reading --------------------------------------------------------------------------------
    def list_runs(self, workspace: str, *, kind: str | None = None, study: str | None = None) -> list[StoredRun]:
        """The workspace's runs, newest first, without history or artifacts."""
        query = sa.select(*_SUMMARY).where(_runs.c.workspace == workspace)
        if kind is not None:
            query = query.where(_runs.c.kind == kind)
        if study is not None:
            query = query.where(_runs.c.study == study)
        try:
            with self.engine.connect() as conn:
                rows = conn.execute(query.order_by(_runs.c.created_at.desc())).mappings().all()
        except sa.exc.SQLAlchemyError as exc:
            raise self._fail(exc) from None
        return [_stored(row) for row in rows]

    def get_run(self, workspace: str, run_id: str) -> StoredRun | None:
        """One run of the workspace with its history and artifact names, or None (also for another's run)."""
        try:
            with self.engine.connect() as conn:
                row = (
                    conn.execute(sa.select(_runs).where((_runs.c.id == run_id) & (_runs.c.workspace == workspace)))
                    .mappings()
                    .first()
                )
                if row is None:
                    return None
                names = conn.execute(sa.select(_artifacts.c.name).where(_artifacts.c.run_id == run_id)).scalars()
                stored = _stored(row)
                stored.history = json.loads(row["history"])
                stored.artifact_names = sorted(names)
                return stored
        except sa.exc.SQLAlchemyError as exc:
            raise self._fail(exc) from None

    def artifact(self, workspace: str, run_id: str, name: str) -> bytes | None:
        query = (
            sa.select(_artifacts.c.data)
            .join(_runs, _runs.c.id == _artifacts.c.run_id)
            .where((_runs.c.workspace == workspace) & (_artifacts.c.run_id == run_id) & (_artifacts.c.name == name))
        )
        try:
            with self.engine.connect() as conn:
                return conn.execute(query).scalar()
        except sa.exc.SQLAlchemyError as exc:
            raise self._fail(exc) from None

    def usage(self, workspace: str) -> Usage:
        try:
            with self.engine.connect() as conn:
                count, used = conn.execute(
                    sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(_runs.c.size_bytes), 0)).where(
                        _runs.c.workspace == workspace
                    )
                ).one()
        except sa.exc.SQLAlchemyError as exc:
            raise self._fail(exc) from None
        return Usage(int(count), int(used), self.max_runs, self.max_bytes)

    # --- export / import ------------------------------------------------------------------------
    def export_workspace(self, workspace: str, target: str | Path | IO[bytes]) -> int:
        """Write the workspace's runs to a zip (manifest.json + artifacts/<id>/<name>); returns how many."""
        runs = [self.get_run(workspace, item.id) for item in self.list_runs(workspace)]
        manifest = {"format": _EXPORT_FORMAT, "schema_version": SCHEMA_VERSION, "runs": []}
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for stored in runs:
                if stored is None:
                    continue
                values = {k: v for k, v in stored.__dict__.items() if k not in ("workspace", "artifact_names")}
                manifest["runs"].append({**values, "artifacts": stored.artifact_names})
                for name in stored.artifact_names:
                    archive.writestr(f"artifacts/{stored.id}/{name}", self.artifact(workspace, stored.id, name) or b"")
            archive.writestr("manifest.json", json.dumps(manifest))
        return len(manifest["runs"])

    def import_workspace(self, workspace: str, source: str | Path | IO[bytes] | bytes) -> int:
        """Add the runs of an exported file to `workspace` (runs already there are skipped); returns how many."""
        if isinstance(source, bytes):
            source = io.BytesIO(source)
        try:
            with zipfile.ZipFile(source) as archive:
                manifest = json.loads(archive.read("manifest.json"))
                if manifest.get("format") != _EXPORT_FORMAT:
                    raise KeyError
                items = manifest["runs"]
                files = {i["id"]: {n: archive.read(f"artifacts/{i['id']}/{n}") for n in i["artifacts"]} for i in items}
        except (zipfile.BadZipFile, KeyError, TypeError, ValueError, OSError):
            raise StoreError("This file is not an LSTM Lab workspace export; choose a file made by Export.") from None
        added = 0
        try:
            with self.engine.begin() as conn:
                known = set(
                    conn.execute(sa.select(_runs.c.id).where(_runs.c.id.in_([i["id"] for i in items]))).scalars()
                )
                fresh = [i for i in items if i["id"] not in known]
                self._check_room(conn, workspace, len(fresh), sum(int(i.get("size_bytes", 0)) for i in fresh))
                for item in fresh:
                    texts = {k: json.dumps(item.get(k)) for k in ("config", "metrics", "history", "notes", "timings",
                                                                    "environment")}  # fmt: skip
                    conn.execute(
                        _runs.insert().values(
                            id=item["id"],
                            workspace=workspace,
                            created_at=float(item["created_at"]),
                            name=str(item["name"]),
                            source=str(item.get("source", "")),
                            fingerprint=str(item.get("fingerprint", "")),
                            kind=item.get("kind", "run"),
                            study=item.get("study"),
                            size_bytes=int(item.get("size_bytes", 0)),
                            **texts,
                        )
                    )
                    blobs = files[item["id"]]
                    if blobs:
                        conn.execute(_artifacts.insert(), [{"run_id": item["id"], "name": n, "data": d}
                                                           for n, d in blobs.items()])  # fmt: skip
                    added += 1
        except StoreError:
            raise
        except sa.exc.SQLAlchemyError as exc:
            raise self._fail(exc) from None
        return added


def _stored(row: Any) -> StoredRun:
    full = "notes" in row
    return StoredRun(
        id=row["id"],
        workspace=row["workspace"],
        kind=row["kind"],
        created_at=row["created_at"],
        name=row["name"],
        source=row["source"],
        fingerprint=row["fingerprint"],
        config=json.loads(row["config"]),
        metrics=json.loads(row["metrics"]),
        notes=json.loads(row["notes"]) if full else [],
        timings=json.loads(row["timings"]) if full else {},
        environment=json.loads(row["environment"]) if full else {},
        study=row["study"],
        size_bytes=row["size_bytes"],
    )


def _migrate(conn: sa.Connection, version: int) -> None:
    """Bring an older schema up to SCHEMA_VERSION in place (in the caller's transaction)."""
    if version == 1:
        conn.execute(sa.text("ALTER TABLE lab_runs ADD COLUMN kind VARCHAR(16) NOT NULL DEFAULT 'run'"))
        conn.execute(sa.text("ALTER TABLE lab_runs ADD COLUMN study TEXT"))
        conn.execute(sa.text("ALTER TABLE lab_runs ADD COLUMN size_bytes INTEGER NOT NULL DEFAULT 0"))
        sizes = sa.select(sa.func.coalesce(sa.func.sum(sa.func.length(_artifacts.c.data)), 0)).where(
            _artifacts.c.run_id == _runs.c.id
        )
        text_size = sum(sa.func.length(getattr(_runs.c, name)) for name in ("config", "metrics", "history", "notes"))
        conn.execute(_runs.update().values(size_bytes=text_size + sizes.scalar_subquery()))
        version = 2
    conn.execute(_meta_table.update().where(_meta_table.c.key == "schema_version").values(value=str(version)))
