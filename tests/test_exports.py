"""Exports as background work (kundtjanst.exports): asking answers at once, the job
writes the file as the requester, the page shows its state and progress, the file is
downloaded by the requester only, kept for a while and then deleted; failures say
so and can be asked for again; an export is never produced twice."""

from __future__ import annotations

import csv
import io
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl.worksheet._writer import ALL_TEMP_FILES
from sqlalchemy import func, select

from kundtjanst.auth.models import Role, User
from kundtjanst.core.timeutil import local_today, utcnow
from kundtjanst.exports import files, jobs, services
from kundtjanst.exports.models import Export, ExportChunk, ExportStatus
from kundtjanst.extensions import db
from kundtjanst.org.models import Category, Group
from kundtjanst.routing.models import RoutingRule
from kundtjanst.stats.exports import COLUMNS

from .exporting import ask, export, run_export_job
from .factories import make_user, new_ticket
from .stats_data import Clock


@pytest.fixture
def tickets(app, org) -> dict[str, str]:
    """Today: a question in kundtjänst, one routed straight to Bygglov, one for the
    confidential social services."""
    with app.app_context():
        bygglov = db.session.get(Category, org.categories.bygglov)
        group = db.session.get(Group, org.groups.bygg)
        db.session.add(RoutingRule(position=20, name="Bygglov", category=bygglov, group=group))
        db.session.commit()
        open_, _ = new_ticket(category_id=org.categories.avfall)
        bygg, _ = new_ticket(category_id=org.categories.bygglov)
        secret, _ = new_ticket(category_id=org.categories.bistand)
        assert secret.confidential and bygg.group_id == org.groups.bygg
        return {"open": open_.reference, "bygg": bygg.reference, "secret": secret.reference}


def references(response) -> set[str]:
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig")), delimiter=";"))
    assert tuple(rows[0]) == COLUMNS
    return {row[0] for row in rows[1:]}


def state(client, page: str) -> dict:
    return client.get(f"{page}.json").get_json()


def stored(app, page: str) -> Export:
    with app.app_context():
        export_ = db.session.get(Export, int(page.rsplit("/", 1)[1]))
        db.session.expunge(export_)
        return export_


def chunks(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ExportChunk))


def shown(html: str, element_id: str) -> bool:
    """The element is on the page and not hidden."""
    tag = re.search(rf'<[a-z]+ id="{element_id}"[^>]*>', html)
    assert tag, element_id
    return " hidden" not in tag.group(0)


def test_asking_answers_at_once_and_the_job_writes_the_file(app, login_as, tickets):
    manager = login_as("manager")
    dashboard = manager.get("/statistik?period=today").get_data(as_text=True)
    assert 'action="/statistik/exporter?period=today"' in dashboard
    assert 'value="xlsx"' in dashboard and 'href="/statistik/exporter"' in dashboard

    page = ask(manager, "period=today")
    html = manager.get(page).get_data(as_text=True)
    assert 'role="status">Väntar på att starta.' in html
    assert shown(html, "export-refresh") and shown(html, "export-progress-row")
    assert not shown(html, "export-download") and not shown(html, "export-again")
    assert '<script src="/static/js/export-status.js" defer></script>' in html
    assert state(manager, page)["status"] == "pending"
    assert manager.get(f"{page}/fil").status_code == 404
    assert chunks(app) == 0

    assert run_export_job(app) == {"done": 1}
    html = manager.get(page).get_data(as_text=True)
    assert "Klar: 2 rader" in html and shown(html, "export-download")
    assert f'href="{page}/fil"' in html and not shown(html, "export-refresh")
    assert state(manager, page) | {"message": ""} == {
        "status": "done",
        "unfinished": False,
        "message": "",
        "rows_done": 2,
        "rows_total": 2,
        "progress": "2 av 2 rader",
    }
    download = manager.get(f"{page}/fil")
    assert download.headers["Content-Disposition"].startswith('attachment; filename="arenden_')
    assert references(download) == {tickets["open"], tickets["bygg"]}
    listed = manager.get("/statistik/exporter").get_data(as_text=True)
    assert f'href="{page}"' in listed and "Klar" in listed
    assert run_export_job(app) == {}  # nothing left to do


