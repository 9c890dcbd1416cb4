"""Fixtures: one migrated database per run (SQLite file, or PostgreSQL when
TEST_DATABASE_URL is set), emptied after every test; an app; clients logged in
as each kind of user.

Tests do their own database work inside ``with app.app_context():`` so that a
request made by the test client gets an application context (and a database
session, and a current user) of its own, as in production.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

import flask_migrate
import pytest
from sqlalchemy import create_engine, make_url, text

from kundtjanst import create_app
from kundtjanst.config import normalise_database_url
from kundtjanst.extensions import db

from .factories import Org, build_org

PG_URL = os.environ.get("TEST_DATABASE_URL")
TEST_SECRET = "test-secret-key-" + "k" * 32
# Attached files of a test run: never the instance folder of the working copy.
ATTACHMENT_DIR = tempfile.mkdtemp(prefix="kundtjanst-attachments-")


def pytest_report_header(config):
    return f"database: {'PostgreSQL ' + PG_URL if PG_URL else 'SQLite'}"


def pytest_collection_modifyitems(config, items):
    if PG_URL:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: the PostgreSQL run of `make test` covers it")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _worker_database(url: str) -> str:
    """Under pytest-xdist each worker gets a PostgreSQL database of its own, named
    after the run's with the worker's id (``kundtjanst_test_gw0``), made when missing."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    base = make_url(url)
    mine = base.set(database=f"{base.database}_{worker}")
    server = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        exists = conn.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": mine.database}
        )
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{mine.database}"'))
    server.dispose()
    return mine.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    if PG_URL:
        url = _worker_database(normalise_database_url(PG_URL))
        _reset_postgres(url)
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")


def make_app(database_url: str, **overrides):
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "SECRET_KEY": TEST_SECRET,
        "PAGE_SIZE": 5,
        # Login throttling counts across a whole run: off unless a test turns it on
        # (tests/test_login_throttling.py does, with the real limits).
        "RATELIMIT_ENABLED": False,
        "ATTACHMENT_DIR": ATTACHMENT_DIR,
    }
    config.update(overrides)
    return create_app(config)


@contextmanager
def another_app(database_url: str, **overrides) -> Iterator:
    """A second application on the test database (other settings), its connections
    closed at the end: one left open fails the run (a ResourceWarning is an error)."""
    app = make_app(database_url, **overrides)
    try:
        yield app
    finally:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def app(database_url):
    app = make_app(database_url)
    with app.app_context():
        flask_migrate.upgrade(revision="heads")  # the schema comes from the migrations
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _empty_database(request) -> Iterator[None]:
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            # Only the tables the test wrote to: one question finds them, where a
            # DELETE on every table (and the audit trigger's switching off and on)
            # cost PostgreSQL most of a tenth of a second after every test.
            used = {row[0] for row in conn.execute(text(_used_tables_sql(conn.dialect)))}
            for table in reversed(db.metadata.sorted_tables):
                if table.name not in used:
                    continue
                if table.name == "audit_entries":
                    empty_audit_log(conn)
                else:
                    conn.execute(table.delete())


_USED: dict[str, str] = {}


def _used_tables_sql(dialect) -> str:
    """A query naming every table that holds a row."""
    if dialect.name not in _USED:
        quote = dialect.identifier_preparer.quote
        _USED[dialect.name] = " UNION ALL ".join(
            f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM {quote(t.name)})"
            for t in db.metadata.sorted_tables
        )
    return _USED[dialect.name]


def empty_audit_log(conn) -> None:
    """The database refuses to delete audit entries (a trigger); only switching the
    trigger off, which takes a schema change, lets the tests start afresh."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("ALTER TABLE audit_entries DISABLE TRIGGER USER"))
        conn.execute(text("DELETE FROM audit_entries"))
        conn.execute(text("ALTER TABLE audit_entries ENABLE TRIGGER USER"))
        return
    triggers = conn.execute(
        text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"),
        {"t": "audit_entries"},
    ).all()
    for name, _sql in triggers:
        conn.execute(text(f'DROP TRIGGER "{name}"'))
    conn.execute(text("DELETE FROM audit_entries"))
    for _name, sql in triggers:
        conn.execute(text(sql))


@pytest.fixture
def org(app) -> Org:
    """A small municipality: kundtjänst, two svarsgrupper, a confidential one, users."""
    with app.app_context():
        return build_org()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def login(client, user_id: int) -> None:
    """Log a test client in as a user without paying for a password hash."""
    from kundtjanst.auth.models import User

    with client.application.app_context():
        session_id = db.session.get(User, user_id).get_id()  # "<id>:<session version>"
    with client.session_transaction() as session:
        session["_user_id"] = session_id
        session["_fresh"] = True


@pytest.fixture
def login_as(app, org):
    """``login_as("agent")`` → a test client logged in as that user of `org`."""

    def make(who: str):
        c = app.test_client()
        if who != "anonymous":
            login(c, getattr(org.users, who))
        return c

    return make


from .imapserver import dovecot_server, mailbox  # noqa: E402, F401  (fixtures)
from .webhook_helpers import loopback, receiver  # noqa: E402, F401  (fixtures)
