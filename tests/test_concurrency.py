"""Races that only a real multi-connection database shows: claims and reference numbers."""

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from kundtjanst.core.vocabulary import Channel, EventKind
from kundtjanst.extensions import db
from kundtjanst.org.models import Group
from kundtjanst.tickets import services
from kundtjanst.tickets.models import Event, Ticket
from kundtjanst.tickets.references import next_reference

from .conftest import login
from .factories import make_user, new_ticket

pytestmark = pytest.mark.postgres


def test_ten_simultaneous_claims_exactly_one_wins(app, org):
    with app.app_context():
        group = db.session.get(Group, org.groups.bygg)
        members = [
            make_user(f"claimer{i}@sjostad.se", f"Claimer {i}", groups=[group]) for i in range(10)
        ]
        db.session.commit()
        member_ids = [m.id for m in members]
        ticket, _ = new_ticket()
        agent = db.session.get(type(members[0]), org.users.agent)
        services.escalate(ticket, agent, group)
        db.session.commit()
        reference = ticket.reference

    barrier = threading.Barrier(len(member_ids))

    def claim(user_id: int) -> str:
        client = app.test_client()
        login(client, user_id)
        barrier.wait()
        response = client.post(f"/arenden/{reference}/ta")
        assert response.status_code == 302
        # The flash message on the page the user is sent to.
        return client.get(response.headers["Location"]).get_data(as_text=True)

    with ThreadPoolExecutor(max_workers=len(member_ids)) as pool:
        pages = list(pool.map(claim, member_ids))

    winners = [p for p in pages if "Du har tagit" in p]
    losers = [p for p in pages if "Någon annan har redan tagit ärendet." in p]
    assert len(winners) == 1
    assert len(losers) == len(member_ids) - 1
    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
        assert ticket.claimed_by_id in member_ids
        claimed_events = db.session.scalar(
            select(func.count()).select_from(Event).where(Event.kind == EventKind.CLAIMED)
        )
        assert claimed_events == 1


def test_concurrent_ticket_creation_never_duplicates_references(app, org):
    threads, per_thread = 10, 15
    barrier = threading.Barrier(threads)

    def create_many(i: int) -> list[str]:
        refs = []
        with app.app_context():
            barrier.wait()
            for n in range(per_thread):
                contact = services.Contact(channel=Channel.WEB, subject=f"Fråga {i}-{n}")
                ticket, _ = services.create_ticket(contact)
                db.session.commit()
                refs.append(ticket.reference)
        return refs

    with ThreadPoolExecutor(max_workers=threads) as pool:
        refs = [r for batch in pool.map(create_many, range(threads)) for r in batch]

    assert len(refs) == threads * per_thread
    assert len(set(refs)) == len(refs)
    assert all(re.fullmatch(r"KT-\d{4}-\d{6}", r) for r in refs)
    with app.app_context():
        stored = db.session.scalars(select(Ticket.reference)).all()
        assert sorted(stored) == sorted(refs)


def test_a_failed_creation_leaves_a_gap_not_a_reused_number(app, org):
    with app.app_context():
        first = next_reference(2031)
        db.session.rollback()  # the request that asked for it failed
        second = next_reference(2031)
        db.session.rollback()
    assert first == "KT-2031-000001"
    assert second == "KT-2031-000002"


def test_a_form_waiting_on_an_escalation_sees_where_the_ticket_went(app, org, monkeypatch):
    """One agent escalates while another replies on the same version: the reply waits
    on the row lock, then is told of the escalation (409) with the ticket where it is
    now. (Loaded with its group in one locking query, PostgreSQL re-checked only the
    ticket row after the wait and joined no group at all: a 500, found by the soak.)"""
    with app.app_context():
        ticket, _ = new_ticket()
        reference, seen = ticket.reference, str(ticket.version)
    real_escalate = services.escalate
    locked = threading.Event()

    def slow_escalate(*args, **kwargs):
        real_escalate(*args, **kwargs)
        locked.set()
        time.sleep(0.5)  # hold the lock: the reply must wait on it

    monkeypatch.setattr(services, "escalate", slow_escalate)

    def post(who: str, path: str, data: dict) -> int:
        client = app.test_client()
        login(client, getattr(org.users, who))
        if who == "agent2":
            assert locked.wait(timeout=30)  # the escalation holds the row now
        return client.post(f"/arenden/{reference}/{path}", data=data).status_code

    with ThreadPoolExecutor(max_workers=2) as pool:
        escalated = pool.submit(
            post,
            "agent",
            "eskalera",
            {"escalate-group": str(org.groups.bygg), "escalate-version": seen},
        )
        replied = pool.submit(
            post, "agent2", "svara", {"reply-body": "Svar", "reply-version": seen}
        )
        assert escalated.result() == 302
        assert replied.result() == 409
    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
        assert ticket.group_id == org.groups.bygg
        kinds = db.session.scalars(select(Event.kind).where(Event.ticket_id == ticket.id)).all()
        assert EventKind.REPLY not in kinds
