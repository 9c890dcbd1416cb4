"""The nightly statistics snapshot: the daily rows the dashboard reads."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core.statistics import Period
from ..core.timeutil import local
from ..extensions import db
from ..jobs.registry import Daily, job
from .models import StatsDay
from .queries import first_ticket_day
from .services import build_all


@job("stats.snapshot", Daily(0, 30), _l("Builds yesterday's statistics rows, and any missed day."))
def snapshot(trigger_time: datetime) -> dict[str, int]:
    """Rebuild yesterday (late changes included) and every earlier day without rows.
    Running it twice does the same work twice and leaves the same rows."""
    yesterday = local(trigger_time).date() - timedelta(days=1)
    first = first_ticket_day()
    if first is None or first > yesterday:
        return {"days": 0, "rows": 0}
    built = set(db.session.scalars(select(StatsDay.day).where(StatsDay.day >= first)))
    todo = [d for d in Period(first, yesterday).each_day() if d not in built or d == yesterday]
    return {"days": len(todo), "rows": build_all(todo)}
