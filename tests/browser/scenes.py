"""Data the browser journeys start from, made through the real services.

Call inside an application context; every function commits.
"""

from __future__ import annotations

from dataclasses import dataclass

from kundtjanst.auth.models import User
from kundtjanst.core.vocabulary import Channel, Outcome
from kundtjanst.extensions import db
from kundtjanst.org.models import Group
from kundtjanst.tickets import services
from kundtjanst.tickets.models import Ticket

from ..factories import Org, new_ticket


@dataclass
class Made:
    reference: str
    token: str | None
    subject: str
    description: str


def web_question(
    org: Org,
    *,
    subject: str = "Soptunnan har inte tömts",
    description: str = "Vår soptunna på Storgatan 1 tömdes inte i tisdags.",
    category: str = "avfall",
) -> Made:
    """A citizen's question through the web form (kundtjänst's inbox unless routed)."""
    ticket, token = new_ticket(
        channel=Channel.WEB,
        subject=subject,
        description=description,
        category_id=getattr(org.categories, category),
    )
    return Made(ticket.reference, token, subject, description)


def escalated(org: Org, group: str = "bygg", note: str = "Carport 30 kvm.", **kwargs) -> Made:
    """A web question about a building permit that kundtjänst has sent to a svarsgrupp."""
    kwargs.setdefault("subject", "Bygga carport")
    kwargs.setdefault("description", "Får jag bygga en carport på 30 kvm utan bygglov?")
    kwargs.setdefault("category", "bygglov")
    made = web_question(org, **kwargs)
    ticket = db.session.scalar(db.select(Ticket).filter_by(reference=made.reference))
    services.escalate(
        ticket,
        db.session.get(User, org.users.agent),
        db.session.get(Group, getattr(org.groups, group)),
        note,
    )
    db.session.commit()
    return made


def claimed(org: Org, who: str = "member", **kwargs) -> Made:
    """An escalated question that a svarsgrupp member has claimed."""
    made = escalated(org, **kwargs)
    ticket = db.session.scalar(db.select(Ticket).filter_by(reference=made.reference))
    services.claim(ticket, db.session.get(User, getattr(org.users, who)))
    db.session.commit()
    return made


def answered(org: Org, body: str = "Tömningen görs på torsdag.", **kwargs) -> Made:
    """A web question kundtjänst has replied to (waiting for the citizen)."""
    made = web_question(org, **kwargs)
    ticket = db.session.scalar(db.select(Ticket).filter_by(reference=made.reference))
    services.reply(ticket, db.session.get(User, org.users.agent), body)
    db.session.commit()
    return made


def closed(org: Org, **kwargs) -> Made:
    """A web question kundtjänst has answered and closed (it can be opened again)."""
    made = answered(org, **kwargs)
    ticket = db.session.scalar(db.select(Ticket).filter_by(reference=made.reference))
    services.resolve(ticket, db.session.get(User, org.users.agent), Outcome.ANSWERED)
    db.session.commit()
    return made


def could_have_answered(org: Org, reason: str = "Svaret finns på webben", **kwargs) -> Made:
    """An escalated question the svarsgrupp answered, marking that kundtjänst could
    have answered it (the dashboard's learning-loop table)."""
    from kundtjanst.org.models import CouldReason

    made = claimed(org, **kwargs)
    ticket = db.session.scalar(db.select(Ticket).filter_by(reference=made.reference))
    marked = CouldReason(name=reason)
    db.session.add(marked)
    db.session.flush()
    services.resolve(
        ticket,
        db.session.get(User, org.users.member),
        Outcome.ANSWERED,
        reply_body="Carport under 30 kvm kräver ingen bygglov.",
        could_have_answered=True,
        could_reason_id=marked.id,
    )
    db.session.commit()
    return made


def with_files(org: Org, **kwargs) -> Made:
    """A web question that came with two files (through the e-mail path's service,
    which stores them the same way)."""
    from kundtjanst.attachments.services import store_incoming

    made = web_question(org, **kwargs)
    ticket = db.session.scalar(db.select(Ticket).filter_by(reference=made.reference))
    assert (
        store_incoming(
            ticket,
            [
                ("Ritning över altanen.pdf", "application/pdf", b"%PDF-1.4\n%%EOF\n"),
                ("foto.png", "image/png", b"\x89PNG\r\n\x1a\n" + bytes(32)),
            ],
        )
        == []
    )
    db.session.commit()
    return made


def quarantined_mail() -> int:
    """An incoming mail in the quarantine (past its sender's daily limit)."""
    from kundtjanst.core.mailparse import content_hash
    from kundtjanst.core.timeutil import utcnow
    from kundtjanst.inbound.models import QUARANTINED, SENDER_LIMIT, InboundMail

    raw = (
        "From: Anna <anna@example.org>\r\nSubject: Fråga om plank\r\n"
        "Message-ID: <karantan@example.org>\r\n\r\nBehöver jag bygglov?\r\n"
    ).encode()
    row = InboundMail(
        message_id="<karantan@example.org>",
        content_hash=content_hash(raw),
        raw=raw,
        size=len(raw),
        mailbox="imap://test",
        received_at=utcnow(),
        status=QUARANTINED,
        reason=SENDER_LIMIT,
        sender="anna@example.org",
        subject="Fråga om plank",
    )
    db.session.add(row)
    db.session.commit()
    return row.id


def email_reply(org: Org) -> Made:
    """An e-mail question whose text quotes earlier mail (folded on the ticket page)."""
    description = "Tack! En fråga till.\n\nDen 1 dec. 2026 skrev Kundtjänst:\n> Svaret"
    ticket, token = new_ticket(channel=Channel.EMAIL, subject="SV: Plank", description=description)
    return Made(ticket.reference, token, ticket.subject, description)
