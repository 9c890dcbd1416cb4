"""Webhook deliveries per second to a local receiver, with one sender and with two.

Makes a fresh database, one subscription to an HTTP receiver on a free loopback port
(http.server, threads; it answers 200 at once), writes N deliveries with a
ticket-sized body, and times `webhooks.sending.deliver` draining them: once with one
sender, once with two at the same time (threads, each with its own database
session). Every delivery is a real signed POST on a new connection, an attempt row
and a commit. Afterwards it checks that every webhook-id arrived exactly once.

    .venv/bin/python bench/webhooks.py                          # PostgreSQL, 2,000 deliveries
    .venv/bin/python bench/webhooks.py --deliveries 500 --database-url sqlite:////tmp/w.db

Not part of `make test`. Prints deliveries per second and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.soak.cluster import fresh_database as fresh_postgres  # noqa: E402
from tests.soak.sinks import HookReceiver  # noqa: E402

PAYLOAD = {
    "type": "ticket.resolved",
    "timestamp": "2026-12-04T10:00:00Z",
    "data": {
        "reference": "KT-2026-000123",
        "url": "https://kundtjanst.sjostad.se/api/v1/tickets/KT-2026-000123",
        "status": "resolved",
        "channel": "web",
        "priority": "normal",
        "group": {"id": 3, "slug": "bygglov", "name": "Bygglov och bostadsanpassning"},
        "category": {"id": 7, "name": "Bygglov"},
        "confidential": False,
        "subject": "Behöver jag bygglov för ett plank?",
        "outcome": "answered",
        "first_contact": False,
        "created_at": "2026-12-01T08:12:00Z",
        "resolved_at": "2026-12-04T10:00:00Z",
        "event": {"id": 991, "kind": "resolved", "at": "2026-12-04T10:00:00Z"},
    },
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deliveries", type=int, default=2000)
    parser.add_argument(
        "--database-url",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/kundtjanst_bench_webhooks",
    )
    args = parser.parse_args()
    if args.database_url.startswith("postgresql"):
        fresh_postgres(args.database_url)
    elif args.database_url.startswith("sqlite:///"):
        Path(args.database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = args.database_url

    from flask_migrate import upgrade

    from kundtjanst import create_app
    from kundtjanst.core.timeutil import utcnow
    from kundtjanst.core.webhooksign import new_webhook_id
    from kundtjanst.extensions import db
    from kundtjanst.webhooks import services
    from kundtjanst.webhooks.models import PENDING, WebhookDelivery
    from kundtjanst.webhooks.sending import deliver

    receiver = HookReceiver().start()
    app = create_app({"TESTING": True, "WEBHOOK_ALLOW_NETWORKS": "127.0.0.0/8"})
    with app.app_context():
        upgrade(directory=str(ROOT / "kundtjanst" / "migrations"))
        sub, _secret = services.subscribe(receiver.url, ["ticket.resolved"])
        db.session.commit()
        sub_id = sub.id
    body = json.dumps(PAYLOAD, ensure_ascii=False, separators=(",", ":"))

    def fill() -> None:
        with app.app_context():
            now = utcnow()
            db.session.add_all(
                WebhookDelivery(
                    subscription_id=sub_id,
                    webhook_id=new_webhook_id(),
                    type="ticket.resolved",
                    payload=body,
                    status=PENDING,
                    attempts=0,
                    created_at=now,
                    cycle_started_at=now,
                    next_attempt_at=now,
                )
                for _ in range(args.deliveries)
            )
            db.session.commit()

    def drain(senders: int) -> float:
        def one() -> None:
            with app.app_context():
                deliver()
                db.session.remove()

        started = time.perf_counter()
        threads = [threading.Thread(target=one) for _ in range(senders)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return time.perf_counter() - started

    print(f"database: {args.database_url.split('://')[0]}")
    print(f"load average before: {os.getloadavg()}")
    for senders in (1, 2):
        fill()
        before = sum(receiver.ids.values())
        seconds = drain(senders)
        sent = sum(receiver.ids.values()) - before
        rate = sent / seconds
        print(f"{senders} sender(s): {sent} deliveries in {seconds:.1f} s = {rate:,.0f}/s")
    receiver.stop()
    twice = [webhook_id for webhook_id, count in receiver.ids.items() if count > 1]
    print(f"received {len(receiver.ids)} distinct webhook-ids, {len(twice)} more than once")
    print(f"load average after: {os.getloadavg()}")
    if twice or len(receiver.ids) != 2 * args.deliveries:
        sys.exit("FAILED: not every delivery arrived exactly once")


if __name__ == "__main__":
    main()
