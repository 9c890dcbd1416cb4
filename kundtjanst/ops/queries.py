"""What /readyz checks: the database answers, its schema is at the migrations' head,
and a scheduler has held the job lease recently. Each check reads only; a failure is
a reason, never an exception. Also the figures /metrics reads at scrape time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..jobs.lease import current
from ..jobs.models import JobRun, SchedulerLease
from ..mail.models import PENDING as MAIL_PENDING
from ..mail.models import OutgoingMail
from ..webhooks.models import PENDING as WEBHOOK_PENDING
from ..webhooks.models import WebhookDelivery

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


# --- what /metrics reads at scrape time ------------------------------------------------


@dataclass(frozen=True)
class Backlog:
    pending: int
    oldest: datetime | None  # the oldest pending row's creation time


@dataclass(frozen=True)
class Figures:
    outbox: Backlog
    webhooks: Backlog
    job_runs: dict[tuple[str, str], int]  # (job, outcome) -> runs kept
    last_runs: dict[str, datetime]  # job -> when its last run started
    lease: SchedulerLease | None


def _backlog(model, pending: str) -> Backlog:
    count, oldest = db.session.execute(
        select(func.count(), func.min(model.created_at)).where(model.status == pending)
    ).one()
    return Backlog(count, oldest)


def figures() -> Figures:
    """The operators' figures from the database; SQLAlchemyError when it does not answer
    (the caller leaves them out)."""
    runs = db.session.execute(
        select(JobRun.job, JobRun.outcome, func.count()).group_by(JobRun.job, JobRun.outcome)
    )
    last = db.session.execute(select(JobRun.job, func.max(JobRun.started_at)).group_by(JobRun.job))
    return Figures(
        outbox=_backlog(OutgoingMail, MAIL_PENDING),
        webhooks=_backlog(WebhookDelivery, WEBHOOK_PENDING),
        job_runs={(job, outcome): n for job, outcome, n in runs},
        last_runs={job: started for job, started in last if started is not None},
        lease=current(),
    )