def test_progress_moves(app, org, login_as, monkeypatch):
    with app.app_context():
        for _ in range(12):
            new_ticket()
    monkeypatch.setattr(files, "PROGRESS_ROWS", 3)
    monkeypatch.setattr(jobs, "PROGRESS_SECONDS", 0)
    manager = login_as("manager")
    page = ask(manager, "period=today", "xlsx")
    seen = []

    class Watched(jobs._Progress):
        def __call__(self, rows: int) -> None:
            super().__call__(rows)
            seen.append(state(manager, page))  # what the page's script reads meanwhile

    monkeypatch.setattr(jobs, "_Progress", Watched)
    assert run_export_job(app) == {"done": 1}
    assert [s["rows_done"] for s in seen] == [3, 6, 9, 12]
    assert {(s["status"], s["rows_total"]) for s in seen} == {("running", 12)}
    assert seen[1]["progress"] == "6 av 12 rader"
    assert state(manager, page)["status"] == "done"


def test_a_failed_export_says_so_and_can_be_asked_for_again(app, login_as, tickets, monkeypatch):
    def broken(*_args):
        raise OSError("No space left on device")

    monkeypatch.setattr(files, "write", broken)
    manager = login_as("manager")
    today = local_today()  # Stockholm's date: between 23 and 24 UTC it is not UTC's
    page = ask(manager, f"period=custom&from={today}&to={today}&channel=web")
    assert run_export_job(app) == {"failed": 1}
    html = manager.get(page).get_data(as_text=True)
    assert "Något gick fel när filen skapades. Du kan beställa den igen." in html
    assert shown(html, "export-again") and not shown(html, "export-download")
    assert state(manager, page)["status"] == "failed"
    assert manager.get(f"{page}/fil").status_code == 404
    again = re.search(r'<form id="export-again" method="post" action="([^"]+)"', html).group(1)
    assert "channel=web" in again.replace("&amp;", "&")

    monkeypatch.undo()
    response = manager.post(again.replace("&amp;", "&"), data={"format": "csv"})
    assert response.status_code == 303 and response.location != page
    assert run_export_job(app) == {"done": 1}
    assert references(manager.get(f"{response.location}/fil")) == {tickets["open"], tickets["bygg"]}


def test_more_rows_than_excel_holds_fail_with_a_message(app, login_as, tickets, monkeypatch):
    """Refused when counted first, or (tickets arriving meanwhile) when written."""
    monkeypatch.setattr(files, "XLSX_MAX_ROWS", 1)
    manager = login_as("manager")
    page = ask(manager, "period=today", "xlsx")
    assert run_export_job(app) == {"failed": 1}
    assert "fler frågor än ett Excel-blad rymmer" in manager.get(page).get_data(as_text=True)
    monkeypatch.setattr(files, "fits", lambda kind, rows: None)
    page = ask(manager, "period=today", "xlsx")
    openpyxl_files = list(ALL_TEMP_FILES)
    assert run_export_job(app) == {"failed": 1}
    assert "fler frågor än ett Excel-blad rymmer" in manager.get(page).get_data(as_text=True)
    assert list(ALL_TEMP_FILES) == openpyxl_files  # the half-written sheet's file is gone
    page = ask(manager, "period=today", "csv")  # CSV has no such limit
    assert run_export_job(app) == {"done": 1}


def test_an_expired_export_is_gone_and_its_bytes_deleted(app, login_as, tickets, monkeypatch):
    clock = Clock(monkeypatch, datetime.now(UTC))
    monkeypatch.setitem(app.config, "EXPORT_KEEP_HOURS", 2)
    manager = login_as("manager")
    page = ask(manager, "period=today")
    run_export_job(app)
    assert chunks(app) >= 1
    clock.advance(hours=1, minutes=59)
    assert manager.get(f"{page}/fil").status_code == 200

    clock.advance(minutes=1)  # past its time: gone at once, before the job has run
    assert manager.get(f"{page}/fil").status_code == 404
    assert state(manager, page)["status"] == "expired"
    assert run_export_job(app) == {"expired": 1}
    assert chunks(app) == 0
    assert stored(app, page).status == ExportStatus.EXPIRED
    html = manager.get(page).get_data(as_text=True)
    assert "Filen har tagits bort: exporter sparas i 2 timmar." in html
    assert shown(html, "export-again")
    assert "Borttagen" in manager.get("/statistik/exporter").get_data(as_text=True)

    clock.advance(days=31)  # a month on, it leaves the list too
    run_export_job(app)
    assert manager.get(page).status_code == 404


