"""The outbox's send rate to a local SMTP sink, with one sender and with two.

Queues N citizen-sized messages (a plain-text and an HTML part, threading headers)
in the outbox of a fresh database, starts an SMTP sink (aiosmtpd) on a free loopback
port, and times `mail.services.deliver` draining it: once with one sender, once
with two senders at the same time (threads, each with its own database session).
Afterwards it checks that the sink received every Message-ID exactly once.

    .venv/bin/python bench/mail_send.py                        # PostgreSQL, 2,000 messages
    .venv/bin/python bench/mail_send.py --messages 500 --database-url sqlite:////tmp/b.db

Not part of `make test`. Prints messages per minute and the load average.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.soak.cluster import fresh_database as fresh_postgres  # noqa: E402
from tests.soak.sinks import MailSink  # noqa: E402

BODY = (
    "Hej!\n\nHär är vårt svar på din fråga KT-2026-000123:\n\n"
    + "Du kan ansöka om parkeringstillstånd på kommunens webbplats. " * 12
    + "\n\nVänliga hälsningar\nKundtjänst, Sjöstads kommun\n"
)
HTML = "<!doctype html><html lang=sv><body><p>" + BODY.replace("\n", "<br>") + "</p></body></html>"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument(
        "--database-url",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/kundtjanst_bench_mail",
    )
    args = parser.parse_args()
    if args.database_url.startswith("postgresql"):
        fresh_postgres(args.database_url)
    elif args.database_url.startswith("sqlite:///"):
        Path(args.database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = args.database_url

    from flask_migrate import upgrade

    from kundtjanst import create_app
    from kundtjanst.extensions import db
    from kundtjanst.mail import services
    from kundtjanst.mail.models import REPLY

    sink = MailSink().start()
    port = sink.port
    app = create_app(
        {
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": port,
            "MAIL_FROM": "Sjöstads kommun <noreply@sjostad.se>",
            "TESTING": True,  # .test addresses pass the address check
        }
    )
    with app.app_context():
        upgrade(directory=str(ROOT / "kundtjanst" / "migrations"))

    def fill() -> None:
        with app.app_context():
            for n in range(args.messages):
                services.queue(
                    [f"person{n}@example.org"],
                    f"[KT-2026-{n:06d}] Svar på din fråga: Parkeringstillstånd",
                    BODY,
                    kind=REPLY,
                    html=HTML,
                    reply_to="kundtjanst@sjostad.se",
                    in_reply_to="<root@example.org>",
                    references="<root@example.org>",
                )
            db.session.commit()

    def drain(senders: int) -> float:
        def one() -> None:
            with app.app_context():
                services.deliver()

        started = time.perf_counter()
        threads = [threading.Thread(target=one) for _ in range(senders)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return time.perf_counter() - started

    print(f"load average before: {os.getloadavg()}")
    results = {}
    for senders in (1, 2):
        fill()
        before = sum(sink.ids.values())
        seconds = drain(senders)
        sent = sum(sink.ids.values()) - before
        results[senders] = sent / seconds * 60
        print(
            f"{senders} sender(s): {sent} messages in {seconds:.1f} s = "
            f"{results[senders]:,.0f} a minute"
        )
    sink.stop()
    twice = [message_id for message_id, count in sink.ids.items() if count > 1]
    print(f"received {len(sink.ids)} distinct Message-IDs, {len(twice)} more than once")
    print(f"load average after: {os.getloadavg()}")
    if twice or len(sink.ids) != 2 * args.messages:
        sys.exit("FAILED: not every message arrived exactly once")


if __name__ == "__main__":
    main()
