"""Calls follow the tickets' retention: a logged call loses its number with its ticket,
an unlogged one after the default retention time; and the migration's backfill."""

from datetime import timedelta

import flask_migrate
from sqlalchemy import select, text

from kundtjanst.audit.models import AuditEntry
from kundtjanst.auth.models import User
from kundtjanst.calls import services as calls
from kundtjanst.calls.models import Call
from kundtjanst.core.timeutil import utcnow
from kundtjanst.core.vocabulary import Channel, Outcome
from kundtjanst.extensions import db
from kundtjanst.retention.services import anonymise_expired
from kundtjanst.tickets import services as tickets
from kundtjanst.tickets.models import Ticket


def logged_call(org, call_id: str, *, resolve: bool) -> tuple[int, int]:
    agent = db.session.get(User, org.users.agent)
    call = calls.receive("ringing", call_id=call_id, number="070-123 45 67")
    calls.receive("answered", call_id=call_id, agent_email=agent.email)
    ticket, _ = tickets.create_ticket(
        tickets.Contact(channel=Channel.PHONE, subject="Fråga", citizen_phone="070-123 45 67"),
        actor=agent,
        apply_routing=False,
    )
    calls.link(call, ticket)
    if resolve:
        tickets.resolve(ticket, agent, Outcome.ANSWERED, during_contact=True)
    db.session.commit()
    return call.id, ticket.id


def test_calls_go_with_their_tickets_and_alone_after_the_default_time(app, org):
    with app.app_context():
        closed_call, closed_ticket = logged_call(org, "r-1", resolve=True)
        unlogged = calls.receive("ringing", call_id="r-2", number="08-123 456 78").id
        db.session.commit()
        # The unlogged call is old; the logged one too, but its ticket is not yet.
        db.session.get(Call, unlogged).created_at = utcnow() - timedelta(days=800)
        db.session.get(Call, closed_call).created_at = utcnow() - timedelta(days=800)
        db.session.commit()

        dry = anonymise_expired(utcnow(), dry_run=True)
        assert dry.calls == 1 and db.session.get(Call, unlogged).number_e164 is not None

        result = anonymise_expired(utcnow())
        db.session.commit()
        assert result.calls == 1
        gone = db.session.get(Call, unlogged)
        assert gone.number_e164 is None and gone.anonymised_at is not None
        assert db.session.get(Call, closed_call).number_e164 == "+46701234567"

        later = anonymise_expired(utcnow() + timedelta(days=800))
        db.session.commit()
        assert later.calls == 1
        call = db.session.get(Call, closed_call)
        ticket = db.session.get(Ticket, closed_ticket)
        assert call.number_e164 is None and call.anonymised_at is not None
        assert ticket.citizen_phone is None and ticket.citizen_phone_e164 is None
        assert ticket.call_started_at is not None  # times are no personal data
        entry = db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "retention.run")
            .order_by(AuditEntry.id.desc())
        ).first()
        assert entry.details["calls"] == 1
        assert anonymise_expired(utcnow() + timedelta(days=900)).calls == 0  # once


def test_an_anonymised_call_gets_no_number_back(app, org):
    with app.app_context():
        call_id = calls.receive("ringing", call_id="r-3", number="070-123 45 67").id
        db.session.get(Call, call_id).created_at = utcnow() - timedelta(days=800)
        db.session.commit()
        anonymise_expired(utcnow())
        db.session.commit()
        again = calls.receive("ringing", call_id="r-3", number="070-123 45 67")
        assert again.number_e164 is None


def test_the_caller_log_says_a_number_was_removed(app, login_as, org):
    with app.app_context():
        call_id, _ticket = logged_call(org, "r-4", resolve=True)
        anonymise_expired(utcnow() + timedelta(days=800))
        db.session.commit()
        assert db.session.get(Call, call_id).number_e164 is None
    html = login_as("agent").get("/samtal").get_data(as_text=True)
    assert "Borttaget (gallrat)" in html and "070-123 45 67" not in html


def test_the_migration_fills_in_existing_tickets_numbers(app, org):
    with app.app_context():
        agent = db.session.get(User, org.users.agent)
        for phone in ["070-123 45 67", "+46 8 123 456 78", "anonymous", "12"]:
            tickets.create_ticket(
                tickets.Contact(channel=Channel.PHONE, subject="Fråga", citizen_phone=phone),
                actor=agent,
                apply_routing=False,
            )
        db.session.commit()
        db.session.remove()
        flask_migrate.downgrade(revision="4b8d0f2c6e31")
        flask_migrate.upgrade(revision="heads")
        rows = db.session.execute(
            text("SELECT citizen_phone, citizen_phone_e164 FROM tickets ORDER BY id")
        ).all()
        assert [tuple(r) for r in rows] == [
            ("070-123 45 67", "+46701234567"),
            ("+46 8 123 456 78", "+46812345678"),
            ("anonymous", None),
            ("12", None),
        ]
