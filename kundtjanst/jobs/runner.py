"""Running one job for one trigger time, recorded in ``job_runs``.

The run is claimed by inserting its row first (job, trigger time, "running")
and committing: the unique pair lets only one insert succeed, so a trigger
runs once even if two schedulers reach it. The job then runs in an
application context of its own (fresh session, fresh per-job caches); its
changes are committed, or rolled back and the error recorded. Nothing a job
raises leaves this function.

A quiet job's run that found nothing to do is recorded as "idle", and the idle
runs of that job older than `standby_grace` are deleted: until then a standby
scheduler may still be waiting for the trigger and must find it claimed (so each
trigger still runs once); after it nobody asks. The table then holds a handful of
idle rows per quiet job, not one for every few seconds.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import delete, exists, select, update
from sqlalchemy.exc import IntegrityError

from ..core.timeutil import utcnow
from ..extensions import db
from .models import JobRun
from .registry import Job

log = logging.getLogger(__name__)
MAX_ERROR = 4000
ABANDONED = "The scheduler process stopped during the run."


@dataclass(frozen=True)
class Outcome:
    run_id: int
    ok: bool
    counts: dict[str, Any]
    error: str | None


def claim(job_name: str, trigger_time: datetime, holder: str) -> int | None:
    """Insert the run's row and commit; None if this trigger was already claimed."""
    run = JobRun(
        job=job_name,
        trigger_time=trigger_time,
        holder=holder,
        started_at=utcnow(),
        outcome="running",
        counts={},
    )
    db.session.add(run)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return run.id


def standby_grace(config: Mapping[str, Any]) -> timedelta:
    """How long after a trigger time a standby scheduler waits for it to be run."""
    return timedelta(
        seconds=2
        * (float(config["SCHEDULER_LEASE_SECONDS"]) + float(config["SCHEDULER_RENEW_SECONDS"]))
    )


def already_claimed(job_name: str, trigger_time: datetime) -> bool:
    return bool(
        db.session.scalar(
            select(exists().where(JobRun.job == job_name, JobRun.trigger_time == trigger_time))
        )
    )


def _finish(run_id: int, outcome: str, counts: dict[str, Any], error: str | None, ms: int) -> None:
    db.session.execute(
        update(JobRun)
        .where(JobRun.id == run_id)
        .values(finished_at=utcnow(), outcome=outcome, error=error, counts=counts, duration_ms=ms)
    )
    db.session.commit()


def forget_idle(job_name: str, before: datetime) -> int:
    """Delete the idle runs of ``job_name`` whose trigger time is before ``before``."""
    result = db.session.execute(
        delete(JobRun).where(
            JobRun.job == job_name, JobRun.outcome == "idle", JobRun.trigger_time < before
        )
    )
    db.session.commit()
    return result.rowcount


def run(app: Flask, job: Job, trigger_time: datetime, holder: str) -> Outcome | None:
    """Run ``job`` for ``trigger_time`` unless that trigger has been run; the outcome,
    or None when it had been."""
    with app.app_context():
        run_id = claim(job.name, trigger_time, holder)
        if run_id is None:
            return None
        started = time.perf_counter()
        try:
            counts = dict(job.func(trigger_time) or {})
            db.session.commit()
            ok, error = True, None
        except Exception as exc:
            db.session.rollback()
            log.exception("Job %s failed (trigger %s)", job.name, trigger_time.isoformat())
            ok, counts = False, {}
            error = "".join(traceback.format_exception(exc))[-MAX_ERROR:]
        ms = int((time.perf_counter() - started) * 1000)
        idle = ok and job.quiet and not counts
        outcome = "idle" if idle else "ok" if ok else "error"
        try:
            _finish(run_id, outcome, counts, error, ms)
            if idle:
                forget_idle(job.name, trigger_time - standby_grace(app.config))
        except Exception:
            db.session.rollback()
            log.exception("Could not record the end of job %s", job.name)
        log.log(
            logging.DEBUG if idle else logging.INFO,
            "Job %s (%s): %s in %d ms",
            job.name,
            trigger_time.isoformat(),
            outcome,
            ms,
        )
        return Outcome(run_id, ok, counts, error)


def abandon_others(holder: str) -> int:
    """Runs left "running" by other scheduler processes (killed mid-run) are marked failed:
    called by a process that has just taken the lease over."""
    result = db.session.execute(
        update(JobRun)
        .where(JobRun.outcome == "running", JobRun.holder != holder)
        .values(outcome="error", error=ABANDONED, finished_at=utcnow())
    )
    db.session.commit()
    return result.rowcount
