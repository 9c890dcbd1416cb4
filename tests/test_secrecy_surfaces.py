"""A confidential group's ticket contents never reach a non-member, on any surface:
lists, search, ticket pages, status changes, exports, the dashboard's drill-down,
notifications (tests/test_jobs.py) and error pages. Counts in statistics remain."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from kundtjanst.auth.models import User
from kundtjanst.core.vocabulary import Outcome
from kundtjanst.extensions import db
from kundtjanst.stats.figures import clear_cache
from kundtjanst.tickets import services

from .exporting import ask, export, run_export_job
from .factories import new_ticket, version_field

SUBJECT = "Hemlig ansökan om försörjningsstöd"
TEXT = "Jag heter Kim och saknar pengar till mat"
NAME = "Kim Konfidentiell"
LEAKS = (SUBJECT, TEXT, NAME, "kim@example.org")


@pytest.fixture
def secret(app, org):
    """One open and one closed ticket with social services (confidential)."""
    clear_cache()
    with app.app_context():
        open_ticket, _ = new_ticket(
            subject=SUBJECT,
            description=TEXT,
            category_id=org.categories.bistand,
            citizen_email="kim@example.org",
        )
        open_ticket.citizen_name = NAME
        closed, _ = new_ticket(
            subject=SUBJECT + " 2",
            description=TEXT,
            category_id=org.categories.bistand,
            citizen_email="kim@example.org",
        )
        social = db.session.get(User, org.users.social)
        services.claim(closed, social)
        services.resolve(closed, social, Outcome.ANSWERED, reply_body="Svar om bistånd")
        db.session.commit()
        assert open_ticket.confidential and closed.confidential
        return open_ticket.reference, closed.reference


def assert_no_leak(html: str) -> None:
    for text in LEAKS:
        assert text not in html, text


SURFACES = [
    "/inkorg",
    "/inkorg?q=försörjningsstöd",
    "/ko",
    "/mina",
    "/sok?q=försörjningsstöd",
    "/sok?q=Kim",
    "/sok?q=example.org",
    "/statistik?period=today",
    "/statistik.json?period=today",
    "/statistik/arenden?period=today&measure=received",
    "/statistik/arenden?period=today&measure=resolved",
    "/statistik/arenden?period=today&measure=backlog",
    "/statistik/kontaktlista.csv?date={today}",
    "/arenden/{open}",
    "/arenden/{closed}",
    "/arenden/{open}/nonexistent",
    "/admin/",
]


@pytest.mark.parametrize("who", ["agent", "member", "other", "manager", "admin"])
@pytest.mark.parametrize("surface", SURFACES)
def test_no_surface_shows_contents_to_non_members(login_as, secret, who, surface):
    from datetime import date

    url = surface.format(open=secret[0], closed=secret[1], today=date.today().isoformat())
    response = login_as(who).get(url)
    assert response.status_code != 500
    assert_no_leak(response.get_data(as_text=True))


@pytest.mark.parametrize("who", ["agent", "member", "other", "manager", "admin"])
def test_exports_leave_them_out_for_non_members(app, login_as, secret, who):
    client = login_as(who)
    for kind in ("csv", "xlsx"):
        page = ask(client, "period=today", kind)
        run_export_job(app)
        for url in (page, f"{page}.json"):
            assert_no_leak(client.get(url).get_data(as_text=True))
        data = client.get(f"{page}/fil").get_data()
        if kind == "csv":
            text = data.decode("utf-8-sig")
            assert_no_leak(text)
            assert not any(reference in text for reference in secret)
        else:
            rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
            assert not any(row[0] in secret for row in rows[1:])


def test_members_see_them_everywhere(app, login_as, secret):
    member = login_as("social")
    assert secret[0] in member.get("/ko/socialtjanst").get_data(as_text=True)
    assert SUBJECT in member.get(f"/arenden/{secret[0]}").get_data(as_text=True)
    assert secret[0] in member.get("/sok?q=försörjningsstöd").get_data(as_text=True)
    csv = export(app, member, "period=today").get_data().decode("utf-8-sig")
    assert secret[0] in csv and secret[1] in csv


def test_counts_include_them(login_as, secret):
    body = login_as("manager").get("/statistik.json?period=today").get_json()
    assert body["received"] == 2
    assert body["resolved"] == 1
    html = (
        login_as("manager")
        .get("/statistik/arenden?period=today&measure=received")
        .get_data(as_text=True)
    )
    assert "2 ärenden som handläggs under sekretess räknas men visas inte." in html


def test_status_changes_by_staff_reveal_no_contents(app, login_as, org, secret):
    """Moving a ticket into secrecy: the person who moved it is told where it went,
    and from then on sees reference, status and group only."""
    with app.app_context():
        ticket, _ = new_ticket(subject="Behöver prata om hyran och skulder")
        ref = ticket.reference
    agent = login_as("agent")
    response = agent.post(
        f"/arenden/{ref}/eskalera",
        data={"escalate-group": str(org.groups.social), **version_field(agent, ref, "escalate")},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Behöver prata om hyran" not in html
    page = agent.get(f"/arenden/{ref}").get_data(as_text=True)
    assert "Behöver prata om hyran" not in page and "Socialtjänst" in page


@pytest.mark.parametrize("who", ["agent", "other", "manager"])
def test_error_pages_reveal_nothing(login_as, secret, who):
    client = login_as(who)
    for url, data in [
        (f"/arenden/{secret[0]}/svara", {"reply-body": "x"}),
        (f"/arenden/{secret[0]}/avsluta", {"resolve-outcome": "answered"}),
        (f"/arenden/{secret[0]}/ta", {}),
    ]:
        response = client.post(url, data=data)
        assert response.status_code == 404
        assert_no_leak(response.get_data(as_text=True))
        assert secret[0] not in response.get_data(as_text=True)
