"""Shared by the incoming-mail tests: one pass, the tickets and mails it made."""

from __future__ import annotations

from sqlalchemy import func, select

from kundtjanst.extensions import db
from kundtjanst.inbound.fetch import run_pass
from kundtjanst.inbound.models import InboundMail
from kundtjanst.mail.models import OutgoingMail
from kundtjanst.tickets.models import Event, Ticket


def fetch(app) -> dict:
    """One pass, as the job and `flask mail fetch` make it, in its own context."""
    with app.app_context():
        return run_pass()


def tickets() -> list[Ticket]:
    return list(db.session.scalars(select(Ticket).order_by(Ticket.id)))


def stored() -> list[InboundMail]:
    return list(db.session.scalars(select(InboundMail).order_by(InboundMail.id)))


def kinds(ticket: Ticket) -> list[str]:
    return [
        str(kind)
        for kind in db.session.scalars(
            select(Event.kind).where(Event.ticket_id == ticket.id).order_by(Event.id)
        )
    ]


def outbox_count() -> int:
    return db.session.scalar(select(func.count()).select_from(OutgoingMail))
