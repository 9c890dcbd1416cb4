"""What /readyz checks: the database answers, its schema is at the migrations' head,
and a scheduler has held the job lease recently. Each check reads only; a failure is
a reason, never an exception."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..jobs.lease import current

# The lease is renewed well within its time; expired longer ago than this, no
# scheduler is running (the jobs, mail and webhooks wait).
LEASE_GRACE = timedelta(minutes=2)


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str


@cache
def _heads(directory: str) -> frozenset[str]:
    config = current_app.extensions["migrate"].migrate.get_config(directory)
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def database() -> Check:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        db.session.rollback()
        return Check(False, f"unreachable ({type(error.orig or error).__name__})")
    return Check(True, "ok")


def migrations() -> Check:
    directory = current_app.extensions["migrate"].directory
    try:
        found = frozenset(db.session.scalars(text("SELECT version_num FROM alembic_version")))
    except SQLAlchemyError:
        db.session.rollback()
        return Check(False, "no migration has run")
    heads = _heads(directory)
    if found != heads:
        return Check(
            False, f"at {', '.join(sorted(found)) or 'nothing'}, head {', '.join(sorted(heads))}"
        )
    return Check(True, "at head")


def scheduler(now: datetime) -> Check:
    try:
        lease = current()
    except SQLAlchemyError:
        db.session.rollback()
        return Check(False, "unknown")
    if lease is None or lease.holder is None:
        return Check(False, "no scheduler has held the lease")
    if lease.expires_at < now - LEASE_GRACE:
        return Check(False, f"the lease expired at {lease.expires_at.isoformat()}")
    return Check(True, "held")


def readiness(now: datetime) -> dict[str, Check]:
    found = {"database": database()}
    if found["database"].ok:
        found["migrations"] = migrations()
        found["scheduler"] = scheduler(now)
    return found
