"""Heavy reads from a streaming replica (``DATABASE_REPLICA_URL``).

The dashboard and its JSON, the API's ticket list and statistics, and the export job
read much and write nothing. Inside `reads()` — and in a view under `@replica_reads`
— the queries of ``db.session`` go to the replica; whatever writes still goes to the
primary (`extensions.Session`). Every other page reads from the primary.

The primary is read instead when:

* no replica is configured;
* the signed-in user changed something within REPLICA_AFTER_WRITE_SECONDS (every
  POST, PUT, PATCH or DELETE of theirs marks the session), so their own pages show it;
* the replica does not answer (a connection waits REPLICA_CONNECT_TIMEOUT seconds at
  most) or replays more than REPLICA_MAX_LAG_SECONDS behind. It is then left alone
  for RETRY_SECONDS; a warning says so, at most once every WARN_SECONDS a process;
* a query on the replica fails during a view: the view runs once more on the primary
  (such a view only reads, so running it twice is safe).
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask, current_app, g, has_app_context, has_request_context, request, session
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from .extensions import READS_FROM, db

log = logging.getLogger(__name__)

EXTENSION = "kundtjanst.replica"
WROTE_AT = "wrote_at"  # the session's mark: when the user last changed something
RETRY_SECONDS = 5.0  # a replica found unusable is not asked again for this long
WARN_SECONDS = 60.0  # at most one warning this often while it stays unusable
CHECK_SECONDS = 1.0  # a replica found usable is not asked again for this long
_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_FAILED = "replica_failed"  # in flask.g: a statement on the replica failed

# Seconds the replica's replay is behind the primary: 0 when it has replayed all it
# received (an idle primary sends nothing, however old its last transaction is).
LAG = text(
    "SELECT CASE WHEN NOT pg_is_in_recovery() "
    "OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
    "ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp()) END"
)


class Replica:
    """The replica's engine, and what this process knows of its health."""

    def __init__(self, engine: Engine, max_lag: float) -> None:
        self.engine = engine
        self.max_lag = max_lag
        self._lock = threading.Lock()
        self._checked_until = 0.0
        self._skip_until = 0.0
        self._warned_at: float | None = None
        self._down = False

    def usable(self) -> bool:
        """Whether to read from it now: it answers, and is not too far behind."""
        now = time.monotonic()
        if now < self._checked_until:
            return True
        if now < self._skip_until:
            return False
        try:
            with self.engine.connect() as connection:
                lag = float(connection.scalar(LAG) or 0)
        except SQLAlchemyError as error:
            self.failed(f"does not answer ({type(getattr(error, 'orig', None) or error).__name__})")
            return False
        if lag > self.max_lag:
            self.failed(f"is {lag:.0f} s behind (limit {self.max_lag:g} s)")
            return False
        with self._lock:
            self._checked_until = time.monotonic() + CHECK_SECONDS
            was_down, self._down = self._down, False
        if was_down:
            log.info("Read replica answers again: heavy reads go to it")
        return True

    def failed(self, why: str) -> None:
        """Read the primary for a while; say so, but not at every request."""
        now = time.monotonic()
        with self._lock:
            self._checked_until = 0.0
            self._skip_until = now + RETRY_SECONDS
            self._down = True
            warn = self._warned_at is None or now - self._warned_at >= WARN_SECONDS
            if warn:
                self._warned_at = now
        if warn:
            log.warning("Read replica %s: reading from the primary instead", why)


def init_app(app: Flask) -> None:
    """The replica's engine (pinged before use, a short connect timeout) when one is
    configured, and the session's mark after a user's change."""
    url = app.config["DATABASE_REPLICA_URL"]
    if not url:
        return
    options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    connect_args = {
        **options.pop("connect_args", {}),
        "connect_timeout": app.config["REPLICA_CONNECT_TIMEOUT"],
    }
    engine = create_engine(url, **{**options, "pool_pre_ping": True}, connect_args=connect_args)
    event.listen(engine, "handle_error", _note_failure)
    app.extensions[EXTENSION] = Replica(engine, app.config["REPLICA_MAX_LAG_SECONDS"])
    app.after_request(_mark_changes)


def _note_failure(context) -> None:
    """``handle_error`` of the replica's engine (a failed ping is not a failure: the
    pool connects afresh)."""
    if has_app_context() and not context.is_pre_ping:
        g.setdefault(_FAILED, True)


def _mark_changes(response):
    """A signed-in user's change: their reads go to the primary for a while."""
    if request.method in _WRITES and not _api() and "_user_id" in session:
        session[WROTE_AT] = int(time.time())
    return response


def _api() -> bool:
    return request.path.startswith("/api/")  # the API reads no session


def _changed_lately() -> bool:
    if not has_request_context() or _api():
        return False
    wrote = session.get(WROTE_AT)
    limit = current_app.config["REPLICA_AFTER_WRITE_SECONDS"]
    return isinstance(wrote, int) and time.time() - wrote < limit


@contextmanager
def reads() -> Iterator[Replica | None]:
    """``db.session`` reads from the replica inside, when there is one to read from;
    yields it (None: the primary)."""
    replica: Replica | None = current_app.extensions.get(EXTENSION)
    current = db.session()
    if replica is None or READS_FROM in current.info or _changed_lately():
        yield None
        return
    if not replica.usable():
        yield None
        return
    current.info[READS_FROM] = replica.engine
    try:
        yield replica
    finally:
        current.info.pop(READS_FROM, None)


def read_engine() -> Engine:
    """The engine for a heavy read on a connection of its own (the export job's rows)."""
    replica: Replica | None = current_app.extensions.get(EXTENSION)
    return replica.engine if replica is not None and replica.usable() else db.engine


def replica_reads(view: Callable) -> Callable:
    """A view that only reads: from the replica (see `reads`); when a query on the
    replica fails meanwhile, once more from the primary."""

    @functools.wraps(view)
    def reading(*args, **kwargs):
        with reads() as replica:
            g.pop(_FAILED, None)
            try:
                return view(*args, **kwargs)
            except DBAPIError:
                if replica is None or not g.pop(_FAILED, False):
                    raise
                replica.failed("failed during a request")
        db.session.rollback()
        return view(*args, **kwargs)

    return reading
