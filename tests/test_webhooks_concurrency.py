"""Two schedulers sending at once (two threads, each with its own application
context and database session): every delivery is sent exactly once. Runs on the
database of the run: SQLite (conditional UPDATE) and PostgreSQL (FOR UPDATE SKIP
LOCKED)."""

from __future__ import annotations

import threading
from collections import Counter

from kundtjanst.extensions import db
from kundtjanst.webhooks.models import DELIVERED
from kundtjanst.webhooks.sending import deliver

from .factories import new_ticket
from .webhook_helpers import deliveries, subscribe

TICKETS = 25


def test_two_senders_send_each_delivery_once(app, org, receiver):
    with app.app_context():
        subscribe(receiver.url, ["ticket.created"])
        subscribe(receiver.url, ["ticket.created"])
        for n in range(TICKETS):
            new_ticket(subject=f"Fråga {n}")
        assert len(deliveries()) == 2 * TICKETS
    start = threading.Barrier(2)
    results, errors = [], []

    def sender():
        try:
            with app.app_context():
                start.wait()
                results.append(deliver())
                db.session.remove()
        except Exception as error:  # pragma: no cover - shown by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert sum(r[DELIVERED] for r in results) == 2 * TICKETS
    ids = Counter(r.headers["webhook-id"] for r in receiver.received)
    assert len(ids) == 2 * TICKETS and set(ids.values()) == {1}
    with app.app_context():
        rows = deliveries()
        assert {r.status for r in rows} == {DELIVERED} and {r.attempts for r in rows} == {1}
