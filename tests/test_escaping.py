"""Stored markup is shown as text (issue 6, item 6): script in every field a citizen,
a member of staff or an administrator can store comes back escaped on every page
that shows it, never as markup. (tests/browser/test_xss.py opens the same pages in
Chromium and checks that nothing runs.)"""

from __future__ import annotations

import re

import pytest
from markupsafe import escape
from sqlalchemy import select

from kundtjanst.auth.models import User
from kundtjanst.extensions import db
from kundtjanst.org.models import Category, Department, Group

from .factories import version_field


def payload(where: str) -> str:
    """Markup that would run if a page put it in as it is; one per field, to tell
    which field a page shows."""
    return f"<script>document.title='pwned {where}'</script><img src=x onerror=alert('{where}')>"


FIELDS = (
    "subject",
    "question",
    "citizen",
    "reply",
    "note",
    "message",
    "handoff",
    "resolve_note",
    "referred",
    "department",
    "group",
    "category",
    "reason",
    "rule",
    "user",
)
P = {f: payload(f) for f in FIELDS}


def assert_escaped(html: str, shown: tuple[str, ...], page: str) -> None:
    assert "<script>document.title" not in html, f"raw script on {page}"
    assert "<img src=x onerror" not in html, f"raw img on {page}"
    for name in shown:
        assert str(escape(P[name])) in html, f"{name} not shown escaped on {page}"


@pytest.fixture
def stored(app, org, login_as) -> dict:
    """Every field filled with markup through the real forms."""
    admin = login_as("admin")

    def ok(response):
        assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
        return response

    ok(admin.post("/admin/forvaltningar/ny", data={"name": P["department"]}))
    with app.app_context():
        department = db.session.scalar(
            select(Department.id).where(Department.name == P["department"])
        )
    ok(
        admin.post(
            "/admin/grupper/ny",
            data={
                "slug": "hemlig",
                "name": P["group"],
                "kind": "answer",
                "department_id": str(department),
                "active": "y",
            },
        )
    )
    with app.app_context():
        group = db.session.scalar(select(Group).where(Group.slug == "hemlig"))
        group_id = group.id
        # The answer group's member, renamed by an administrator below.
        member = db.session.get(User, org.users.member)
        member.groups.append(group)
        db.session.commit()
    ok(
        admin.post(
            "/admin/kategorier/ny",
            data={
                "name": P["category"],
                "default_group_id": str(group_id),
                "sla_hours": "16",
                "answer_sla_hours": "24",
                "retention_months": "24",
                "active": "y",
            },
        )
    )
    with app.app_context():
        category_id = db.session.scalar(select(Category.id).where(Category.name == P["category"]))
    ok(admin.post("/admin/orsaker/ny", data={"name": P["reason"], "active": "y"}))
    ok(
        admin.post(
            "/admin/regler/ny",
            data={"name": P["rule"], "keywords": "zzz", "group_id": str(org.groups.miljo)},
        )
    )
    with app.app_context():  # (the test e-mail addresses would not pass the user form)
        db.session.get(User, org.users.member).name = P["user"]
        db.session.commit()

    citizen = app.test_client()
    ok(
        citizen.post(
            "/fraga",
            data={
                "category": str(category_id),
                "subject": P["subject"],
                "question": P["question"],
                "name": P["citizen"],
                "email": "eva@example.org",
            },
        )
    )
    receipt = citizen.get("/fraga/skickad").get_data(as_text=True)
    ref = re.search(r"KT-\d{4}-\d{6}", receipt).group(0)
    token = re.search(r"/arende/([A-Za-z0-9_-]+)", receipt).group(1)

    agent = login_as("agent")
    ok(
        agent.post(
            f"/arenden/{ref}/anteckning",
            data={"note-body": P["note"], **version_field(agent, ref, "note")},
        )
    )
    ok(
        agent.post(
            f"/arenden/{ref}/svara",
            data={"reply-body": P["reply"], **version_field(agent, ref, "reply")},
        )
    )
    ok(citizen.post(f"/arende/{token}", data={"message": P["message"]}))
    ok(
        agent.post(
            f"/arenden/{ref}/eskalera",
            data={
                "escalate-group": str(group_id),
                "escalate-note": P["handoff"],
                **version_field(agent, ref, "escalate"),
            },
        )
    )
    member_client = login_as("member")
    ok(member_client.post(f"/arenden/{ref}/ta"))
    return {
        "ref": ref,
        "token": token,
        "group_id": group_id,
        "category_id": category_id,
        "department_id": department,
        "citizen": citizen,
        "member": member_client,
    }


def test_the_ticket_page_shows_every_stored_field_escaped(stored):
    html = stored["member"].get(f"/arenden/{stored['ref']}").get_data(as_text=True)
    shown = ("subject", "question", "citizen", "reply", "note", "message", "handoff")
    assert_escaped(html, (*shown, "group", "category", "user", "reason"), "the ticket page")


