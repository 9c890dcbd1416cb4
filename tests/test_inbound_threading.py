"""Which ticket a mail continues, in layers: our own Message-ID in In-Reply-To or
References; the reference tag in the subject (from the ticket's own citizen); the
citizen's open ticket with the same subject. A reply to a closed ticket within the
repeat-contact window reopens it; later, it starts a new ticket suggested as a repeat
contact of the old one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from kundtjanst.auth.models import User
from kundtjanst.core.timeutil import utcnow
from kundtjanst.core.vocabulary import Channel, EventKind, Outcome, Status
from kundtjanst.extensions import db
from kundtjanst.inbound.models import THREADED
from kundtjanst.mail import services as mail_services
from kundtjanst.mail.models import REPLY
from kundtjanst.tickets import repeat, services
from kundtjanst.tickets.models import Event, Ticket

from .factories import new_ticket
from .inbound_helpers import fetch, kinds, stored, tickets
from .mails import CITIZEN, mail


def _ticket_with_our_answer(org, *, resolved: bool = False) -> tuple[str, str]:
    """An e-mail ticket of CITIZEN's, and the Message-ID of the answer we mailed."""
    ticket, _ = new_ticket(
        channel=Channel.EMAIL, subject="Soptunnan har inte tömts", citizen_email=CITIZEN
    )
    agent = db.session.get(User, org.users.agent)
    if resolved:
        services.resolve(ticket, agent, Outcome.ANSWERED, reply_body="Den töms i morgon.")
    row = mail_services.queue(
        [CITIZEN],
        f"[{ticket.reference}] Svar",
        "Den töms i morgon.",
        kind=REPLY,
        ticket_id=ticket.id,
    )
    db.session.commit()
    return ticket.reference, row.message_id


def _ticket(reference: str) -> Ticket:
    return db.session.query(Ticket).filter_by(reference=reference).one()


def test_a_reply_to_our_mail_is_a_message_on_its_ticket(app, org, mailbox):
    with app.app_context():
        reference, ours = _ticket_with_our_answer(org)
    mailbox.append(
        mail(
            "Tack!",
            "Tack för svaret.\n\nDen 1 dec. 2026 skrev En väg in:\n> Den töms",
            message_id="<thanks@example.org>",
            headers={"In-Reply-To": ours},
        )
    )
    assert fetch(app) == {"waiting": 1, "threaded": 1}
    with app.app_context():
        assert len(tickets()) == 1
        ticket = _ticket(reference)
        assert kinds(ticket)[-1] == EventKind.CITIZEN_MESSAGE
        assert ticket.mail_last_id == "<thanks@example.org>"  # our next answer threads
        (row,) = stored()
        assert row.status == THREADED and row.ticket_id == ticket.id


def test_our_id_deep_in_references_threads_too(app, org, mailbox):
    with app.app_context():
        reference, ours = _ticket_with_our_answer(org)
    mailbox.append(mail("Annat ämne", headers={"References": f"<a@x.org> {ours} <b@x.org>"}))
    fetch(app)
    with app.app_context():
        assert len(tickets()) == 1
        assert kinds(_ticket(reference))[-1] == EventKind.CITIZEN_MESSAGE


def test_the_reference_tag_alone_threads_a_mail_from_the_citizen(app, org, mailbox):
    with app.app_context():
        reference, _ours = _ticket_with_our_answer(org)
    mailbox.append(mail(f"SV: VB: Re: [{reference.lower()}] Något helt annat"))
    assert fetch(app)["threaded"] == 1
    with app.app_context():
        assert len(tickets()) == 1


def test_the_reference_tag_from_someone_else_starts_their_own_ticket(app, org, mailbox):
    with app.app_context():
        reference, _ours = _ticket_with_our_answer(org)
    mailbox.append(mail(f"[{reference}] Jag vill också veta", sender="okand@example.net"))
    assert fetch(app)["ticket"] == 1
    with app.app_context():
        assert len(tickets()) == 2
        assert kinds(_ticket(reference))[-1] != EventKind.CITIZEN_MESSAGE


def test_the_same_subject_on_the_citizens_open_ticket_threads(app, org, mailbox):
    with app.app_context():
        reference, _ours = _ticket_with_our_answer(org)
    mailbox.append(mail("SV: soptunnan har INTE tömts", "En sak till."))
    assert fetch(app)["threaded"] == 1
    with app.app_context():
        assert kinds(_ticket(reference))[-1] == EventKind.CITIZEN_MESSAGE


def test_a_mail_with_neither_is_a_new_ticket(app, org, mailbox):
    with app.app_context():
        _ticket_with_our_answer(org)
    mailbox.append(mail("Parkeringstillstånd", "Hur ansöker jag?"))
    assert fetch(app)["ticket"] == 1
    with app.app_context():
        assert [t.subject for t in tickets()] == ["Soptunnan har inte tömts", "Parkeringstillstånd"]


def test_a_reply_to_a_closed_ticket_within_the_window_reopens_it(app, org, mailbox):
    with app.app_context():
        reference, ours = _ticket_with_our_answer(org, resolved=True)
        assert _ticket(reference).status == Status.RESOLVED
    mailbox.append(mail("Re: Svar", "Den töms fortfarande inte!", headers={"In-Reply-To": ours}))
    assert fetch(app)["threaded"] == 1
    with app.app_context():
        ticket = _ticket(reference)
        assert ticket.status != Status.RESOLVED and ticket.reopen_count == 1
        assert EventKind.REOPENED in kinds(ticket)
        assert len(tickets()) == 1


def test_a_reply_long_after_closing_is_a_new_ticket_suggested_as_a_repeat(app, org, mailbox):
    with app.app_context():
        reference, ours = _ticket_with_our_answer(org, resolved=True)
        month_ago = utcnow() - timedelta(days=30)
        db.session.execute(
            update(Ticket)
            .where(Ticket.reference == reference)
            .values(created_at=month_ago - timedelta(days=1), resolved_at=month_ago)
        )
        db.session.commit()
    mailbox.append(mail("Re: Svar", "Nu är det samma problem igen.", headers={"In-Reply-To": ours}))
    assert fetch(app)["ticket"] == 1
    with app.app_context():
        earlier, later = tickets()
        assert earlier.reference == reference and earlier.status == Status.RESOLVED
        assert later.description == "Nu är det samma problem igen."
        agent = db.session.get(User, org.users.agent)
        assert repeat.candidates(later, agent) == [earlier]


def test_received_time_is_the_mailboxs_for_a_thread_message(app, org, mailbox):
    received = datetime(2026, 12, 2, 7, 30, tzinfo=UTC)
    with app.app_context():
        reference, ours = _ticket_with_our_answer(org)
    mailbox.append(mail("Re: Svar", "Ok", headers={"In-Reply-To": ours}), received=received)
    fetch(app)
    with app.app_context():
        ticket = _ticket(reference)
        message = (
            db.session.query(Event)
            .filter_by(ticket_id=ticket.id, kind=EventKind.CITIZEN_MESSAGE)
            .one()
        )
        assert message.created_at == received
