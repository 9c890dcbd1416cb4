"""`flask demo seed` and `flask demo logins`: Sjöstads kommun and a year of tickets.

Every generated ticket is checked against its own timeline by replaying the
events independently of the generator, and `first_contact` against the real
rule.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from kundtjanst.auth.models import Role, User
from kundtjanst.core.firstcontact import Entry, is_first_contact
from kundtjanst.core.lifecycle import Secrecy, secrecy_entering, secrecy_filed
from kundtjanst.core.timeutil import STOCKHOLM, local, utcnow
from kundtjanst.core.vocabulary import Channel, EventKind, GroupKind, Outcome, Status
from kundtjanst.demo.municipality import DEMO_PASSWORD, USERS
from kundtjanst.extensions import db
from kundtjanst.org.models import Category, Group
from kundtjanst.routing.models import RoutingRule
from kundtjanst.routing.queries import active_in_order
from kundtjanst.tickets import services
from kundtjanst.tickets.models import Event, Ticket, TicketSequence

NOW = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
REFERENCE = re.compile(r"^KT-(\d{4})-(\d{6})$")
DIARIENUMMER = re.compile(r"^\d{4}/\d+-[A-ZÅÄÖ]+$")


def seed(runner, tickets: int = 300, seed: int = 7, *extra: str):
    result = runner.invoke(
        args=[
            "demo",
            "seed",
            "--tickets",
            str(tickets),
            "--seed",
            str(seed),
            "--now",
            NOW.isoformat(),
            *extra,
        ]
    )
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result


def empty_database(app) -> None:
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


def all_tickets() -> list[Ticket]:
    return list(db.session.scalars(select(Ticket).order_by(Ticket.id)))


def timelines() -> dict[int, list[Event]]:
    by_ticket: dict[int, list[Event]] = defaultdict(list)
    for event in db.session.scalars(select(Event).order_by(Event.ticket_id, Event.id)):
        by_ticket[event.ticket_id].append(event)
    return by_ticket


def test_seed_builds_the_municipality(app, runner):
    result = seed(runner, tickets=50)
    assert "Created 50 tickets" in result.output
    assert "Answered at first contact" in result.output
    with app.app_context():
        groups = {g.slug: g for g in db.session.scalars(select(Group))}
        assert groups["kundtjanst"].kind == GroupKind.FRONTLINE
        answer = [g for g in groups.values() if g.kind == GroupKind.ANSWER]
        assert len(answer) >= 6
        assert all(g.department is not None for g in groups.values())
        assert groups["socialtjanst"].confidential
        secret = sorted(g.slug for g in groups.values() if g.confidential)
        assert secret == ["omsorg", "socialtjanst"]

        categories = {c.name: c for c in db.session.scalars(select(Category))}
        assert len(categories) >= 20
        assert categories["Ekonomiskt bistånd"].default_group.slug == "socialtjanst"
        assert {c.name for c in categories.values() if c.confidential} == {
            "Ekonomiskt bistånd",
            "Individ- och familjeomsorg",
            "LSS och funktionsstöd",
            "Äldreomsorg",
        }
        assert all(c.sla_hours > 0 and c.retention_months > 0 for c in categories.values())

        rules = active_in_order()
        assert len(rules) >= 3
        social_rules = [r for r in rules if r.group.slug == "socialtjanst"]
        assert {r.category.name for r in social_rules if r.category} >= {"Ekonomiskt bistånd"}
        assert any(r.keywords for r in rules)
        assert any(r.email_domain for r in rules)

        users = list(db.session.scalars(select(User)))
        assert len(users) == len(USERS)
        roles = Counter(u.role for u in users)
        assert roles[Role.ADMIN] >= 1 and roles[Role.MANAGER] >= 1
        assert len(groups["kundtjanst"].members) >= 2
        for group in answer:
            assert group.members, f"{group.slug} has no members"
        for member in groups["socialtjanst"].members:
            assert [g.slug for g in member.groups] == ["socialtjanst"]
        assert all(u.email.endswith("@sjostad.se") for u in users)
        # One hash for everybody: scrypt is slow, and the password is the same.
        assert len({u.password_hash for u in users}) == 1


STAFF_WORK = frozenset(
    {
        EventKind.ESCALATED,
        EventKind.TRANSFERRED,
        EventKind.CLAIMED,
        EventKind.RELEASED,
        EventKind.NOTE,
        EventKind.REPLY,
        EventKind.RESOLVED,
    }
)


def arrival_secrecy(ticket: Ticket, events: list[Event], groups: dict[int, Group]) -> Secrecy:
    """What `tickets.services.create_ticket` makes of a new ticket's secrecy: the group it
    arrives in, then the subject area it is filed under."""
    routed = events[1] if len(events) > 1 and events[1].kind == EventKind.ROUTED else None
    arrived = groups[routed.group_id if routed else events[0].group_id]
    secrecy = secrecy_entering(Secrecy(), group=arrived.id, group_confidential=arrived.confidential)
    if ticket.category_id is None:
        return secrecy
    category = db.session.get(Category, ticket.category_id)
    usual = category.default_group
    return secrecy_filed(
        secrecy,
        category_confidential=category.confidential,
        default_group=category.default_group_id,
        default_group_confidential=usual is not None and usual.confidential,
    )


def replay(ticket: Ticket, events: list[Event], groups: dict[int, Group]) -> dict:
    """The ticket's fields as its timeline says they must be."""
    frontline = next(g.id for g in groups.values() if g.kind == GroupKind.FRONTLINE)
    first = events[0]
    assert first.kind == EventKind.CREATED and first.group_id == frontline
    assert first.data == {"channel": ticket.channel.value}
    secrecy = arrival_secrecy(ticket, events, groups)
    state = {
        "group_id": frontline,
        "claimed_by_id": None,
        "status": Status.OPEN,
        "group_entered_at": first.created_at,
        "first_response_at": None,
        "escalated_at": None,
        "resolved_at": None,
        "outcome": None,
        "answered_by": None,
        "reopen_count": 0,
        "resolved_by_id": None,
    }
    for event in events[1:]:
        kind = event.kind
        if kind in (EventKind.ESCALATED, EventKind.TRANSFERRED, EventKind.REOPENED):
            entered = groups[event.group_id]
            secrecy = secrecy_entering(
                secrecy, group=entered.id, group_confidential=entered.confidential
            )
        if kind == EventKind.ROUTED:
            assert event.created_at == first.created_at
            state["group_id"] = event.group_id
        elif kind in (EventKind.ESCALATED, EventKind.TRANSFERRED):
            if kind == EventKind.ESCALATED:
                assert state["group_id"] == frontline
            state.update(
                group_id=event.group_id,
                claimed_by_id=None,
                status=Status.OPEN,
                group_entered_at=event.created_at,
            )
            if event.group_id != frontline and state["escalated_at"] is None:
                state["escalated_at"] = event.created_at
        elif kind == EventKind.CLAIMED:
            assert state["status"] == Status.OPEN and state["group_id"] != frontline
            assert event.actor_id in {u.id for u in groups[state["group_id"]].members}
            state.update(claimed_by_id=event.actor_id, status=Status.CLAIMED)
        elif kind == EventKind.RELEASED:
            assert event.actor_id == state["claimed_by_id"]
            state.update(claimed_by_id=None, status=Status.OPEN)
        elif kind == EventKind.REPLY:
            state["first_response_at"] = state["first_response_at"] or event.created_at
            state["status"] = Status.WAITING
        elif kind == EventKind.RESOLVED:
            stage = GroupKind.FRONTLINE if state["group_id"] == frontline else GroupKind.ANSWER
            assert event.data["stage"] == stage.value
            state.update(
                status=Status.RESOLVED,
                resolved_at=event.created_at,
                outcome=Outcome(event.data["outcome"]),
                answered_by=stage,
                resolved_by_id=event.actor_id,
            )
            if event.data.get("during_contact"):
                assert ticket.channel.synchronous
                state["first_response_at"] = state["first_response_at"] or event.created_at
        elif kind == EventKind.REOPENED:
            state.update(
                status=Status.CLAIMED if state["claimed_by_id"] else Status.OPEN,
                resolved_at=None,
                outcome=None,
                answered_by=None,
                reopen_count=state["reopen_count"] + 1,
            )
        elif kind == EventKind.CITIZEN_MESSAGE:
            assert event.actor_id is None
            if state["status"] == Status.WAITING:
                state["status"] = Status.CLAIMED if state["claimed_by_id"] else Status.OPEN
        if kind in STAFF_WORK:
            assert event.actor_id is not None, (ticket.reference, kind)
        assert event.group_id == state["group_id"] or kind == EventKind.CREATED
    state["confidential"] = secrecy.confidential
    state["secrecy_group_id"] = secrecy.group
    return state


