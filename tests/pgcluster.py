"""A private PostgreSQL cluster for tests that stop, restart or replicate the
database (the shared server on 5432 must never be stopped by a test).

`private_cluster()` runs initdb in a folder of its own (``tempfile.mkdtemp``, owned
by the user the server runs as), on a free loopback port, with trust for loopback
connections and for replication from loopback; it yields a started `Cluster` and,
whatever happens, stops it (``-m immediate``) and removes the folder. A standby of
it: `Cluster.standby()` (pg_basebackup -R, started on a port of its own).

PostgreSQL refuses to run as root: as root, every binary runs as the ``postgres``
user (runuser). The binaries come from ``PG_BIN`` (default PostgreSQL 15's); without
them the test is skipped, and under ``CI=true`` it fails instead.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from .imapserver import IN_CI, free_port

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
SERVER_USER = "postgres"  # who runs the server when the tests run as root

SETTINGS = """
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '{root}'
max_connections = 40
shared_buffers = 32MB
fsync = off
wal_level = replica
max_wal_senders = 4
hot_standby = on
"""

HBA = """\
local all all trust
host all all 127.0.0.1/32 trust
host replication all 127.0.0.1/32 trust
"""


def require_binaries() -> None:
    """Skips the test without PostgreSQL's server binaries (fails under CI=true)."""
    missing = [n for n in ("initdb", "pg_ctl", "pg_basebackup") if not (PG_BIN / n).exists()]
    if missing:
        message = f"needs PostgreSQL's server binaries in {PG_BIN} (missing {missing})"
        if IN_CI:
            pytest.fail(f"{message}; CI=true requires these tests to run", pytrace=False)
        pytest.skip(message)


def _as_server_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", SERVER_USER, "--", *command] if os.geteuid() == 0 else command


def _own_folder(prefix: str) -> Path:
    root = Path(tempfile.mkdtemp(prefix=prefix))
    if os.geteuid() == 0:
        user = pwd.getpwnam(SERVER_USER)
        os.chown(root, user.pw_uid, user.pw_gid)
    return root


class Cluster:
    """One server: its folder (``root``: data/, server.log), its port, and the
    pg_ctl commands. ``url()`` is a SQLAlchemy URL for the app and the tests."""

    def __init__(self, root: Path, port: int) -> None:
        self.root = root
        self.port = port
        self.data = root / "data"
        self.log = root / "server.log"

    def run(self, *command: str, timeout: float = 120) -> subprocess.CompletedProcess:
        done = subprocess.run(
            _as_server_user([str(PG_BIN / command[0]), *command[1:]]),
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"{command[0]} failed ({done.returncode}):\n{done.stdout}{done.stderr}"
                f"\n--- server log ---\n{self.server_log()}"
            )
        return done

    def server_log(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def configure(self, **extra: str) -> None:
        settings = SETTINGS.format(port=self.port, root=self.root)
        settings += "".join(f"{name} = {value}\n" for name, value in extra.items())
        with open(self.data / "postgresql.auto.conf", "a") as conf:
            conf.write(settings)

    def start(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def running(self) -> bool:
        status = subprocess.run(
            _as_server_user([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "status"]),
            cwd=self.root,
            capture_output=True,
        )
        return status.returncode == 0

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=database, autocommit=True
        )

    def execute(self, sql: str, params=None, database: str = "postgres"):
        """One statement, autocommitted; its first row (None without one)."""
        with self.connect(database) as conn:
            cursor = conn.execute(sql, params)
            return cursor.fetchone() if cursor.description else None

    def create_database(self, name: str) -> str:
        self.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def standby(self) -> Cluster:
        """A streaming replica of this (running) server: pg_basebackup -R into a folder
        of its own, started on its own port. Remove it with `remove()`."""
        replica = Cluster(_own_folder("pgfail-standby-"), free_port())
        try:
            self.run(
                "pg_basebackup",
                *("-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"),
                *("-D", str(replica.data), "-R", "-X", "stream", "--checkpoint=fast"),
            )
            replica.configure()  # appended after the primary's: its own port and socket
            replica.start()
        except BaseException:
            replica.remove()
            raise
        return replica

    def remove(self) -> None:
        """Stop the server (immediate) if it runs, and delete its folder."""
        try:
            if self.data.exists() and self.running():
                self.stop("immediate")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def initdb() -> Cluster:
    """A new cluster, configured but not started."""
    cluster = Cluster(_own_folder("pgfail-primary-"), free_port())
    try:
        cluster.run(
            "initdb",
            *("-D", str(cluster.data), "-U", "postgres", "--auth=trust"),
            *("-E", "UTF8", "--locale=C.UTF-8", "--no-sync"),
        )
        (cluster.data / "pg_hba.conf").write_text(HBA)
        cluster.configure()
    except BaseException:
        cluster.remove()
        raise
    return cluster


@contextmanager
def private_cluster() -> Iterator[Cluster]:
    """A started private cluster; always stopped and removed afterwards."""
    require_binaries()
    cluster = initdb()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


def wait_until(check, seconds: float, what: str) -> float:
    """Poll ``check()`` until it is true; the seconds it took. Fails after ``seconds``."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if check():
            return time.monotonic() - start
        time.sleep(0.1)
    pytest.fail(f"{what}: not within {seconds} s")


def wait_for_replay(primary: Cluster, standby: Cluster, seconds: float = 30) -> None:
    """Until the standby has replayed everything the primary has written so far."""
    (lsn,) = primary.execute("SELECT pg_current_wal_lsn()::text")
    wait_until(
        lambda: standby.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (lsn,))[0],
        seconds,
        "the standby replays what the primary wrote",
    )
