"""The soak's timeline replay (tests/soak/replay.py) against the services: a ticket
worked through the real services replays to its row, and timelines the rules never
allow are caught. Both databases."""

from __future__ import annotations

from sqlalchemy import select

from kundtjanst.auth.models import User
from kundtjanst.core.vocabulary import Outcome
from kundtjanst.extensions import db
from kundtjanst.org.models import Group, membership
from kundtjanst.tickets import citizen, services
from kundtjanst.tickets.models import Event

from .factories import new_ticket
from .soak.replay import Entry, replay


def entries(ticket_id: int) -> list[Entry]:
    rows = db.session.execute(
        select(Event.kind, Event.actor_id, Event.group_id, Event.data)
        .where(Event.ticket_id == ticket_id)
        .order_by(Event.id)
    )
    return [Entry(kind, actor, group, data or {}) for kind, actor, group, data in rows]


def members() -> set[tuple[int, int]]:
    return set(db.session.execute(select(membership.c.user_id, membership.c.group_id)).all())


def test_a_ticket_worked_by_the_services_replays_to_its_row(app, org):
    with app.app_context():
        agent = db.session.get(User, org.users.agent)
        member = db.session.get(User, org.users.member)
        bygg = db.session.get(Group, org.groups.bygg)
        ticket, _ = new_ticket()
        steps = (
            lambda: services.reply(ticket, agent, "Svar"),
            lambda: citizen.citizen_message(ticket, "En sak till"),  # back in play
            lambda: services.escalate(ticket, agent, bygg),
            lambda: services.claim(ticket, member),
            lambda: services.release(ticket, member),
            lambda: services.claim(ticket, member),
            lambda: services.reply(ticket, member, "Svar från bygglov"),
            lambda: citizen.citizen_message(ticket, "Tack, men"),  # claimed again
            lambda: services.resolve(ticket, member, Outcome.ANSWERED),
            lambda: citizen.citizen_message(ticket, "Öppna igen"),  # reopened, kept
        )
        is_member = members().__contains__
        for step in steps:
            step()
            db.session.commit()
            state = replay(entries(ticket.id), lambda user, group: is_member((user, group)))
            row = (ticket.status.value, ticket.group_id, ticket.claimed_by_id)
            assert (state.status, state.group_id, state.claimant) == row
            assert state.version <= ticket.version
            assert state.anomalies == []
        assert state.claims == 2


def test_what_the_rules_never_allow_is_caught():
    def entry(kind: str, actor: int | None = None, group: int | None = None) -> Entry:
        return Entry(kind, actor, group, {})

    always = lambda _user, _group: True  # noqa: E731
    twice = replay([entry("created", group=1), entry("escalated", group=2),
                    entry("claimed", 7), entry("claimed", 8)], always)  # fmt: skip
    assert twice.claimant == 8
    assert twice.anomalies == ["entry 3: claimed by 8 while claimed by 7"]
    closed = replay([entry("created", group=1), entry("resolved"), entry("resolved"),
                     entry("claimed", 7)], always)  # fmt: skip
    assert closed.anomalies == [
        "entry 2: resolved while already resolved",
        "entry 3: claimed while resolved",
    ]
    assert replay([entry("note")], always).anomalies == [
        "entry 0 (note) before the ticket was created"
    ]
