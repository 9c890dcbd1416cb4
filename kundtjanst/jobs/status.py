"""What `flask scheduler status` and /admin/jobb show: every job with its last
run (outcome, duration, counts), its next trigger time, and who holds the lease."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from ..core.timeutil import utcnow
from ..extensions import db
from . import lease
from .models import JobRun, SchedulerLease
from .registry import Job, enabled, load


@dataclass(frozen=True)
class JobStatus:
    job: Job
    schedule: str
    active: bool  # enabled in this configuration
    last: JobRun | None
    next_run: datetime | None


def job_statuses(config: Mapping[str, Any], now: datetime | None = None) -> list[JobStatus]:
    now = now or utcnow()
    active = enabled(config)
    latest = (
        select(JobRun.job, func.max(JobRun.trigger_time).label("trigger_time"))
        .group_by(JobRun.job)
        .subquery()
    )
    last_runs = {
        run.job: run
        for run in db.session.scalars(
            select(JobRun).join(
                latest,
                (JobRun.job == latest.c.job) & (JobRun.trigger_time == latest.c.trigger_time),
            )
        )
    }
    found = []
    for name, job in load().items():
        trigger = job.trigger.build(config)
        next_run = trigger.get_next_fire_time(None, now) if trigger is not None else None
        found.append(
            JobStatus(
                job=job,
                schedule=job.trigger.describe(config),
                active=name in active,
                last=last_runs.get(name),
                next_run=next_run if name in active else None,
            )
        )
    return found


def recent_runs(limit: int = 20, *, failed_only: bool = False) -> list[JobRun]:
    stmt = select(JobRun).order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(limit)
    if failed_only:
        stmt = stmt.where(JobRun.outcome == "error")
    return list(db.session.scalars(stmt))


def active_lease(now: datetime | None = None) -> SchedulerLease | None:
    """The lease while a scheduler holds it; None when it is free or has run out."""
    held = lease.current()
    if held is None or held.holder is None or held.expires_at <= (now or utcnow()):
        return None
    return held
