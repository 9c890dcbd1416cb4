"""Reading what the statistics are built from (the counting itself is `aggregate`)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from ..core.timeutil import local
from ..extensions import db
from ..tickets.models import Ticket


def first_ticket_day() -> date | None:
    first = db.session.scalar(select(func.min(Ticket.created_at)))
    return local(first).date() if first else None
