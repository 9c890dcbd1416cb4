"""The API under simultaneous change: paging while tickets change and arrive, and the
same create sent at the same moment."""

from __future__ import annotations

import random
import threading

from sqlalchemy import func, select

from kundtjanst.extensions import db
from kundtjanst.tickets import services
from kundtjanst.tickets.models import Ticket

from .api_helpers import bearer, make_token, ticket_body


def _many(count: int) -> list[str]:
    references = []
    for n in range(count):
        ticket, _ = services.create_ticket(
            services.Contact(channel="web", subject=f"Fråga {n}", description="Text"),
            status_link=False,
        )
        references.append(ticket.reference)
    db.session.commit()
    return references


def test_paging_while_tickets_change_neither_repeats_nor_skips(app, org):
    with app.app_context():
        existing = _many(1000)
        token = make_token(("tickets:read",))
    stop = threading.Event()
    changes = {"notes": 0, "created": 0}

    def change_things():
        rng = random.Random(7)
        with app.app_context():
            while not stop.is_set():
                ticket = db.session.scalar(
                    select(Ticket).where(Ticket.reference == rng.choice(existing))
                )
                services.add_note(ticket, None, "Ändrad under tiden")
                changes["notes"] += 1
                if changes["notes"] % 5 == 0:
                    services.create_ticket(
                        services.Contact(channel="chat", subject="Ny", description="Text"),
                        status_link=False,
                    )
                    changes["created"] += 1
                db.session.commit()

    writer = threading.Thread(target=change_things)
    writer.start()
    client = app.test_client()
    seen: list[str] = []
    path = "/api/v1/tickets?limit=37"
    try:
        while path:
            page = client.get(path, headers=bearer(token))
            assert page.status_code == 200, page.json
            seen += [t["reference"] for t in page.json["items"]]
            path = (page.json["next"] or "").removeprefix("http://127.0.0.1:5000")
    finally:
        stop.set()
        writer.join()
    assert changes["notes"] > 10 and changes["created"] > 1  # things did change meanwhile
    assert len(seen) == len(set(seen)), "a ticket was listed twice"
    assert set(existing) <= set(seen), "a ticket that existed at the start was skipped"


def test_the_same_create_at_the_same_moment_makes_one_ticket(app, org):
    with app.app_context():
        token = make_token(("tickets:write",))
    answers = []
    start = threading.Barrier(6)

    def post():
        client = app.test_client()
        start.wait()
        answers.append(
            client.post(
                "/api/v1/tickets",
                json=ticket_body(),
                headers=bearer(token, **{"Idempotency-Key": "e-tjanst-991"}),
            )
        )

    threads = [threading.Thread(target=post) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [201] * 6
    assert len({a.json["reference"] for a in answers}) == 1
    assert sum(a.headers.get("Idempotent-Replayed") == "true" for a in answers) == 5
    with app.app_context():
        assert db.session.scalar(select(func.count(Ticket.id))) == 1