def test_only_the_requester_sees_or_downloads_it(app, org, login_as, tickets):
    with app.app_context():
        make_user("chef2@kommun.test", "Cecilia Chef", role=Role.MANAGER)
        db.session.commit()
        colleague_id = db.session.scalar(select(User.id).where(User.email == "chef2@kommun.test"))
    page = ask(login_as("manager"), "period=today")
    run_export_job(app)
    from .conftest import login

    colleague = app.test_client()
    login(colleague, colleague_id)
    for client in (colleague, login_as("admin"), login_as("social")):
        for url in (page, f"{page}.json", f"{page}/fil"):
            assert client.get(url).status_code == 404, url
        assert page not in client.get("/statistik/exporter").get_data(as_text=True)


def test_staff_export_their_own_groups_and_cannot_widen_it(app, org, login_as, tickets):
    agent = login_as("agent")
    before = chunks(app)
    response = agent.post(f"/statistik/exporter?group={org.groups.bygg}", data={"format": "csv"})
    assert response.status_code == 400
    assert "Exporten kunde inte beställas" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Export)) == 0
    assert chunks(app) == before
    # Bygglov's ticket never reached kundtjänst: not the agent's figures.
    assert references(export(app, agent, "period=today")) == {tickets["open"]}
    assert references(export(app, login_as("member"), "period=today")) == {tickets["bygg"]}
    with app.app_context():
        bygg_department = db.session.get(Group, org.groups.bygg).department_id
    assert references(export(app, agent, f"period=today&department={bygg_department}")) == set()


def test_the_job_uses_the_requesters_permissions_as_they_are_then(app, org, login_as, tickets):
    """Asked for as a member of the social services, produced after leaving them:
    without their tickets. A group filter no longer theirs, or no groups at all: refused."""
    social = login_as("social")
    everything = ask(social, "period=today")
    only_social = ask(social, f"period=today&group={org.groups.social}")
    with app.app_context():
        user = db.session.get(User, org.users.social)
        user.groups = [db.session.get(Group, org.groups.kundtjanst)]
        db.session.commit()
    assert run_export_job(app) == {"done": 1, "failed": 1}
    assert references(social.get(f"{everything}/fil")) == {tickets["open"]}
    html = social.get(only_social).get_data(as_text=True)
    assert "Du får inte längre se de här siffrorna" in html

    manager = login_as("manager")
    page = ask(manager, "period=today")
    with app.app_context():  # made a member of the social services meanwhile
        user = db.session.get(User, org.users.manager)
        user.groups = [db.session.get(Group, org.groups.social)]
        db.session.commit()
    run_export_job(app)
    assert tickets["secret"] in references(manager.get(f"{page}/fil"))

    page = ask(manager, "period=today")
    with app.app_context():  # no longer a manager, and in no group
        user = db.session.get(User, org.users.manager)
        user.role, user.groups = Role.STAFF, []
        db.session.commit()
    assert run_export_job(app) == {"failed": 1}


def test_an_export_whose_scheduler_died_is_tried_again_then_failed(app, login_as, tickets):
    manager = login_as("manager")
    page = ask(manager, "period=today")
    with app.app_context():
        dead = services.claim_next(utcnow() - timedelta(minutes=11))
        db.session.commit()
    assert dead.attempt == 1
    assert state(manager, page)["status"] == "running"
    assert run_export_job(app) == {"retried": 1, "done": 1}
    assert stored(app, page).attempt == 2
    with app.app_context():  # the first producer wakes up: it may store nothing
        with pytest.raises(services.Superseded):
            services.progress(dead, 1, utcnow())
        db.session.rollback()

    page = ask(manager, "period=today")
    for _ in range(2):  # two producers that die
        with app.app_context():
            services.claim_next(utcnow() - timedelta(minutes=11))
            db.session.commit()
            services.recover_stale(utcnow(), timedelta(minutes=10))
            db.session.commit()
    assert stored(app, page).status == ExportStatus.FAILED
    html = manager.get(page).get_data(as_text=True)
    assert "Exporten avbröts två gånger innan den blev klar." in html


