"""Scheduled jobs: what runs when, how the last run went, and which scheduler
holds the lease. Read-only: jobs are run by `flask scheduler run`."""

from __future__ import annotations

from flask import current_app, render_template

from ..jobs.status import active_lease, job_statuses, recent_runs
from .blueprint import bp


@bp.get("/jobb")
def jobs():
    return render_template(
        "admin/jobs.html",
        statuses=job_statuses(current_app.config),
        lease=active_lease(),
        failures=recent_runs(10, failed_only=True),
    )
