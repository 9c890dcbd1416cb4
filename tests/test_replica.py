"""Heavy reads from a streaming replica, for real (kundtjanst/replica.py).

A private primary and a standby made from it with ``pg_basebackup -R`` (both private
clusters: tests/pgcluster.py), migrated and seeded through the primary. The same
figures come from the replica as from the primary; with the replica's replay paused
the dashboard, the API's lists and the export job show the old figures while a write,
the ticket page and the writer's own dashboard see the new; a replica too far behind
or stopped is passed over, with a warning in the log, and the dashboard keeps
answering from the primary.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import flask_migrate
import pytest
from flask import Flask
from sqlalchemy import select, text, update

from kundtjanst import replica
from kundtjanst.extensions import db
from kundtjanst.org.models import Department
from kundtjanst.tickets.models import Ticket

from .api_helpers import bearer, make_token
from .conftest import login, make_app
from .exporting import export
from .factories import Org, build_org, new_ticket
from .pgcluster import Cluster, initdb, require_binaries, wait_for_replay, wait_until
from .test_new_contact import contact

pytestmark = pytest.mark.postgres

FIGURES = "/statistik.json?period=month"
PAUSED = "SELECT pg_get_wal_replay_pause_state() = 'paused'"


@dataclass
class Replication:
    primary: Cluster
    standby: Cluster
    url: str  # the primary's database
    replica_url: str
    org: Org
    token: str  # an integration's API token


@pytest.fixture(scope="module")
def replication():
    require_binaries()
    primary = initdb()
    standby = None
    try:
        primary.start()
        standby = primary.standby()  # before the schema: all of it comes by streaming
        url = primary.create_database("kundtjanst")
        setup = make_app(url)
        with setup.app_context():
            flask_migrate.upgrade(revision="heads")
            org = build_org()
            for n in range(3):
                new_ticket(subject=f"Fråga {n} om bygglov", category_id=org.categories.bygglov)
            token = make_token()
            db.session.remove()
            db.engine.dispose()
        wait_for_replay(primary, standby)
        yield Replication(primary, standby, url, standby.url("kundtjanst"), org, token)
    finally:
        if standby is not None:
            standby.remove()
        primary.remove()


@pytest.fixture
def apps(replication):
    """(primary only, with the replica): two apps on the same primary."""
    made = [
        make_app(replication.url),
        # The replay is paused for a while below: no lag limit to speak of here.
        make_app(
            replication.url,
            DATABASE_REPLICA_URL=replication.replica_url,
            REPLICA_MAX_LAG_SECONDS=119,
        ),
    ]
    yield made
    for app in made:
        _dispose(app)


def _dispose(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
        if replica.EXTENSION in app.extensions:
            app.extensions[replica.EXTENSION].engine.dispose()


def _signed_in(app: Flask, user_id: int):
    client = app.test_client()
    login(client, user_id)  # straight into the session: no write
    return client


def _figures(client) -> dict:
    answer = client.get(FIGURES)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    return answer.get_json()


def _api(app: Flask, token: str, path: str) -> dict:
    answer = app.test_client().get(path, headers=bearer(token))
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    return answer.get_json()


def _references(listing: dict) -> set[str]:
    return {t["reference"] for t in listing["items"]}


def _ticket_scans(cluster: Cluster) -> int:
    """Scans of the tickets table this server has counted (a standby counts its own)."""
    row = cluster.execute(
        "SELECT seq_scan + coalesce(idx_scan, 0) FROM pg_stat_user_tables "
        "WHERE relname = 'tickets'",
        database="kundtjanst",
    )
    return row[0]


def _served(replication: Replication, app: Flask, before: int) -> None:
    """The replica read the tickets since ``before``: its connections are closed, and
    their backends report what they did as they exit."""
    app.extensions[replica.EXTENSION].engine.dispose()
    wait_until(
        lambda: _ticket_scans(replication.standby) > before, 10, "tickets read on the replica"
    )


def test_the_replica_gives_the_same_figures_as_the_primary(replication, apps):
    plain, split = apps
    manager = replication.org.users.manager
    before = _ticket_scans(replication.standby)
    assert _figures(_signed_in(split, manager)) == _figures(_signed_in(plain, manager))
    assert _signed_in(split, manager).get("/statistik").status_code == 200
    for path in ("/api/v1/statistics", "/api/v1/tickets?total=1"):
        from_replica = _api(split, replication.token, path)
        from_primary = _api(plain, replication.token, path)
        from_replica.pop("sync_from", None), from_primary.pop("sync_from", None)
        assert from_replica == from_primary
    assert _api(plain, replication.token, "/api/v1/tickets?total=1")["total"] == 3
    from_replica = export(split, _signed_in(split, manager), "period=month").get_data()
    assert from_replica == export(plain, _signed_in(plain, manager), "period=month").get_data()
    _served(replication, split, before)


def test_a_paused_replica_shows_the_old_figures_and_writes_see_the_new(replication, apps):
    plain, split = apps
    org = replication.org
    manager, agent = _signed_in(split, org.users.manager), _signed_in(split, org.users.agent)
    received, agents = _figures(manager)["received"], _figures(agent)["received"]
    replication.standby.execute("SELECT pg_wal_replay_pause()")
    try:
        wait_until(lambda: replication.standby.execute(PAUSED)[0], 10, "replay paused")
        # A write, through the app that has a replica: it goes to the primary.
        made = agent.post("/ny-kontakt", data=contact(org, subject="Hämtdag i Sjöstad"))
        assert made.status_code == 302
        with split.app_context():
            reference = db.session.scalar(
                select(Ticket.reference).where(Ticket.subject == "Hämtdag i Sjöstad")
            )
        # The heavy reads come from the replica, which has not replayed it …
        assert _figures(manager)["received"] == received
        assert reference not in _references(_api(split, replication.token, "/api/v1/tickets"))
        # … the primary has it, and so has every other page, and the writer's own.
        assert _figures(_signed_in(plain, org.users.manager))["received"] == received + 1
        assert reference in _references(_api(plain, replication.token, "/api/v1/tickets"))
        assert "Hämtdag i Sjöstad" in manager.get(f"/arenden/{reference}").get_data(as_text=True)
        assert _figures(agent)["received"] == agents + 1
        with agent.session_transaction() as session:  # the change was long ago
            session[replica.WROTE_AT] -= 60
        assert _figures(agent)["received"] == agents
        # The export job reads the tickets from the replica too.
        rows = export(split, _signed_in(split, org.users.manager), "period=month").get_data()
        assert reference.encode() not in rows and b"KT-" in rows
        _writes_inside_replica_reads_go_to_the_primary(split)
        _too_far_behind_reads_the_primary(replication, received + 1)
    finally:
        replication.standby.execute("SELECT pg_wal_replay_resume()")
    wait_for_replay(replication.primary, replication.standby)
    assert _figures(manager)["received"] == received + 1  # caught up


def _writes_inside_replica_reads_go_to_the_primary(app: Flask) -> None:
    """Inside `replica.reads()` a flush, an UPDATE and a SELECT … FOR UPDATE go to the
    primary (the replica would refuse them); a plain read goes to the replica."""
    with app.app_context():
        with replica.reads() as used:
            assert used is not None
            department = Department(name="Skrivs till primären")
            db.session.add(department)
            db.session.flush()
            db.session.execute(
                update(Department)
                .where(Department.id == department.id)
                .values(name="Skrevs till primären")
            )
            locked = db.session.execute(
                select(Department.name).where(Department.id == department.id).with_for_update()
            ).scalar()
            assert locked == "Skrevs till primären"
            assert db.session.execute(text("SELECT pg_is_in_recovery()")).scalar() is True
            db.session.commit()
        assert db.session.execute(text("SELECT pg_is_in_recovery()")).scalar() is False
        assert db.session.get(Department, department.id).name == "Skrevs till primären"
        db.session.remove()


def _too_far_behind_reads_the_primary(replication: Replication, received: int) -> None:
    """With a lag limit of one second, a replica that has not replayed a change for
    longer is passed over."""
    strict = make_app(
        replication.url, DATABASE_REPLICA_URL=replication.replica_url, REPLICA_MAX_LAG_SECONDS=1
    )
    try:
        time.sleep(1.5)
        assert _figures(_signed_in(strict, replication.org.users.manager))["received"] == received
    finally:
        _dispose(strict)


def test_a_stopped_replica_is_passed_over_with_a_warning(replication, apps, caplog, monkeypatch):
    """Stopped between two requests of a process that found it well a moment ago, the
    replica fails in the middle of a request (which is answered from the primary); a
    process that asks it anew finds it does not answer. Each warns once, and reads
    from the primary until the replica is back."""
    plain, split = apps
    manager = replication.org.users.manager
    expected = _figures(_signed_in(plain, manager))
    monkeypatch.setattr(replica, "CHECK_SECONDS", 60.0)  # found well: not asked again
    assert _figures(_signed_in(split, manager)) == expected
    fresh = make_app(replication.url, DATABASE_REPLICA_URL=replication.replica_url)
    caplog.set_level(logging.INFO, logger="kundtjanst.replica")
    replication.standby.stop("fast")
    try:
        for _ in range(3):
            for app in (split, fresh):
                assert _figures(_signed_in(app, manager)) == expected
                assert _signed_in(app, manager).get("/statistik").status_code == 200
        warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        assert sorted(warnings) == [  # once each, not at every request
            "Read replica does not answer (OperationalError): reading from the primary instead",
            "Read replica failed during a request: reading from the primary instead",
        ]
    finally:
        _dispose(fresh)
        replication.standby.start()
    # Once it answers again (asked after RETRY_SECONDS), the heavy reads go back to it.
    wait_for_replay(replication.primary, replication.standby)
    back = "Read replica answers again: heavy reads go to it"
    wait_until(
        lambda: _figures(_signed_in(split, manager)) == expected and back in caplog.messages,
        replica.RETRY_SECONDS + 10,
        "the replica in use again",
    )
    before = _ticket_scans(replication.standby)
    assert _figures(_signed_in(split, manager)) == expected
    _served(replication, split, before)
