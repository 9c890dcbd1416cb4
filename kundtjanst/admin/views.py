"""Administration screens: users, departments, groups, categories, routing rules, the audit log.

The blueprint lives in ``blueprint.py`` and each section's routes in a module
of their own; importing them here is what attaches their routes to it.
"""

from __future__ import annotations

from flask import render_template

from ..auth.queries import active_user_count
from ..inbound.queries import quarantine_count
from ..mail.queries import counts as mail_counts
from ..org.queries import counts
from ..routing.queries import active_count
from ..webhooks.queries import paused_count
from . import (  # noqa: F401
    api_views,
    audit_views,
    category_views,
    claim_views,
    group_views,
    job_views,
    outbox_views,
    quarantine_views,
    reason_views,
    rule_views,
    setting_views,
    user_views,
    webhook_views,
    worktime_views,
)
from .blueprint import bp


@bp.get("/")
def index():
    numbers = {
        **counts(),
        "users": active_user_count(),
        "rules": active_count(),
        "mail": sum(mail_counts().values()),
        "quarantine": quarantine_count(),
        "webhooks_paused": paused_count(),
    }
    return render_template("admin/index.html", counts=numbers)