def test_every_ticket_agrees_with_its_timeline(app, runner):
    seed(runner, tickets=400, seed=3)
    with app.app_context():
        groups = {g.id: g for g in db.session.scalars(select(Group))}
        by_ticket = timelines()
        tickets = all_tickets()
        assert len(tickets) == 400
        earliest = NOW - timedelta(days=366)
        for ticket in tickets:
            events = by_ticket[ticket.id]
            times = [e.created_at for e in events]
            assert times == sorted(times), ticket.reference
            assert earliest <= times[0] and times[-1] <= NOW, ticket.reference
            assert ticket.created_at == times[0]

            expected = replay(ticket, events, groups)
            actual = {key: getattr(ticket, key) for key in expected}
            assert actual == expected, ticket.reference

            # Every entry after the arrival raised the version and keeps the one it made,
            # as `services.record` and the SLA jobs leave them.
            arrival = (EventKind.CREATED, EventKind.ROUTED)
            assert all("version" not in e.data for e in events if e.kind in arrival)
            versions = [e.data.get("version") for e in events if e.kind not in arrival]
            assert versions == list(range(2, len(versions) + 2)), ticket.reference
            assert ticket.version == len(versions) + 1

            entries = [Entry(kind=e.kind, data=e.data) for e in events]
            if ticket.status == Status.RESOLVED:
                assert ticket.first_contact == is_first_contact(ticket.channel, entries)
                resolution = next(e for e in reversed(events) if e.kind == EventKind.RESOLVED)
                assert ticket.diarienummer == resolution.data.get("diarienummer")
                assert ticket.referred_to == resolution.data.get("referred_to")
            else:
                assert ticket.first_contact is None
            if ticket.diarienummer:
                assert DIARIENUMMER.match(ticket.diarienummer), ticket.diarienummer
            if ticket.outcome == Outcome.REFERRED:
                assert ticket.referred_to
            if ticket.channel == Channel.WEB:
                assert re.fullmatch(r"[0-9a-f]{64}", ticket.status_token_hash)
            else:
                assert ticket.status_token_hash is None
            if ticket.channel == Channel.EMAIL:
                assert ticket.citizen_email
            for event in events:
                if event.kind == EventKind.ROUTED:
                    rule = db.session.get(RoutingRule, event.data["rule_id"])
                    assert rule.group_id == event.group_id


