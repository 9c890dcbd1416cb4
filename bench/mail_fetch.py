"""How fast `flask mail fetch` imports a full mailbox.

Starts a private Dovecot (tests/imapserver.py), APPENDs N generated citizen mails
(a mix: plain text, HTML-only, with a small attachment, ISO-8859-1), migrates a fresh
database with a kundtjänst group, then times one `flask --app wsgi mail fetch` run as a
separate process (start-up included) and prints messages per minute.

    .venv/bin/python bench/mail_fetch.py                       # 2,000 mails, SQLite
    .venv/bin/python bench/mail_fetch.py --mails 500 --database-url postgresql://…

The PostgreSQL database given is emptied first (its public schema dropped). Needs
Dovecot (apt-get install dovecot-imapd).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.imapserver import Dovecot, dovecot_binary  # noqa: E402
from tests.mails import mail  # noqa: E402

SECRET = "bench-secret-" + "b" * 40


def messages(count: int) -> list[bytes]:
    made = []
    for n in range(count):
        sender = f"Person {n} <person{n % 400}@example.org>"
        kind = n % 4
        if kind == 0:
            made.append(
                mail(f"Fråga {n} om bygglov", f"Hej!\n\nFråga nummer {n}.\n", sender=sender)
            )
        elif kind == 1:
            html = f"<p>Hej,</p><p>fråga <b>{n}</b> om parkering</p>"
            made.append(mail(f"Parkering {n}", sender=sender, html=html, html_only=True))
        elif kind == 2:
            made.append(
                mail(
                    f"Ritning {n}",
                    "Se bifogad ritning.",
                    sender=sender,
                    attachments=[("ritning.pdf", "application/pdf", b"%PDF-1.4 " * 200)],
                )
            )
        else:
            body = f"Hälsningar från Göteborg, fråga {n}".encode("latin-1")
            made.append(
                f"From: {sender}\r\nTo: kundtjanst@sjostad.se\r\nSubject: Latin-1 {n}\r\n"
                f"Message-ID: <latin{n}@example.org>\r\nDate: Tue, 1 Dec 2026 09:00:00 +0100\r\n"
                "Content-Type: text/plain; charset=iso-8859-1\r\n\r\n".encode()
                + body
            )
    return made


def prepare_database(url: str) -> None:
    if url.startswith("postgresql"):
        from sqlalchemy import create_engine, text

        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    import flask_migrate

    from kundtjanst import create_app
    from tests.factories import build_org

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET})
    with app.app_context():
        flask_migrate.upgrade(revision="heads")
        build_org()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, default=2000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="kt-bench-")
    url = args.database_url or f"sqlite:///{folder}/bench.db"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    server = Dovecot(dovecot_binary()).start()
    try:
        prepare_database(url)
        started = time.monotonic()
        server.append_many(messages(args.mails))
        print(f"appended {args.mails} mails in {time.monotonic() - started:.1f} s")
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "SECRET_KEY": SECRET,
            "KUNDTJANST_MAIL_FROM": "noreply@sjostad.se",
            **{f"KUNDTJANST_{k}": str(v) for k, v in server.config().items()},
        }
        command = [sys.executable, "-m", "flask", "--app", "wsgi", "mail", "fetch"]
        started = time.monotonic()
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        seconds = time.monotonic() - started
        if result.returncode != 0:
            print(result.stderr, file=sys.stderr)
            return 1
        print(f"flask mail fetch: {result.stdout.strip()}")
        print(f"{args.mails} mails in {seconds:.1f} s: {args.mails / seconds * 60:,.0f} per minute")
        print(f"database: {url.split('@')[-1]}")
        print(f"load: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
        left = server.count(criterion="UNSEEN")
        print(f"unseen left on the server: {left}")
        return 0 if left == 0 else 1
    finally:
        server.stop()


if __name__ == "__main__":
    raise SystemExit(main())
