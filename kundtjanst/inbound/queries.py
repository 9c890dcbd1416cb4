"""Reads for incoming mail: the ticket a mail continues (in layers), a sender's new
tickets today, and the quarantine."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, func, select

from ..core.mailparse import ParsedMail
from ..core.mailtext import reference_in, same_subject_key
from ..core.timeutil import local, local_day_bounds
from ..core.vocabulary import OPEN_STATUSES
from ..extensions import db
from ..mail.models import OutgoingMail
from ..tickets.models import Ticket
from .models import NEW_TICKET, QUARANTINED, InboundMail

MAX_THREAD_IDS = 50  # a References header naming more is cut to its nearest 50


def stored(message_id: str, content_hash: str) -> InboundMail | None:
    return db.session.scalar(
        select(InboundMail).where(
            InboundMail.message_id == message_id, InboundMail.content_hash == content_hash
        )
    )


def locked_ticket(ticket_id: int | None) -> Ticket | None:
    """The ticket, locked for the change (PostgreSQL; elsewhere the version catches a
    simultaneous one)."""
    if ticket_id is None:
        return None
    return db.session.scalar(select(Ticket).where(Ticket.id == ticket_id).with_for_update())


def by_thread(mail: ParsedMail) -> Ticket | None:
    """Layer 1: the ticket of a message this one answers — one of ours (the outbox), or
    a mail stored before (the citizen's own earlier one). Both lookups use an index."""
    ids = mail.thread_ids[:MAX_THREAD_IDS]
    if not ids:
        return None
    found: dict[str, int] = {}
    for message_id, ticket_id in db.session.execute(
        select(OutgoingMail.message_id, OutgoingMail.ticket_id).where(
            OutgoingMail.message_id.in_(ids), OutgoingMail.ticket_id.is_not(None)
        )
    ):
        found.setdefault(message_id, ticket_id)
    for message_id, ticket_id in db.session.execute(
        select(InboundMail.message_id, InboundMail.ticket_id).where(
            InboundMail.message_id.in_(ids), InboundMail.ticket_id.is_not(None)
        )
    ):
        found.setdefault(message_id, ticket_id)
    for message_id in ids:  # nearest first
        if message_id in found:
            return locked_ticket(found[message_id])
    return None


def by_reference(mail: ParsedMail) -> Ticket | None:
    """Layer 2: the reference tag ``[KT-YYYY-NNNNNN]`` in the subject, on a ticket of the
    same sender (a stranger naming someone's reference starts a ticket of their own)."""
    reference = reference_in(mail.subject)
    if reference is None or not mail.from_address:
        return None
    ticket_id = db.session.scalar(
        select(Ticket.id).where(
            Ticket.reference == reference, Ticket.citizen_email == mail.from_address
        )
    )
    return locked_ticket(ticket_id)


def by_sender_and_subject(mail: ParsedMail) -> Ticket | None:
    """Layer 3: the sender's most recent open ticket with the same subject (reply
    prefixes and case aside)."""
    key = same_subject_key(mail.subject)
    if not key or not mail.from_address:
        return None
    candidates = db.session.execute(
        select(Ticket.id, Ticket.subject)
        .where(Ticket.citizen_email == mail.from_address, Ticket.status.in_(OPEN_STATUSES))
        .order_by(Ticket.created_at.desc())
        .limit(20)
    )
    for ticket_id, subject in candidates:
        if same_subject_key(subject) == key:
            return locked_ticket(ticket_id)
    return None


def thread_of(mail: ParsedMail) -> Ticket | None:
    """The ticket ``mail`` continues, or None for a new question."""
    return by_thread(mail) or by_reference(mail) or by_sender_and_subject(mail)


def new_tickets_on_the_day(sender: str, at: datetime) -> int:
    """How many new tickets mail from ``sender`` made on ``at``'s Stockholm day."""
    day = local(at).date()
    start, end = local_day_bounds(day, day)
    return db.session.scalar(
        select(func.count()).where(
            InboundMail.sender == sender,
            InboundMail.status == NEW_TICKET,
            InboundMail.received_at >= start,
            InboundMail.received_at < end,
        )
    )


def quarantine() -> Select:
    """The quarantined mail, oldest first."""
    return select(InboundMail).where(InboundMail.status == QUARANTINED).order_by(InboundMail.id)


def quarantine_count() -> int:
    return db.session.scalar(select(func.count()).select_from(quarantine().subquery()))
