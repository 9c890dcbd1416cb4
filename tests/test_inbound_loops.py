"""Loops and noise: no automatic mail ever answers a machine's mail. An out-of-office
reply is noted on its ticket without reopening it; a bounce marks the outbox row and
tells the ticket; a machine's mail about nothing we know starts a ticket without a
receipt; our own mail coming back, and a sender past the daily limit, wait in the
quarantine."""

from __future__ import annotations

import pytest

from kundtjanst.auth.models import User
from kundtjanst.core.vocabulary import Channel, EventKind, Outcome, Status
from kundtjanst.extensions import db
from kundtjanst.inbound.models import (
    AUTO_REPLY,
    BOUNCE,
    OUR_OWN,
    QUARANTINED,
    SENDER_LIMIT,
    UNKNOWN_BOUNCE,
)
from kundtjanst.mail.models import OutgoingMail
from kundtjanst.settings import services as settings
from kundtjanst.tickets import services
from kundtjanst.tickets.models import Ticket
from kundtjanst.tickets.signals import question_received

from .factories import new_ticket
from .inbound_helpers import fetch, kinds, outbox_count, stored, tickets
from .mails import CITIZEN, dsn, mail


@pytest.fixture
def receipts():
    """Every receipt asked for (the signal that mails the citizen their status link)."""
    sent = []

    def receive(ticket, **_):
        sent.append(ticket.reference)

    question_received.connect(receive)
    yield sent
    question_received.disconnect(receive)


def _answered_ticket(org) -> tuple[str, bytes]:
    """A closed e-mail ticket (first contact), and the mail that answered it."""
    ticket, _ = new_ticket(channel=Channel.EMAIL, citizen_email=CITIZEN, status_link=False)
    agent = db.session.get(User, org.users.agent)
    services.resolve(ticket, agent, Outcome.ANSWERED, reply_body="Den töms i morgon.")
    db.session.commit()
    (row,) = db.session.query(OutgoingMail).filter_by(ticket_id=ticket.id).all()  # the closing
    assert ticket.first_contact is True
    original = (
        f"From: noreply@sjostad.se\r\nTo: {CITIZEN}\r\nSubject: Svar\r\n"
        f"Message-ID: {row.message_id}\r\n\r\nDen töms i morgon.\r\n"
    ).encode()
    return ticket.reference, original


def _ticket(reference: str) -> Ticket:
    return db.session.query(Ticket).filter_by(reference=reference).one()


def _message_id(original: bytes) -> str:
    return original.split(b"Message-ID: ")[1].split(b"\r\n")[0].decode()


def test_an_out_of_office_reply_is_noted_and_changes_nothing(app, org, mailbox, receipts):
    with app.app_context():
        reference, original = _answered_ticket(org)
        mails_before = outbox_count()
    mailbox.append(
        mail(
            "Automatiskt svar: Svar",
            "Jag är på semester till 2 januari.",
            headers={"Auto-Submitted": "auto-replied", "In-Reply-To": _message_id(original)},
        )
    )
    assert fetch(app) == {"waiting": 1, AUTO_REPLY: 1}
    with app.app_context():
        ticket = _ticket(reference)
        assert ticket.status == Status.RESOLVED and ticket.reopen_count == 0
        assert ticket.first_contact is True
        assert kinds(ticket)[-1] == EventKind.AUTO_REPLY
        assert ticket.mail_last_id is None  # our next answer threads to the citizen's mail
        assert outbox_count() == mails_before and len(tickets()) == 1
    assert receipts == []