def test_tickets_cover_every_channel_outcome_and_state(app, runner):
    seed(runner, tickets=1500, seed=3)
    with app.app_context():
        tickets = all_tickets()
        kinds = Counter(e.kind for events in timelines().values() for e in events)
        groups = {g.id: g for g in db.session.scalars(select(Group))}

    assert {t.channel for t in tickets} == set(Channel)
    channels = Counter(t.channel for t in tickets)
    assert channels.most_common(1)[0][0] == Channel.PHONE
    assert {t.outcome for t in tickets if t.outcome} == set(Outcome)
    assert {t.answered_by for t in tickets if t.answered_by} == set(GroupKind)
    assert any(t.first_contact for t in tickets if t.answered_by == GroupKind.ANSWER)
    assert any(t.reopen_count for t in tickets)
    # Secrecy sticks to what was written: confidential tickets outside their secrecy group
    # (transferred on, or answered by kundtjänst in a confidential subject area).
    assert any(t.confidential and t.group_id != t.secrecy_group_id for t in tickets)
    assert any(t.confidential and t.answered_by == GroupKind.FRONTLINE for t in tickets)
    assert any(t.confidential for t in tickets if not groups[t.group_id].confidential)
    assert any(t.citizen_name for t in tickets) and any(not t.citizen_name for t in tickets)
    # Staff's rare decisions are not simulated.
    staff_decisions = {
        EventKind.REPEAT_CONTACT,
        EventKind.REPEAT_OF,
        EventKind.SECRECY_LIFTED,
        EventKind.STATUS_LINK_REPLACED,
    }
    # What arrives only by real e-mail (an out-of-office reply, a bounce) is not either.
    mail_only = {EventKind.AUTO_REPLY, EventKind.MAIL_UNDELIVERABLE}
    assert set(EventKind) - set(kinds) <= staff_decisions | mail_only

    open_tickets = [t for t in tickets if t.is_open]
    assert 0.015 <= len(open_tickets) / len(tickets) <= 0.08
    frontline_open = [t for t in open_tickets if groups[t.group_id].is_frontline]
    queued = [t for t in open_tickets if not groups[t.group_id].is_frontline]
    assert frontline_open, "kundtjänst's inbox is empty"
    assert any(t.status == Status.OPEN and t.claimed_by_id is None for t in queued)
    assert any(t.status == Status.CLAIMED for t in queued)
    # The backlog is recent.
    assert all(t.created_at > NOW - timedelta(days=180) for t in open_tickets)