def test_a_closed_ticket_shows_its_outcome_escaped(stored, login_as):
    member = stored["member"]
    ref = stored["ref"]
    response = member.post(
        f"/arenden/{ref}/avsluta",
        data={
            "resolve-outcome": "referred",
            "resolve-referred_to": P["referred"][:200],
            "resolve-note": P["resolve_note"],
            **version_field(member, ref, "resolve"),
        },
    )
    assert response.status_code == 302
    html = member.get(f"/arenden/{ref}").get_data(as_text=True)
    assert_escaped(html, ("referred", "resolve_note"), "the closed ticket")


def test_a_refused_form_shows_what_was_written_escaped(stored):
    """A form shown again (errors, or the ticket changed meanwhile) carries the text."""
    member, ref = stored["member"], stored["ref"]
    stale = member.post(
        f"/arenden/{ref}/svara", data={"reply-body": P["reply"], "reply-version": "1"}
    )
    assert stale.status_code == 409
    assert_escaped(stale.get_data(as_text=True), ("reply",), "the 409 page")
    too_long = member.post(
        f"/arenden/{ref}/svara",
        data={"reply-body": P["reply"] + "x" * 10_001, **version_field(member, ref, "reply")},
    )
    assert too_long.status_code == 400
    assert_escaped(too_long.get_data(as_text=True), ("reply",), "the 400 page")


def test_the_citizen_status_page(stored):
    html = stored["citizen"].get(f"/arende/{stored['token']}").get_data(as_text=True)
    assert_escaped(html, ("subject", "question", "reply", "message"), "the status page")
    assert str(escape(P["note"])) not in html  # internal, never shown to the citizen


def test_lists(stored, login_as, org):
    member = stored["member"]
    assert_escaped(member.get("/mina").get_data(as_text=True), ("subject", "category"), "mine")
    assert_escaped(
        member.get("/sok?q=pwned").get_data(as_text=True), ("subject", "category"), "search"
    )
    html = member.get("/ko").get_data(as_text=True)
    assert_escaped(html, ("group",), "the queues")
    agent = login_as("agent")
    html = agent.get("/inkorg").get_data(as_text=True)
    assert_escaped(html, ("category",), "the inbox filters")


def test_the_dashboard_and_its_drill_down(stored, login_as):
    manager = login_as("manager")
    html = manager.get("/statistik?period=today").get_data(as_text=True)
    assert_escaped(html, ("group", "category", "department"), "the dashboard")
    html = manager.get("/statistik/arenden?period=today&measure=received").get_data(as_text=True)
    assert_escaped(html, ("subject", "category"), "the drill-down")
    data = manager.get("/statistik.json?period=today").get_data(as_text=True)
    assert "<script>" not in data


def test_forms_that_offer_stored_names(stored, login_as):
    assert_escaped(login_as("anonymous").get("/fraga").get_data(as_text=True), ("category",), "ask")
    html = login_as("agent").get("/ny-kontakt").get_data(as_text=True)
    assert_escaped(html, ("category", "group"), "new contact")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("/admin/forvaltningar", ("department", "group")),
        ("/admin/grupper", ("group", "department")),
        ("/admin/kategorier", ("category", "group")),
        ("/admin/orsaker", ("reason",)),
        ("/admin/regler", ("rule",)),
        ("/admin/anvandare", ("user", "group")),
        ("/admin/grupper/{group_id}/redigera", ("group", "department")),
        ("/admin/kategorier/{category_id}/redigera", ("category", "group")),
        ("/admin/forvaltningar/{department_id}/redigera", ("department",)),
        ("/admin/logg", ()),
    ],
)
def test_administration_pages(stored, login_as, url, shown):
    html = login_as("admin").get(url.format(**stored)).get_data(as_text=True)
    assert_escaped(html, shown, url)


def test_the_page_title_is_escaped_too(stored):
    html = stored["member"].get(f"/arenden/{stored['ref']}").get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "&lt;script&gt;" in title and "<script" not in title


def test_a_lazy_message_with_a_value_is_text_in_a_page(app):
    """Flask-Babel's lazy strings claim to be markup (``__html__`` returns them as they
    are); ours are escaped, so a file's or a group's name in a message stays text — in
    Jinja and in WTForms' labels and errors alike."""
    from flask import render_template_string
    from flask_babel import lazy_gettext as babel_lazy
    from markupsafe import escape

    from kundtjanst.lazytext import lazy_gettext

    name = "<img src=x onerror=alert(1)>"
    with app.test_request_context():
        shown = render_template_string(
            "{{ message }}", message=lazy_gettext("%(name)s is too large.", name=name)
        )
        assert "<img" not in shown and "&lt;img src=x" in shown
        assert str(escape(lazy_gettext("Save"))) == "Spara"
        # The reason for the module: the library's own would let the markup through.
        unsafe = render_template_string("{{ m }}", m=babel_lazy("%(n)s", n=name))
        assert "<img" in unsafe
