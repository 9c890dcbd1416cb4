"""What the citizen sends after their question: a message on the status page or a
mail in its thread, and the automatic mail that only gets noted."""

from __future__ import annotations

from datetime import datetime

from ..core.vocabulary import EventKind, Status
from ..extensions import db
from .models import Event, Ticket
from .services import back_in_play, reopen
from .timeline import record


def citizen_message(
    ticket: Ticket,
    body: str,
    *,
    at: datetime | None = None,
    automatic: bool = False,
    message_id: str | None = None,
) -> Event:
    """A message from the citizen: on the timeline, and the ticket back in play. An
    automatic one (an out-of-office reply) is only noted: it neither reopens the
    ticket nor counts as the citizen coming back. ``message_id``: their mail's, so
    our next answer continues their thread."""
    if message_id:
        ticket.mail_last_id = message_id
    if automatic:
        entry = record(ticket, EventKind.AUTO_REPLY, None, body=body, group=ticket.group, at=at)
        db.session.flush()
        return entry
    entry = record(ticket, EventKind.CITIZEN_MESSAGE, None, body=body, group=ticket.group, at=at)
    if ticket.status == Status.RESOLVED:
        reopen(ticket, None)
    elif ticket.status == Status.WAITING:
        back_in_play(ticket)
    db.session.flush()
    return entry