def test_a_bounce_marks_our_mail_undeliverable_and_tells_its_ticket(app, org, mailbox, receipts):
    with app.app_context():
        reference, original = _answered_ticket(org)
        mails_before = outbox_count()
    mailbox.append(dsn(original))
    assert fetch(app) == {"waiting": 1, BOUNCE: 1}
    with app.app_context():
        ticket = _ticket(reference)
        row = db.session.query(OutgoingMail).filter_by(message_id=_message_id(original)).one()
        assert row.undeliverable_at is not None
        assert "550 5.1.1 User unknown" in row.undeliverable_reason
        assert kinds(ticket)[-1] == EventKind.MAIL_UNDELIVERABLE
        assert ticket.status == Status.RESOLVED and ticket.first_contact is True
        assert outbox_count() == mails_before and len(tickets()) == 1
    assert receipts == []


def test_a_delay_report_changes_nothing(app, org, mailbox):
    with app.app_context():
        _reference, original = _answered_ticket(org)
    mailbox.append(dsn(original, action="delayed"))
    assert fetch(app) == {"waiting": 1, "report": 1}
    with app.app_context():
        row = db.session.query(OutgoingMail).filter_by(message_id=_message_id(original)).one()
        assert row.undeliverable_at is None


def test_a_bounce_about_mail_we_never_sent_waits_in_quarantine(app, org, mailbox):
    mailbox.append(dsn(b"From: x@y.z\r\nMessage-ID: <not-ours@y.z>\r\n\r\nhej\r\n"))
    assert fetch(app) == {"waiting": 1, QUARANTINED: 1}
    with app.app_context():
        assert stored()[0].reason == UNKNOWN_BOUNCE and tickets() == []


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-generated"},
        {"Precedence": "bulk"},
        {"Precedence": "junk"},
        {"Precedence": "list"},
        {"List-Id": "<nyheter.example.org>"},
        {"X-Autoreply": "yes"},
    ],
    ids=lambda h: "-".join(f"{k}={v}" for k, v in h.items()),
)
def test_a_machines_mail_starts_a_ticket_without_a_receipt(app, org, mailbox, receipts, headers):
    mailbox.append(mail("Nyhetsbrev", "Veckans nyheter", headers=headers))
    assert fetch(app)["ticket"] == 1
    with app.app_context():
        (ticket,) = tickets()
        assert ticket.status_token_hash is None  # no status link: no receipt
        assert stored()[0].automatic is not None
    assert receipts == []


def test_auto_submitted_no_is_a_person(app, org, mailbox, receipts):
    mailbox.append(mail(headers={"Auto-Submitted": "no"}))
    fetch(app)
    assert len(receipts) == 1


@pytest.mark.parametrize(
    "sender, headers",
    [
        ("En väg in <noreply@sjostad.se>", {}),
        (f"Anna <{CITIZEN}>", {"X-Loop": "noreply@sjostad.se"}),
    ],
    ids=["our-sender", "x-loop"],
)
def test_our_own_mail_coming_back_waits_in_quarantine(app, org, mailbox, receipts, sender, headers):
    mailbox.append(mail("Ditt ärende", sender=sender, headers=headers))
    assert fetch(app) == {"waiting": 1, QUARANTINED: 1}
    with app.app_context():
        assert stored()[0].reason == OUR_OWN and tickets() == []
    assert receipts == []


def test_a_mail_without_a_sender_gets_no_receipt(app, org, mailbox, receipts):
    message = mail("Utan avsändare").replace(f"From: Anna Svensson <{CITIZEN}>\r\n".encode(), b"")
    mailbox.append(message)
    assert fetch(app)["ticket"] == 1
    assert receipts == []


def test_beyond_the_daily_limit_a_senders_mail_waits_in_quarantine(app, org, mailbox, receipts):
    with app.app_context():
        settings.put("mail_tickets_per_sender_per_day", 3)
        db.session.commit()
    mailbox.append_many([mail(f"Fråga {n}") for n in range(5)])
    mailbox.append(mail("Från någon annan", sender="annan@example.org"))
    assert fetch(app) == {"waiting": 6, QUARANTINED: 2, "ticket": 4}
    with app.app_context():
        assert len(tickets()) == 4
        assert [r.reason for r in stored() if r.status == QUARANTINED] == [SENDER_LIMIT] * 2
    assert len(receipts) == 4
