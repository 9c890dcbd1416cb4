"""The soak's database and processes: a fresh PostgreSQL database made with the real
commands, gunicorn servers and schedulers started as a deployment starts them, and
the ways they are killed (SIGKILL: no clean-up, no goodbye)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SECRET = "soak-secret-" + "s" * 40
PASSWORD = "demo-1234!"  # every demo user's (kundtjanst/demo/data/municipality.toml)
# The svarsgrupp whose members race to claim; the demo gives it two, the soak adds two.
RACE_GROUP = "gata-park"
EXTRA_MEMBERS = ("Soak Medlem Ett", "Soak Medlem Två")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def connect(url: str) -> psycopg.Connection:
    return psycopg.connect(libpq(url), autocommit=True)


def fresh_database(url: str) -> None:
    """Drop (with any connection left from an earlier run) and create the database."""
    name = url.rsplit("/", 1)[1]
    admin = libpq(url).rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def app_env(url: str, settings: dict[str, str]) -> dict[str, str]:
    """The environment of every application process: the database, the secret, and
    ``KUNDTJANST_`` settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KUNDTJANST_")}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    env.update(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": SECRET,
            "FLASK_APP": "wsgi",
            "PYTHONUNBUFFERED": "1",
            **{f"KUNDTJANST_{k}": str(v) for k, v in settings.items()},
        }
    )
    return env


def flask(env: dict[str, str], *commands: list[str]) -> list[str]:
    """Run ``flask --app wsgi <command>`` for each command, at the same time; what each
    printed."""
    running = [
        subprocess.Popen(
            [str(BIN / "flask"), "--app", "wsgi", *command],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for command in commands
    ]
    outputs = [process.communicate(timeout=300) for process in running]
    for command, process, (out, err) in zip(commands, running, outputs):
        if process.returncode != 0:
            raise RuntimeError(f"flask {' '.join(command)} failed:\n{out}\n{err}")
    return [out for out, _err in outputs]


@dataclass
class Prepared:
    token: str  # an API token with tickets:read and tickets:write
    seeded_max_id: int  # the last ticket of the demo data; the soak's come after
    members: list[str]  # e-mail addresses of the race group's members


def migrate(url: str, env: dict[str, str]) -> None:
    """A fresh database with the schema of the migrations."""
    fresh_database(url)
    flask(env, ["db", "upgrade"])


def fill(url: str, env: dict[str, str], tickets: int, hook_url: str) -> Prepared:
    """The demo municipality and an API token, made by the real commands; two more
    members in the race group and a webhook subscription for every event to
    ``hook_url``."""
    seed = ["demo", "seed", "--tickets", str(tickets), "--days", "30"]
    scopes = ["--scope", "tickets:read", "--scope", "tickets:write"]
    _seeded, made = flask(env, seed, ["api", "token", "create", "--name", "soak", *scopes])
    members = _add_members_and_subscribe(url, hook_url)
    with connect(url) as conn:
        seeded = conn.execute("SELECT coalesce(max(id), 0) FROM tickets").fetchone()[0]
    return Prepared(token=made.splitlines()[0].strip(), seeded_max_id=seeded, members=members)


def _add_members_and_subscribe(url: str, hook_url: str) -> list[str]:
    from kundtjanst import create_app
    from kundtjanst.auth.models import Role
    from kundtjanst.auth.services import create_user, groups_by_slug
    from kundtjanst.extensions import db
    from kundtjanst.webhooks import services as webhooks
    from kundtjanst.webhooks.models import EVENT_TYPES

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": SECRET,
            "WEBHOOK_ALLOW_NETWORKS": "127.0.0.0/8",
        }
    )
    with app.app_context():
        group = groups_by_slug([RACE_GROUP])
        for name in EXTRA_MEMBERS:
            email = name.lower().replace(" ", ".").replace("å", "a") + "@sjostad.se"
            create_user(email=email, name=name, role=Role.STAFF, password=PASSWORD, groups=group)
        webhooks.subscribe(hook_url, list(EVENT_TYPES), description="soak receiver")
        db.session.commit()
        members = sorted(u.email for u in group[0].members)
        db.session.remove()
        db.engine.dispose()
    return members


# --- processes -----------------------------------------------------------------------


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (gunicorn's workers of a master)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z" and int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return sorted(found)


class Process:
    """A child in a session (process group) of its own, its output in a log file."""

    command: list[str]

    def __init__(self, name: str, env: dict[str, str], logs: Path):
        self.name, self.env, self.logs = name, env, logs
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        log = (self.logs / f"{self.name}-{self.starts}.log").open("w")
        try:
            self.process = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        finally:
            log.close()

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def kill(self) -> None:
        """SIGKILL to the whole process group (gunicorn's master and its workers)."""
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL to the group if it does not end within 20 s."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=20)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)  # stragglers (workers) too
        self.process.wait(timeout=30)


class Server(Process):
    """gunicorn with gunicorn.conf.py and two workers on a fixed loopback port, so that
    a restarted server is found where the clients look for it."""

    def __init__(self, name: str, env: dict[str, str], logs: Path, port: int, workers: int = 2):
        super().__init__(name, env, logs)
        self.port = port
        self.workers = workers
        self.command = [
            str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--workers", str(workers),
            "--bind", f"127.0.0.1:{self.port}", "--timeout", "60", "wsgi:app",
        ]  # fmt: skip

    def ready(self, timeout: float = 90) -> float:
        """Wait until every worker is up and the server answers; the time it took."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited; see {self.logs}")
            if len(children(self.pid)) >= self.workers:
                try:
                    url = f"http://127.0.0.1:{self.port}/healthz"
                    with urllib.request.urlopen(url, timeout=10) as answer:
                        if answer.status == 200:
                            return time.monotonic() - started
                except OSError:
                    pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not answer within {timeout:.0f} s")

    def kill_worker(self) -> int:
        """SIGKILL one worker (the master starts another); its pid."""
        victim = children(self.pid)[0]
        os.kill(victim, signal.SIGKILL)
        return victim


class Scheduler(Process):
    def __init__(self, name: str, env: dict[str, str], logs: Path):
        super().__init__(name, env, logs)
        self.command = [str(BIN / "flask"), "--app", "wsgi", "scheduler", "run"]


def lease_holder(url: str) -> tuple[str | None, bool]:
    """The scheduler lease's holder ("host:pid:id") and whether it is unexpired."""
    with connect(url) as conn:
        row = conn.execute(
            "SELECT holder, expires_at FROM scheduler_leases WHERE name = 'scheduler'"
        ).fetchone()
    if row is None or row[0] is None:
        return None, False
    expires = row[1] if row[1].tzinfo else row[1].replace(tzinfo=UTC)
    return row[0], expires > datetime.now(UTC)


def holder_pid(holder: str) -> int:
    return int(holder.split(":")[1])
