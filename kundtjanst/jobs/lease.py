"""The scheduler lease: one row per lease name, held by one scheduler process.

A process takes the lease, or renews it, with one atomic UPDATE that succeeds
only if the lease is free (expired) or already its own:

    UPDATE scheduler_leases SET holder = :me, expires_at = :now + :seconds …
     WHERE name = :name AND (holder = :me OR expires_at <= :now)

On PostgreSQL a second, simultaneous UPDATE waits for the first and then finds
the condition false; on SQLite writers are serialised. The holder renews every
few seconds; a holder that dies stops renewing, and after the lease time another
process takes over. Times come from the application servers' clocks, which
must be kept right (NTP), as for everything else.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import case, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ..core.timeutil import utcnow
from ..extensions import db
from .models import SchedulerLease

SCHEDULER = "scheduler"


class Taken(StrEnum):
    NEW = "new"  # we have just taken it over
    RENEWED = "renewed"  # we held it and still do
    REFUSED = "refused"  # someone else holds it


def new_holder_id() -> str:
    """host:pid:random — unique per process start, readable in the status list."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def _ensure_row(name: str, now: datetime) -> None:
    conn = db.session.connection()
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    table = SchedulerLease.__table__
    stmt = (
        dialect.insert(table)
        .values(name=name, holder=None, acquired_at=None, expires_at=now)
        .on_conflict_do_nothing(index_elements=[table.c.name])
    )
    conn.execute(stmt)


def acquire(holder: str, seconds: float, *, name: str = SCHEDULER, now: datetime | None = None):
    """Take or renew the lease for ``seconds``; commits. Returns a `Taken`."""
    now = now or utcnow()
    _ensure_row(name, now)
    previous = db.session.scalar(select(SchedulerLease.holder).where(SchedulerLease.name == name))
    result = db.session.execute(
        update(SchedulerLease)
        .where(
            SchedulerLease.name == name,
            or_(SchedulerLease.holder == holder, SchedulerLease.expires_at <= now),
        )
        .values(
            holder=holder,
            expires_at=now + timedelta(seconds=seconds),
            acquired_at=case(
                (SchedulerLease.holder == holder, SchedulerLease.acquired_at), else_=now
            ),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if result.rowcount != 1:
        return Taken.REFUSED
    return Taken.RENEWED if previous == holder else Taken.NEW


def release(holder: str, *, name: str = SCHEDULER, now: datetime | None = None) -> bool:
    """Give the lease up at once (a clean shutdown), so another process need not wait."""
    now = now or utcnow()
    result = db.session.execute(
        update(SchedulerLease)
        .where(SchedulerLease.name == name, SchedulerLease.holder == holder)
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def current(name: str = SCHEDULER) -> SchedulerLease | None:
    return db.session.get(SchedulerLease, name)
