"""What was written under secrecy never reaches anyone who may not read it, on any
surface: lists, search, ticket pages, status changes, exports, the dashboard's
drill-down, notifications (tests/test_jobs.py) and error pages — also after the ticket
was transferred out of the confidential group, after an administrator unticked the
group's flag, and when kundtjänst answered a confidential subject area's question at
once. Counts in statistics remain."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from flask import current_app
from openpyxl import load_workbook
from sqlalchemy import select

from kundtjanst.auth.models import User
from kundtjanst.core.vocabulary import Outcome
from kundtjanst.extensions import db
from kundtjanst.org.models import Category, Group
from kundtjanst.org.services import save_group
from kundtjanst.permissions import can_view, ticket_scope
from kundtjanst.stats.figures import clear_cache
from kundtjanst.tickets import services
from kundtjanst.tickets.models import Ticket

from .conftest import login
from .exporting import ask, export, run_export_job
from .factories import group_data, new_ticket, version_field

# What was written under secrecy in each of a scenario's two tickets, one open, one closed.
SUBJECT = "Hemlig ansökan om försörjningsstöd"
TEXT = "Jag heter Kim och saknar pengar till mat"
NAME = "Kim Konfidentiell"
NOTE = "Kim har skulder hos Kronofogden"
LEAKS = (SUBJECT, TEXT, NAME, NOTE, "kim@example.org")
CLOSED_SUBJECT = "Hemligt besked om försörjningsstöd"
CLOSED_TEXT = "Jag heter Robin och har inget boende"
CLOSED_NAME = "Robin Reservat"
CLOSED_REPLY = "Svar om ditt bistånd"
CLOSED_LEAKS = (CLOSED_SUBJECT, CLOSED_TEXT, CLOSED_NAME, CLOSED_REPLY, "robin@example.org")

WHO = ("agent", "agent2", "member", "member2", "other", "social", "manager", "admin")


def user(org, who: str) -> User:
    return db.session.get(User, getattr(org.users, who))


def group(org, slug: str) -> Group:
    return db.session.get(Group, getattr(org.groups, slug))


def in_social(org, *, closed: bool) -> Ticket:
    """A question about ekonomiskt bistånd, routed to Socialtjänst (confidential); the
    open one with an internal note."""
    subject, text, name, email = (
        (CLOSED_SUBJECT, CLOSED_TEXT, CLOSED_NAME, "robin@example.org")
        if closed
        else (SUBJECT, TEXT, NAME, "kim@example.org")
    )
    ticket, _ = new_ticket(
        subject=subject, description=text, category_id=org.categories.bistand, citizen_email=email
    )
    ticket.citizen_name = name
    if not closed:
        services.add_note(ticket, user(org, "social"), NOTE)
    return ticket


def close(ticket: Ticket, closer: User) -> None:
    if ticket.claimable and not ticket.group.is_frontline:
        services.claim(ticket, closer)
    services.resolve(ticket, closer, Outcome.ANSWERED, reply_body=CLOSED_REPLY)


def both_in_social(org) -> tuple[Ticket, Ticket]:
    open_ticket = in_social(org, closed=False)
    closed = in_social(org, closed=True)
    close(closed, user(org, "social"))
    return open_ticket, closed


def transferred_to(slug: str, closer: str):
    """Socialtjänst transfers both on ("wrong group"); the receiving group closes one."""

    def build(org) -> tuple[Ticket, Ticket]:
        social = user(org, "social")
        tickets = in_social(org, closed=False), in_social(org, closed=True)
        for ticket in tickets:
            services.claim(ticket, social)
            services.transfer(ticket, social, group(org, slug), "Fel grupp")
        close(tickets[1], user(org, closer))
        return tickets

    return build


def flag_unticked(org) -> tuple[Ticket, Ticket]:
    """An administrator unticks Socialtjänst's "confidential" afterwards."""
    tickets = both_in_social(org)
    social = group(org, "social")
    save_group(social, group_data(social, confidential=False))
    return tickets


def answered_at_first_contact(org) -> tuple[Ticket, Ticket]:
    """Ekonomiskt bistånd is a confidential subject area. Kundtjänst ("agent") logs a call
    it answers at once through Ny kontakt, and one it leaves open (routed on)."""
    db.session.get(Category, org.categories.bistand).confidential = True
    db.session.commit()
    agent = current_app.test_client()
    login(agent, org.users.agent)
    for action, (subject, text, name, email) in [
        ("answered", (CLOSED_SUBJECT, CLOSED_TEXT, CLOSED_NAME, "robin@example.org")),
        ("open", (SUBJECT, TEXT, NAME, "kim@example.org")),
    ]:
        response = agent.post(
            "/ny-kontakt",
            data={
                "channel": "phone",
                "category": str(org.categories.bistand),
                "subject": subject,
                "notes": text,
                "name": name,
                "email": email,
                "action": action,
            },
        )
        assert response.status_code == 302, response.get_data(as_text=True)
    closed = db.session.scalar(select(Ticket).where(Ticket.subject == CLOSED_SUBJECT))
    open_ticket = db.session.scalar(select(Ticket).where(Ticket.subject == SUBJECT))
    services.add_note(open_ticket, user(org, "social"), NOTE)
    return open_ticket, closed