def test_references_are_per_year_in_creation_order(app, runner):
    seed(runner, tickets=400, seed=3)
    with app.app_context():
        tickets = sorted(all_tickets(), key=lambda t: (t.created_at, t.id))
        sequences = {s.year: s.last_value for s in db.session.scalars(select(TicketSequence))}
    numbers: dict[int, list[int]] = defaultdict(list)
    for ticket in tickets:
        match = REFERENCE.match(ticket.reference)
        assert match, ticket.reference
        year = int(match.group(1))
        assert year == ticket.created_at.astimezone(STOCKHOLM).year
        numbers[year].append(int(match.group(2)))
    assert len({t.reference for t in tickets}) == len(tickets)
    assert set(numbers) == {2025, 2026}
    for year, seen in numbers.items():
        assert seen == list(range(1, len(seen) + 1)), year
        assert sequences[year] == len(seen)


def test_first_contact_share_is_near_the_target(app, runner):
    result = seed(runner, tickets=2000, seed=11)
    with app.app_context():
        tickets = all_tickets()
    counted = [t for t in tickets if t.status == Status.RESOLVED and t.outcome != Outcome.WITHDRAWN]
    share = sum(1 for t in counted if t.first_contact) / len(counted)
    assert 0.6 <= share <= 0.8, share
    assert f"{share:.1%}" in result.output


def content(app) -> list[tuple]:
    with app.app_context():
        by_ticket = timelines()
        return [
            (
                t.reference,
                t.channel,
                t.subject,
                t.description,
                t.category_id and db.session.get(Category, t.category_id).name,
                t.citizen_email,
                t.status,
                t.outcome,
                t.first_contact,
                t.diarienummer,
                tuple((e.kind, e.body) for e in by_ticket[t.id]),
            )
            for t in all_tickets()
        ]


def test_same_seed_same_tickets(app, runner):
    seed(runner, tickets=200, seed=5)
    first = content(app)
    empty_database(app)
    seed(runner, tickets=200, seed=5)
    assert content(app) == first
    empty_database(app)
    seed(runner, tickets=200, seed=6)
    other = content(app)
    assert other != first
    assert [t[2] for t in other] != [t[2] for t in first]


def test_seed_refuses_a_database_with_data(app, runner, org):
    result = runner.invoke(args=["demo", "seed", "--tickets", "10"])
    assert result.exit_code != 0
    assert "already has data" in result.output
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Ticket.id))) == 0


def test_if_empty_seeds_once(app, runner):
    seed(runner, 20, 1, "--if-empty")
    again = runner.invoke(args=["demo", "seed", "--if-empty", "--tickets", "20"])
    assert again.exit_code == 0
    assert "Database already has data; not seeding." in again.output
    refused = runner.invoke(args=["demo", "seed", "--tickets", "20"])
    assert refused.exit_code != 0
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Ticket.id))) == 20


def test_logins_lists_the_demo_users(runner):
    before = runner.invoke(args=["demo", "logins"])
    assert before.exit_code == 0
    assert "no demo users" in before.output

    seed(runner, tickets=0)
    result = runner.invoke(args=["demo", "logins"])
    assert result.exit_code == 0
    for user in USERS:
        assert user.email in result.output
    assert DEMO_PASSWORD in result.output
    assert "socialtjanst" in result.output
    assert re.search(r"admin\b", result.output) and "manager" in result.output


def test_a_demo_user_logs_in_through_the_form(app, runner, client):
    seed(runner, tickets=20)
    agent = next(u for u in USERS if "kundtjanst" in u.groups)
    response = client.post("/logga-in", data={"email": agent.email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert "/logga-in" not in response.headers["Location"]
    inbox = client.get(response.headers["Location"])
    assert inbox.status_code == 200


def test_new_tickets_follow_the_demo_data(app, runner):
    """The reference counter and the id sequences are left ready for real work."""
    seed(runner, tickets=100)
    with app.app_context():
        year = local(utcnow()).year
        demo_this_year = [t for t in all_tickets() if t.reference.startswith(f"KT-{year}-")]
        highest_ticket = db.session.scalar(select(db.func.max(Ticket.id)))
        highest_event = db.session.scalar(select(db.func.max(Event.id)))

        ticket, _ = services.create_ticket(
            services.Contact(channel=Channel.PHONE, subject="Fråga efter demo")
        )
        db.session.commit()

        assert ticket.reference == f"KT-{year}-{len(demo_this_year) + 1:06d}"
        assert ticket.id > highest_ticket
        event_ids = db.session.scalars(select(Event.id).where(Event.ticket_id == ticket.id))
        assert min(event_ids) > highest_event


@pytest.mark.parametrize("bad", ["yesterday", "2026-13-01"])
def test_now_option_is_checked(runner, bad):
    result = runner.invoke(args=["demo", "seed", "--tickets", "1", "--now", bad])
    assert result.exit_code != 0
