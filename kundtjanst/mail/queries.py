"""Reading the outbox: a ticket's mails for its page, and what waits or failed for the
administrators' page."""

from __future__ import annotations

from sqlalchemy import Select, select

from ..extensions import db
from .models import FAILED, PENDING, SENDING, UNSENT, OutgoingMail

NOT_SENT = (PENDING, SENDING, FAILED, UNSENT)


def for_ticket(ticket_id: int) -> list[OutgoingMail]:
    """The mails sent (or to be sent) about one ticket, oldest first."""
    return db.session.scalars(
        select(OutgoingMail).where(OutgoingMail.ticket_id == ticket_id).order_by(OutgoingMail.id)
    ).all()


def not_sent(status: str | None = None) -> Select:
    """Mail that waits or failed (one status, or all of them), newest first."""
    statuses = (status,) if status in NOT_SENT else NOT_SENT
    return (
        select(OutgoingMail)
        .where(OutgoingMail.status.in_(statuses))
        .order_by(OutgoingMail.id.desc())
    )


def counts() -> dict[str, int]:
    rows = db.session.execute(
        select(OutgoingMail.status, db.func.count())
        .where(OutgoingMail.status.in_(NOT_SENT))
        .group_by(OutgoingMail.status)
    ).all()
    found = dict(rows)
    return {status: found.get(status, 0) for status in NOT_SENT}