@dataclass(frozen=True)
class Scenario:
    build: Callable[[Any], tuple[Ticket, Ticket]]  # (open, closed), not yet committed
    open_readers: frozenset[str]  # besides Socialtjänst's members, who always may
    closed_readers: frozenset[str]


SCENARIOS = {
    "in socialtjänst": Scenario(both_in_social, frozenset(), frozenset()),
    "transferred to kundtjänst": Scenario(
        transferred_to("kundtjanst", "agent2"),
        frozenset({"agent", "agent2"}),
        frozenset({"agent2"}),
    ),
    "transferred to bygglov": Scenario(
        transferred_to("bygg", "member2"), frozenset({"member", "member2"}), frozenset({"member2"})
    ),
    "group flag unticked": Scenario(flag_unticked, frozenset(), frozenset()),
    "answered at first contact": Scenario(
        answered_at_first_contact, frozenset({"agent"}), frozenset({"agent"})
    ),
}


def make(app, org, name: str) -> tuple[str, str]:
    clear_cache()
    with app.app_context():
        open_ticket, closed = SCENARIOS[name].build(org)
        db.session.commit()
        assert open_ticket.confidential and open_ticket.is_open
        assert closed.confidential and not closed.is_open
        return open_ticket.reference, closed.reference


@pytest.fixture
def secret(app, org):
    """One open and one closed ticket with social services (confidential)."""
    return make(app, org, "in socialtjänst")


def assert_no_leak(html: str, leaks=LEAKS + CLOSED_LEAKS, where: str = "") -> None:
    for text in leaks:
        assert text not in html, (where, text)


SURFACES = [
    "/inkorg",
    "/inkorg?q=försörjningsstöd",
    "/ko",
    "/ko/bygglov",
    "/ko/socialtjanst",
    "/mina",
    "/sok?q=försörjningsstöd",
    "/sok?q=Kim",
    "/sok?q=Robin",
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


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_no_surface_shows_contents_to_those_who_may_not_read_them(
    app, org, login_as, scenario, who
):
    """Whoever may not read a ticket finds nothing of what was written under secrecy,
    on any surface; whoever may reads it on its page. Socialtjänst's members always may."""
    refs = make(app, org, scenario)
    readers = SCENARIOS[scenario]
    reads_open = who == "social" or who in readers.open_readers
    reads_closed = who == "social" or who in readers.closed_readers
    hidden = (() if reads_open else LEAKS) + (() if reads_closed else CLOSED_LEAKS)
    client = login_as(who)
    today = date.today().isoformat()
    for surface in SURFACES:
        url = surface.format(open=refs[0], closed=refs[1], today=today)
        response = client.get(url)
        assert response.status_code != 500, url
        assert_no_leak(response.get_data(as_text=True), hidden, url)
    for ref, reads, shown in [(refs[0], reads_open, NOTE), (refs[1], reads_closed, CLOSED_TEXT)]:
        page = client.get(f"/arenden/{ref}")
        if reads:
            assert page.status_code == 200 and shown in page.get_data(as_text=True), ref
        else:
            assert page.status_code in (200, 404), ref  # 200: reference, status, group


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_the_filter_and_its_python_twin_agree(app, org, scenario):
    """`ticket_scope` (every listing) and `can_view` (a loaded ticket) say the same."""
    make(app, org, scenario)
    with app.app_context():
        tickets = list(db.session.scalars(select(Ticket)))
        for who in WHO:
            reader = user(org, who)
            in_scope = set(db.session.scalars(select(Ticket.id).where(ticket_scope(reader))))
            assert in_scope == {t.id for t in tickets if can_view(reader, t)}, who


def test_a_ticket_filed_after_the_flag_is_unticked_is_not_confidential(app, org, login_as):
    make(app, org, "group flag unticked")
    with app.app_context():
        later, _ = new_ticket(subject="Fråga efter beslutet", category_id=org.categories.bistand)
        assert later.group_id == org.groups.social and not later.confidential
        reference = later.reference
    for who in ("agent", "manager", "social"):
        page = login_as(who).get(f"/arenden/{reference}")
        assert "Fråga efter beslutet" in page.get_data(as_text=True), who


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
