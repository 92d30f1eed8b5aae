"""A throwaway PostgreSQL server for the distributed-sweep tests (Debian's `postgresql` package).

`throwaway_postgres()` makes a cluster in a fresh temporary folder with `initdb`, starts it with
`pg_ctl` on a free port on 127.0.0.1 (trust authentication, fsync off: a test server), creates a
database and yields its SQLAlchemy URL; the cluster is stopped and removed afterwards. PostgreSQL
refuses to run as root, so as root it runs as the `postgres` user (`runuser`). `PostgresUnavailable`
says why it could not start; the fixture skips with that reason, or fails when
`LSTM_LAB_REQUIRE_POSTGRES=1` (CI).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

USER = "lab"


class PostgresUnavailable(RuntimeError):
    """PostgreSQL cannot be started on this machine; the message says why."""


def _bin_folder() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise PostgresUnavailable("PostgreSQL is not installed (apt-get install postgresql)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _runner() -> tuple[list[str], str | None]:
    """The command prefix that runs a PostgreSQL program as a non-root user, and that user's name."""
    if os.geteuid() != 0:
        return [], None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise PostgresUnavailable("running as root and there is no `postgres` user to run the server as") from None
    runuser = shutil.which("runuser")
    if runuser is None:
        raise PostgresUnavailable("running as root and `runuser` is missing")
    return [runuser, "-u", "postgres", "--"], "postgres"


def _run(command: list[str], what: str) -> None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PostgresUnavailable(f"{what} failed: {exc}") from None
    if done.returncode != 0:
        raise PostgresUnavailable(f"{what} failed: {(done.stderr or done.stdout).strip()[-400:]}")


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str]:
    """Start a PostgreSQL server in a temporary folder and yield a URL to a fresh database."""
    bin_folder = _bin_folder()
    prefix, owner = _runner()
    root = Path(tempfile.mkdtemp(prefix="lstm-lab-pg-"))
    data, socket_dir, log = root / "data", root / "sockets", root / "server.log"
    socket_dir.mkdir()
    if owner is not None:
        account = pwd.getpwnam(owner)
        for path in (root, socket_dir):
            os.chown(path, account.pw_uid, account.pw_gid)
    port = _free_port()
    started = False
    try:
        _run([*prefix, str(bin_folder / "initdb"), "-D", str(data), "-U", USER, "--auth=trust", "-E", "UTF8"], "initdb")
        options = f"-p {port} -k {socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        pg_ctl = str(bin_folder / "pg_ctl")
        _run([*prefix, pg_ctl, "-D", str(data), "-o", options, "-l", str(log), "-w", "start"], "pg_ctl start")
        started = True
        createdb = str(bin_folder / "createdb")
        _run([*prefix, createdb, "-h", "127.0.0.1", "-p", str(port), "-U", USER, "sweeps"], "createdb")
        yield f"postgresql+psycopg://{USER}@127.0.0.1:{port}/sweeps"
    finally:
        if started:
            subprocess.run(
                [*prefix, str(bin_folder / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                capture_output=True,
                timeout=60,
            )
        shutil.rmtree(root, ignore_errors=True)
