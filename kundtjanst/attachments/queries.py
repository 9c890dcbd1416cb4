"""Reading a ticket's attachments. The ticket itself comes from its loader
(`tickets.queries.load` for staff, `by_status_token` for the citizen), which decides
who may read it; these only look within one ticket."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from .models import Attachment


def for_ticket(ticket_id: int) -> list[Attachment]:
    """The ticket's attachments, in the order they came."""
    return list(
        db.session.scalars(
            select(Attachment).where(Attachment.ticket_id == ticket_id).order_by(Attachment.id)
        )
    )


def of_ticket(ticket_id: int, attachment_id: int) -> Attachment | None:
    """One attachment, if it belongs to that ticket."""
    return db.session.scalar(
        select(Attachment).where(Attachment.id == attachment_id, Attachment.ticket_id == ticket_id)
    )