def test_a_handful_of_exports_may_wait_at_a_time(app, login_as, tickets):
    manager = login_as("manager")
    for _ in range(services.MAX_WAITING):
        ask(manager, "period=today")
    response = manager.post("/statistik/exporter?period=today", data={"format": "csv"})
    assert response.status_code == 429
    assert "Du har redan 5 exporter på gång." in response.get_data(as_text=True)
    assert run_export_job(app) == {"done": services.MAX_WAITING}
    ask(manager, "period=today")


@pytest.mark.parametrize("body", [{}, {"format": "pdf"}, {"format": "csv\x00"}])
def test_a_format_we_do_not_make_is_refused(app, login_as, tickets, body):
    response = login_as("manager").post("/statistik/exporter", data=body)
    assert response.status_code == 400
    assert "Format:" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Export)) == 0


def test_the_job_is_quiet_when_there_is_nothing_to_do(app, login_as, tickets):
    """It looks for work every few seconds: an idle run is recorded as idle (and soon
    forgotten, see test_jobs); a run that wrote something as ok, with its counts."""
    from kundtjanst.jobs import registry, runner
    from kundtjanst.jobs.models import JobRun

    job = registry.load()["exports.produce"]
    assert job.quiet
    start = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    assert runner.run(app, job, start, "test").counts == {}
    page = ask(login_as("manager"), "period=today")
    assert runner.run(app, job, start + timedelta(seconds=5), "test").counts == {"done": 1}
    assert stored(app, page).status == ExportStatus.DONE
    with app.app_context():
        runs = db.session.execute(select(JobRun.outcome).order_by(JobRun.trigger_time)).all()
        assert [outcome for (outcome,) in runs] == ["idle", "ok"]


# --- two schedulers at once (real sessions: PostgreSQL) -------------------------------


@pytest.mark.postgres
def test_ten_claims_at_once_start_an_export_once(app, login_as, tickets):
    ask(login_as("manager"), "period=today")
    barrier = threading.Barrier(10)

    def claim(_):
        with app.app_context():
            barrier.wait()
            got = services.claim_next(utcnow())
            db.session.commit()
            return got

    with ThreadPoolExecutor(max_workers=10) as pool:
        claims = [c for c in pool.map(claim, range(10)) if c is not None]
    assert len(claims) == 1 and claims[0].attempt == 1


@pytest.mark.postgres
def test_two_job_runs_at_once_never_produce_one_export_twice(app, login_as, tickets, monkeypatch):
    pages = [ask(login_as(who), "period=today") for who in ("manager", "admin") for _ in range(3)]
    written, original = [], files.write
    lock = threading.Lock()

    def counted(kind, rows, progress, file):
        with lock:
            written.append(progress.claim.export_id)
        time.sleep(0.2)  # a slow file: the other run claims meanwhile
        return original(kind, rows, progress, file)

    monkeypatch.setattr(files, "write", counted)
    barrier = threading.Barrier(2)

    def run(_):
        with app.app_context():
            barrier.wait()
            counts = jobs.produce(utcnow())
            db.session.commit()
            return counts

    with ThreadPoolExecutor(max_workers=2) as pool:
        done = [c.get("done", 0) for c in pool.map(run, range(2))]
    ids = sorted(int(p.rsplit("/", 1)[1]) for p in pages)
    assert sum(done) == 6 and min(done) >= 1  # both ran, and shared the work
    assert sorted(written) == ids
    for page in pages:
        export_ = stored(app, page)
        assert export_.status == ExportStatus.DONE and export_.attempt == 1
