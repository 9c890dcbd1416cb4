"""Scheduled jobs: what runs when, how the last run went, and which scheduler
holds the lease. Read-only: jobs are run by `flask scheduler run`."""

from __future__ import annotations

from flask import current_app, render_template

from ..jobs.status import job_statuses, lease_holder, recent_runs
from ..permissions import admin_required
from ..timeutil import utcnow
from .blueprint import bp


@bp.get("/jobb")
@admin_required
def jobs():
    held = lease_holder()
    active_lease = held if held and held.holder and held.expires_at > utcnow() else None
    return render_template(
        "admin/jobs.html",
        statuses=job_statuses(current_app.config),
        lease=active_lease,
        failures=recent_runs(10, failed_only=True),
    )
