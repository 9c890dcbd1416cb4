"""Call events from the phone system: sequences, idempotency, order, bad input."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from kundtjanst.auth.models import User
from kundtjanst.calls import services as calls
from kundtjanst.calls.errors import CallError
from kundtjanst.calls.models import Call, CallState
from kundtjanst.extensions import db
from kundtjanst.tickets import services as tickets
from kundtjanst.tickets.models import Ticket

T0 = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


def count_calls() -> int:
    return db.session.scalar(select(func.count(Call.id)))


def test_ringing_answered_ended(app, org):
    with app.app_context():
        calls.receive("ringing", call_id="c-1", number="070-123 45 67", at=T0)
        answered = T0 + timedelta(seconds=8)
        calls.receive("answered", call_id="c-1", agent_email=org.emails.agent, at=answered)
        ended = answered + timedelta(minutes=4, seconds=5)
        call = calls.receive("ended", call_id="c-1", at=ended)
        db.session.commit()
        assert call.state == CallState.ENDED
        assert call.number_e164 == "+46701234567"
        assert call.agent_id == org.users.agent
        assert (call.ringing_at, call.answered_at, call.ended_at) == (T0, answered, ended)
        assert call.duration_seconds == 245
        assert count_calls() == 1


def test_the_same_event_twice_changes_nothing(app, org):
    with app.app_context():
        calls.receive("ringing", call_id="c-2", number="+46 70 123 45 67", at=T0)
        first = calls.receive("answered", call_id="c-2", agent_email=org.emails.agent, at=T0)
        db.session.commit()
        before = (first.state, first.answered_at, first.agent_id, first.number_e164)
        again = calls.receive(
            "answered", call_id="c-2", agent_email=org.emails.agent, at=T0 + timedelta(minutes=1)
        )
        calls.receive("ringing", call_id="c-2", number="070-765 43 21", at=T0 + timedelta(1))
        db.session.commit()
        assert again.id == first.id
        assert (again.state, again.answered_at, again.agent_id, again.number_e164) == before
        assert again.ringing_at == T0
        assert count_calls() == 1


def test_answered_without_ringing_creates_the_call(app, org):
    with app.app_context():
        call = calls.receive(
            "answered", call_id="c-3", number="0046701234567", agent_email=org.emails.agent
        )
        db.session.commit()
        assert call.state == CallState.ANSWERED and call.ringing_at is None
        assert call.number_e164 == "+46701234567"


def test_ended_first_then_the_rest_late(app, org):
    with app.app_context():
        calls.receive("ended", call_id="c-4", at=T0 + timedelta(minutes=3))
        calls.receive("ringing", call_id="c-4", number="08-123 456 78", at=T0)
        call = calls.receive(
            "answered", call_id="c-4", agent_email=org.emails.agent, at=T0 + timedelta(seconds=5)
        )
        db.session.commit()
        assert call.state == CallState.ENDED  # never goes back
        assert call.number_e164 == "+46812345678"  # filled in by the late ringing
        assert call.agent_id == org.users.agent
        assert call.duration_seconds == 175


def test_a_call_passed_on_belongs_to_the_colleague(app, org):
    with app.app_context():
        calls.receive("answered", call_id="c-5", agent_email=org.emails.agent, at=T0)
        call = calls.receive(
            "answered", call_id="c-5", agent_email=org.emails.agent2, at=T0 + timedelta(1)
        )
        db.session.commit()
        assert call.agent_id == org.users.agent2 and call.answered_at == T0


def test_the_agent_is_found_whatever_the_case(app, org):
    with app.app_context():
        call = calls.receive("answered", call_id="c-6", agent_email="  AGENT@Kommun.TEST ")
        assert call.agent_id == org.users.agent


@pytest.mark.parametrize("email", [None, "", "   ", "nobody@kommun.test", "agent@kommun"])
def test_answered_needs_an_active_staff_user(app, org, email):
    with app.app_context():
        with pytest.raises(CallError) as refused:
            calls.receive("answered", call_id="c-7", agent_email=email)
        assert refused.value.field == "agent_email" and refused.value.message
        db.session.rollback()
        assert count_calls() == 0


def test_a_deactivated_agent_is_no_agent(app, org):
    with app.app_context():
        db.session.get(User, org.users.agent).active = False
        db.session.commit()
        with pytest.raises(CallError) as refused:
            calls.receive("answered", call_id="c-8", agent_email=org.emails.agent)
        assert refused.value.field == "agent_email"


def test_withheld_numbers_match_nobody(app, org):
    with app.app_context():
        for n, number in enumerate(["anonymous", "withheld", "", "+46", "112", None]):
            call = calls.receive("ringing", call_id=f"w-{n}", number=number)
            assert call.number_e164 is None, number


@pytest.mark.parametrize(
    ("kind", "call_id", "extra", "field"),
    [
        ("hangup", "x-1", {}, "kind"),
        ("", "x-1", {}, "kind"),
        (None, "x-1", {}, "kind"),
        ("RINGING", "x-1", {}, "kind"),
        ("ringing\x00", "x-1", {}, "kind"),
        ("ringing", "", {}, "call_id"),
        ("ringing", None, {}, "call_id"),
        ("ringing", 12, {}, "call_id"),
        ("ringing", "a" * 101, {}, "call_id"),
        ("ringing", "id\x00nul", {}, "call_id"),
        ("ringing", "id\r\nSet-Cookie: x", {}, "call_id"),
        ("ringing", "with space", {}, "call_id"),
        ("ringing", "åäö", {}, "call_id"),
        ("ringing", "x-1", {"number": "070\x00123 45 67"}, "number"),
        ("ringing", "x-1", {"number": "070-123 45 67\r\n"}, "number"),
        ("ringing", "x-1", {"number": "7" * 100_000}, "number"),
        ("ringing", "x-1", {"number": 701234567}, "number"),
        ("ringing", "x-1", {"at": datetime(2026, 12, 4, 9, 0)}, "at"),
        ("ringing", "x-1", {"at": "2026-12-04T09:00:00Z"}, "at"),
        ("ringing", "x-1", {"source": "Bad Source"}, "source"),
        ("answered", "x-1", {"agent_email": "agent@kommun.test\r\nBcc: x@y"}, "agent_email"),
        ("answered", "x-1", {"agent_email": "a" * 10_000 + "@kommun.test"}, "agent_email"),
        ("answered", "x-1", {"agent_email": "agent@kommun.test\x00"}, "agent_email"),
    ],
)
def test_hostile_events_are_refused_with_the_field_and_store_nothing(
    app, org, kind, call_id, extra, field
):
    with app.app_context():
        with pytest.raises(CallError) as refused:
            calls.receive(kind, call_id=call_id, **extra)
        assert refused.value.field == field
        assert str(refused.value)
        db.session.rollback()
        assert count_calls() == 0


def test_junk_numbers_are_kept_as_no_number(app, org):
    with app.app_context():
        call = calls.receive("ringing", call_id="j-1", number="<script>alert(1)</script>")
        assert call.number_e164 is None


def test_sources_keep_their_ids_apart(app, org):
    with app.app_context():
        one = calls.receive("ringing", call_id="same", number="070-123 45 67")
        other = calls.receive("ringing", call_id="same", number="08-123 456 78", source="pbx-2")
        db.session.commit()
        assert one.id != other.id and count_calls() == 2


def new_phone_ticket(org, number: str = "070-123 45 67") -> Ticket:
    contact = tickets.Contact(channel="phone", subject="Hämtdag", citizen_phone=number)
    agent = db.session.get(User, org.users.agent)
    ticket, _ = tickets.create_ticket(contact, actor=agent, apply_routing=False)
    return ticket


def test_a_ticket_keeps_its_number_as_e164(app, org):
    with app.app_context():
        assert new_phone_ticket(org, "0046 70-123 45 67").citizen_phone_e164 == "+46701234567"
        assert new_phone_ticket(org, "070-12").citizen_phone_e164 is None


def test_link_stores_the_call_times_and_ended_later_fills_the_end(app, org):
    with app.app_context():
        call = calls.receive("answered", call_id="l-1", agent_email=org.emails.agent, at=T0)
        ticket = new_phone_ticket(org)
        calls.link(call, ticket)
        db.session.commit()
        assert call.ticket_id == ticket.id
        assert ticket.call_started_at == T0 and ticket.call_ended_at is None
        end = T0 + timedelta(minutes=2)
        calls.receive("ended", call_id="l-1", at=end)
        calls.receive("ended", call_id="l-1", at=end + timedelta(minutes=1))  # again
        db.session.commit()
        assert db.session.get(Ticket, ticket.id).call_ended_at == end


def test_a_call_is_logged_on_one_ticket(app, org):
    with app.app_context():
        call = calls.receive("answered", call_id="l-2", agent_email=org.emails.agent, at=T0)
        first, second = new_phone_ticket(org), new_phone_ticket(org)
        calls.link(call, first)
        calls.link(call, first)  # the same link again is no change
        with pytest.raises(CallError):
            calls.link(call, second)
