"""Where a sweep's study lives: an Optuna RDB storage for a SQLAlchemy URL, one per URL per process.

The default is the run store's database, so Optuna's tables sit beside the store's `lab_` tables. SQLite
waits `SQLITE_TIMEOUT` seconds for another worker's write lock; every storage records a heartbeat, so a
worker that dies leaves its running trial failed after `GRACE_SECONDS`. A URL that cannot be opened is
one LabError sentence, with the password hidden.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from lstm_core.errors import LabError

__all__ = ["GRACE_SECONDS", "default_storage_url", "public_url"]

SQLITE_TIMEOUT = 60.0  # seconds a worker waits for another's write lock on a shared SQLite file
HEARTBEAT_SECONDS = 20
GRACE_SECONDS = 120
_CREATE_ATTEMPTS = 6
_storages: dict[str, Any] = {}
_storages_lock = threading.Lock()


def default_storage_url() -> str:
    """The run store's database (`LSTM_LAB_DB`, else `runs.sqlite` in the cache folder): Optuna's tables sit
    beside the store's `lab_` tables, so sweeps, their trials and runs share one database."""
    from lstm_core.store.db import default_url

    return default_url()


def public_url(url: str) -> str:
    """The URL with its password hidden, for messages and files."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url.split("@")[-1] if "@" in url else url


def _quiet_optuna() -> None:
    import warnings

    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)


def _storage(url: str) -> Any:
    """One Optuna RDB storage per URL for the process (an engine and its pool; opening one checks the schema)."""
    with _storages_lock:
        storage = _storages.get(url)
        if storage is None:
            storage = _storages[url] = _open_storage(url)
        return storage


def _open_storage(url: str) -> Any:
    import optuna
    import sqlalchemy.exc

    _quiet_optuna()

    if url.startswith("postgresql://"):
        try:  # psycopg 3 is the driver we install; SQLAlchemy's bare postgresql:// means psycopg2
            import psycopg2  # noqa: F401
        except ImportError:
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    engine: dict[str, Any] = {"pool_pre_ping": True}
    if url.startswith("sqlite"):
        engine = {"connect_args": {"timeout": SQLITE_TIMEOUT}}
        path = url.split(":///", 1)[-1]
        if path and path != ":memory:":
            Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(_CREATE_ATTEMPTS):
        try:
            return optuna.storages.RDBStorage(
                url, engine_kwargs=engine, heartbeat_interval=HEARTBEAT_SECONDS, grace_period=GRACE_SECONDS
            )
        except (sqlalchemy.exc.IntegrityError, sqlalchemy.exc.ProgrammingError, sqlalchemy.exc.OperationalError) as exc:
            # Two workers starting on an empty database both create Optuna's tables; the loser's CREATE fails
            # ("duplicate key ... pg_type", "table ... already exists"). The tables are there now: try again.
            racing = isinstance(exc, sqlalchemy.exc.IntegrityError) or "already exists" in str(exc)
            if not racing or attempt == _CREATE_ATTEMPTS - 1:
                raise _unusable(url, exc) from None
            time.sleep(0.2 * (attempt + 1))
        except (sqlalchemy.exc.SQLAlchemyError, ImportError, ValueError, OSError) as exc:
            raise _unusable(url, exc) from None
    raise AssertionError("unreachable")  # pragma: no cover


def _unusable(url: str, exc: BaseException) -> LabError:
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:200]
    return LabError(
        f"The sweep storage {public_url(url)} cannot be opened ({reason}); check the URL, the server and "
        "its driver (PostgreSQL needs `pip install psycopg[binary]`)."
    )
