"""What scripts/backup.sh and scripts/restore.sh ask of the application itself, so that
every configuration layer counts (the environment, then instance/config.py):

    python scripts/backup_app.py paths
        the database URL in libpq's form (postgresql://…, for pg_dump and psql), the
        instance folder, the attachments' folder, and the database password, one a line
    python scripts/backup_app.py url URL
        URL (postgres://, postgresql:// or postgresql+psycopg://) in libpq's form, its
        database's name, the same server's maintenance database (postgres), and the
        password

The URLs come without their password, which the scripts hand to libpq's tools as
PGPASSWORD: a command line is visible to every user of the machine.
    python scripts/backup_app.py restored
        a restored database and folder: upgrades the schema (what `flask db upgrade`
        does: nothing when it is at head), frees the job lease (the backup's belonged
        to a scheduler of the old installation), then checks that the schema is at the
        migrations' head and that every attachment's bytes are there with the checksum
        its row keeps, and prints what it holds; exit 1 when something is wrong
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.engine import URL, make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# No key is needed here: a stand-in keeps create_app from generating
# instance/secret_key when neither SECRET_KEY nor that file is there.
STAND_IN_KEY = "backup-app-reads-settings-only-" + "x" * 32


def libpq(url: URL) -> str:
    if url.get_backend_name() != "postgresql":
        raise SystemExit(f"a PostgreSQL database is needed, not {url.drivername}")
    bare = URL.create("postgresql", url.username, None, url.host, url.port, url.database, url.query)
    return bare.render_as_string(hide_password=False)


def describe(given: str) -> list[str]:
    url = make_url(given)
    if not url.database:
        raise SystemExit("the URL names no database")
    return [libpq(url), url.database, libpq(url.set(database="postgres")), url.password or ""]


def application():
    """The application as configured. Imported in the functions that need it: `url`
    needs none of it, and answers at once."""
    from kundtjanst import create_app

    return create_app({"SECRET_KEY": STAND_IN_KEY})


def paths() -> list[str]:
    from kundtjanst.attachments.storage import store

    app = application()
    with app.app_context():
        attachments = store().root
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    return [libpq(url), app.instance_path, str(attachments), url.password or ""]


def _sha256(file_store, key: str) -> str | None:
    digest = hashlib.sha256()
    try:
        with file_store.open(key) as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
    except FileNotFoundError:
        return None
    return digest.hexdigest()


def restored() -> tuple[list[str], bool]:
    import flask_migrate

    app = application()
    from kundtjanst.attachments.models import Attachment
    from kundtjanst.attachments.storage import store
    from kundtjanst.auth.models import User
    from kundtjanst.core.timeutil import utcnow
    from kundtjanst.extensions import db
    from kundtjanst.jobs.models import SchedulerLease
    from kundtjanst.ops.queries import migrations
    from kundtjanst.tickets.models import Event, Ticket

    def count(model) -> int:
        return db.session.scalar(select(func.count()).select_from(model))

    with app.app_context():
        flask_migrate.upgrade()
        freed = db.session.execute(
            update(SchedulerLease)
            .where(SchedulerLease.holder.is_not(None))
            .values(holder=None, acquired_at=None, expires_at=utcnow())
        ).rowcount
        db.session.commit()
        schema = migrations()
        file_store = store()
        rows = db.session.execute(select(Attachment.storage_key, Attachment.sha256)).all()
        found = [_sha256(file_store, key) for key, _ in rows]
        missing = found.count(None)
        whole = sum(1 for (_, sha), got in zip(rows, found) if got == sha)
        lines = [
            f"scheduler lease: {'freed' if freed else 'free'}",
            f"schema: {schema.detail}",
            f"attachments: {whole} of {len(rows)} whole in {file_store.root}"
            + (f"; {missing} missing" if missing else "")
            + (f"; {len(rows) - whole - missing} damaged" if len(rows) - whole - missing else ""),
            f"tickets: {count(Ticket)}, timeline entries: {count(Event)}, users: {count(User)}",
        ]
    return lines, schema.ok and whole == len(rows)


def main(argv: list[str]) -> int:
    ok = True
    if argv == ["paths"]:
        lines = paths()
    elif len(argv) == 2 and argv[0] == "url":
        lines = describe(argv[1])
    elif argv == ["restored"]:
        lines, ok = restored()
    else:
        print(__doc__, file=sys.stderr)
        return 2
    print("\n".join(lines))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
