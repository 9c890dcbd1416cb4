"""Reading what the statistics are built from (the counting itself is `aggregate`)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from ..core.statistics import Period
from ..core.timeutil import local, local_day_bounds
from ..core.vocabulary import Channel
from ..extensions import db
from ..kb.models import SelfServiceAnswer
from ..tickets.models import Ticket
from .aggregate import Filters


def first_ticket_day() -> date | None:
    first = db.session.scalar(select(func.min(Ticket.created_at)))
    return local(first).date() if first else None


def self_service(period: Period, filters: Filters) -> dict[int | None, int]:
    """Self-service answers (a citizen on /fraga found a public article instead of
    asking) in ``period``, per subject area. Counted apart from the tickets: they are
    no contact and never part of the first-contact share. They come from the web
    form and belong to no group, so a channel filter other than the web leaves none
    and a group filter none out; they do not record the citizen's language, so the
    language filter leaves them all (the dashboard says so)."""
    if filters.channel not in (None, Channel.WEB.value):
        return {}
    start, end = local_day_bounds(period.first, period.last)
    stmt = (
        select(SelfServiceAnswer.category_id, func.count())
        .where(SelfServiceAnswer.answered_at >= start, SelfServiceAnswer.answered_at < end)
        .group_by(SelfServiceAnswer.category_id)
    )
    if filters.category_id is not None:
        stmt = stmt.where(SelfServiceAnswer.category_id == filters.category_id)
    return {category_id: count for category_id, count in db.session.execute(stmt)}
