"""SLA clocks per stage: due times on creation, hand-off, transfer and reopen; the
working time each stage took; time left and "Försenad" in the inbox and queues."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from kundtjanst.auth.models import User
from kundtjanst.core.firstcontact import Entry, is_first_contact
from kundtjanst.core.timeutil import utcnow
from kundtjanst.core.vocabulary import Channel, EventKind, Outcome, Status
from kundtjanst.core.workingtime import add_working_time, working_time_between
from kundtjanst.extensions import db
from kundtjanst.org.models import Category, Group
from kundtjanst.tickets import services
from kundtjanst.tickets.models import Event, Ticket
from kundtjanst.tickets.sla import clock, target_hours
from kundtjanst.worktime.models import SpecialDay

from .factories import new_ticket

H = timedelta(hours=1)


def text(response) -> str:
    return response.get_data(as_text=True)


def user(key: int) -> User:
    return db.session.get(User, key)


def test_a_new_ticket_gets_kundtjanst_due_time(app, org):
    with app.app_context():
        ticket, _ = new_ticket(category_id=org.categories.avfall)
        assert ticket.stage_started_at == ticket.created_at
        assert ticket.due_at == add_working_time(ticket.created_at, 16 * H)
        assert ticket.frontline_seconds == 0 and ticket.answer_seconds == 0
        assert ticket.sla_breach_count == 0


def test_targets_per_stage_and_group_override(app, org):
    with app.app_context():
        bygglov = db.session.get(Category, org.categories.bygglov)
        kundtjanst = db.session.get(Group, org.groups.kundtjanst)
        bygg = db.session.get(Group, org.groups.bygg)
        assert target_hours(kundtjanst, bygglov) == 24
        assert target_hours(bygg, bygglov) == bygglov.answer_sla_hours == 24
        assert target_hours(kundtjanst, None) == 16
        assert target_hours(bygg, None) == 24
        bygg.sla_hours = 6
        assert target_hours(bygg, bygglov) == 6


def test_escalation_records_the_frontline_stage_and_restarts_the_clock(app, org):
    with app.app_context():
        ticket, _ = new_ticket(category_id=org.categories.bygglov)
        started = utcnow() - timedelta(days=3)
        ticket.stage_started_at = started
        ticket.due_at = add_working_time(started, 24 * H)
        db.session.get(Category, org.categories.bygglov).answer_sla_hours = 40
        db.session.get(Group, org.groups.bygg).sla_hours = None
        services.escalate(ticket, user(org.users.agent), db.session.get(Group, org.groups.bygg))
        db.session.commit()
        now = ticket.group_entered_at
        expected = working_time_between(started, now)
        assert abs(ticket.frontline_seconds - expected.total_seconds()) <= 1
        assert ticket.stage_started_at == now
        assert ticket.due_at == add_working_time(now, 40 * H)
        # The stage took longer than kundtjänst's 24 hours: counted as one breach.
        assert ticket.sla_breach_count == (1 if now > add_working_time(started, 24 * H) else 0)


def test_transfer_resolve_and_reopen(app, org):
    with app.app_context():
        ticket, _ = new_ticket(category_id=org.categories.bygglov)
        member = user(org.users.member)
        services.escalate(ticket, user(org.users.agent), db.session.get(Group, org.groups.bygg))
        # Two weeks back: working hours whatever the day and hour the test runs (one
        # day back from a Saturday evening held none).
        ticket.stage_started_at = utcnow() - timedelta(days=14)
        db.session.get(Group, org.groups.miljo).sla_hours = 3
        services.claim(ticket, member)
        services.transfer(ticket, member, db.session.get(Group, org.groups.miljo))
        assert ticket.answer_seconds > 0
        assert ticket.due_at == add_working_time(ticket.group_entered_at, 3 * H)
        other = user(org.users.other)
        services.claim(ticket, other)
        spent_before = ticket.answer_seconds
        services.resolve(ticket, other, Outcome.ANSWERED, reply_body="Svar")
        assert ticket.stage_started_at is None
        assert ticket.answer_seconds >= spent_before
        services.reopen(ticket, other, "Frågan kom tillbaka")
        assert ticket.stage_started_at is not None
        assert ticket.due_at == add_working_time(ticket.stage_started_at, 3 * H)
        db.session.commit()


def test_the_calendar_from_the_database_moves_due_times(app, org):
    with app.app_context():
        now = utcnow()
        # Close the next ten days: the due time lies after them.
        for i in range(10):
            db.session.add(SpecialDay(day=date.today() + timedelta(days=i), note="Stängt"))
        db.session.commit()
        ticket, _ = new_ticket(category_id=org.categories.avfall)
        assert ticket.due_at.date() >= (now + timedelta(days=9)).date()


def test_new_event_kinds_do_not_change_first_contact():
    timeline = [
        Entry(EventKind.CREATED),
        Entry(EventKind.SLA_BREACHED, {"stage": "frontline"}),
        Entry(EventKind.UNCLAIMED_ALERT, {"hours": 4}),
        Entry(EventKind.REPLY),
        Entry(EventKind.RESOLVED, {"outcome": "answered"}),
    ]
    assert is_first_contact(Channel.EMAIL, timeline)


def test_clock_counts_working_time_and_flags_overdue(app, org):
    with app.app_context():
        ticket, _ = new_ticket()
        now = utcnow()
        ticket.due_at = add_working_time(now, 2 * H)
        assert clock(ticket, now).overdue is False
        assert clock(ticket, now).left == 2 * H
        ticket.due_at = now - timedelta(days=7)
        late = clock(ticket, now)
        assert late.overdue and late.left <= timedelta(0)
        ticket.status = Status.RESOLVED
        assert clock(ticket, now) is None


def _make_overdue(reference: str) -> None:
    db.session.execute(
        update(Ticket)
        .where(Ticket.reference == reference)
        .values(due_at=utcnow() - timedelta(days=7))
    )
    db.session.commit()


def test_inbox_shows_time_left_and_overdue_in_words(app, org, login_as):
    with app.app_context():
        late, _ = new_ticket(subject="Sen fråga")
        fresh, _ = new_ticket(subject="Ny fråga")
        _make_overdue(late.reference)
        late_ref, fresh_ref = late.reference, fresh.reference
    page = text(login_as("agent").get("/inkorg"))
    assert '<th scope="col">Tid kvar</th>' in page
    row = re.search(rf"{late_ref}.*?</tr>", page, re.S).group(0)
    assert "Försenad" in row
    fresh_row = re.search(rf"{fresh_ref}.*?</tr>", page, re.S).group(0)
    assert "Försenad" not in fresh_row
    assert re.search(r"\d+ h \d\d min", fresh_row)


def _due_now(reference: str) -> None:
    db.session.execute(update(Ticket).where(Ticket.reference == reference).values(due_at=utcnow()))
    db.session.commit()


def test_inbox_and_queue_sort_by_time_left(app, org, login_as):
    with app.app_context():
        refs = [new_ticket(subject=f"Fråga {i}")[0].reference for i in range(3)]
        _due_now(refs[2])  # the newest is the most urgent

    def order(page: str) -> list[str]:
        found = [r for r in re.findall(r"KT-\d{4}-\d{6}", page) if r in refs]
        return list(dict.fromkeys(found))

    agent = login_as("agent")
    assert order(text(agent.get("/inkorg"))) == refs
    by_due = text(agent.get("/inkorg?sort=due"))
    assert order(by_due) == [refs[2], refs[0], refs[1]]
    assert "minst tid kvar först" in by_due
    assert 'aria-current="true">Minst tid kvar först' in by_due
    assert 'name="sort" value="due"' in by_due  # kept when filtering
    assert order(text(agent.get("/inkorg?sort=nonsense"))) == refs

    with app.app_context():
        for ref in refs:
            t = db.session.scalar(select(Ticket).where(Ticket.reference == ref))
            services.escalate(t, user(org.users.agent), db.session.get(Group, org.groups.bygg))
        db.session.commit()
        _due_now(refs[1])
    member = login_as("member")
    assert order(text(member.get("/ko/bygglov"))) == refs
    assert order(text(member.get("/ko/bygglov?sort=due")))[0] == refs[1]


def test_ticket_page_shows_due_time_and_stage_time(app, org, login_as):
    with app.app_context():
        ticket, _ = new_ticket()
        ticket.stage_started_at = utcnow() - timedelta(days=2)
        services.escalate(ticket, user(org.users.agent), db.session.get(Group, org.groups.bygg))
        db.session.commit()
        reference = ticket.reference
    page = text(login_as("agent").get(f"/arenden/{reference}"))
    assert 'id="ticket-due"' in page and 'id="ticket-time-left"' in page
    assert "Arbetstid hittills" in page


@pytest.mark.parametrize("status", [Status.CLAIMED, Status.WAITING])
def test_deactivating_a_user_releases_their_tickets(app, org, login_as, status):
    with app.app_context():
        for user_row in db.session.scalars(select(User)):
            user_row.email = user_row.email.replace("@kommun.test", "@kommun.se")
        ticket, _ = new_ticket()
        services.escalate(ticket, user(org.users.agent), db.session.get(Group, org.groups.bygg))
        services.claim(ticket, user(org.users.member))
        ticket.status = status
        db.session.commit()
        reference = ticket.reference
        member = user(org.users.member)
        form = {
            "email": member.email,
            "name": member.name,
            "role": member.role.value,
            "memberships": [str(org.groups.bygg)],
        }  # "active" left out: unchecked
    response = login_as("admin").post(f"/admin/anvandare/{org.users.member}/redigera", data=form)
    assert response.status_code == 302
    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
        assert ticket.claimed_by_id is None and ticket.status == Status.OPEN
        released = db.session.scalars(
            select(Event).where(Event.ticket_id == ticket.id, Event.kind == EventKind.RELEASED)
        ).all()
        assert len(released) == 1
        assert released[0].actor_id == org.users.admin
        assert released[0].data["released_user_id"] == org.users.member
    assert f"{reference}" in text(login_as("member2").get("/ko/bygglov"))
