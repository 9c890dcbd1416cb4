"""The learning loop (could kundtjänst have answered?) and confirmed repeat contacts."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kundtjanst.auth.models import User
from kundtjanst.core.vocabulary import Channel, EventKind, Outcome
from kundtjanst.extensions import db
from kundtjanst.org.models import CouldReason, Group
from kundtjanst.tickets import services, timeline
from kundtjanst.tickets.models import Ticket

from .factories import new_ticket, version_field


def escalated(app, org, **kw) -> str:
    with app.app_context():
        ticket, _ = new_ticket(**kw)
        agent = db.session.get(User, org.users.agent)
        services.escalate(ticket, agent, db.session.get(Group, org.groups.bygg))
        services.claim(ticket, db.session.get(User, org.users.member))
        db.session.commit()
        return ticket.reference


@pytest.fixture
def reason(app, org) -> int:
    with app.app_context():
        r = CouldReason(name="Svaret finns på webben")
        db.session.add(r)
        db.session.commit()
        return r.id


def load(app, reference) -> Ticket:
    with app.app_context():
        t = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
        db.session.expunge(t)
        return t


def test_member_marks_could_have_answered_with_reason(app, org, login_as, reason):
    ref = escalated(app, org)
    member = login_as("member")
    page = member.get(f"/arenden/{ref}").get_data(as_text=True)
    assert "Kundtjänst kunde ha besvarat frågan" in page and "Svaret finns på webben" in page
    response = member.post(
        f"/arenden/{ref}/avsluta",
        data={
            "resolve-outcome": "answered",
            "resolve-reply": "Svar",
            "resolve-could_have_answered": "y",
            "resolve-could_reason": str(reason),
            "resolve-could_note": "Se sidan om altaner",
            **version_field(member, ref, "resolve"),
        },
    )
    assert response.status_code == 302
    ticket = load(app, ref)
    assert ticket.could_have_answered and ticket.could_reason_id == reason
    assert ticket.could_note == "Se sidan om altaner"
    body = login_as("manager").get("/statistik.json?period=today").get_json()
    assert body["could_have_answered"] == {"numerator": 1, "denominator": 1, "share": 1.0}
    html = login_as("manager").get("/statistik?period=today").get_data(as_text=True)
    assert "Svaret finns på webben" in html


def test_marking_needs_a_reason(app, org, login_as, reason):
    ref = escalated(app, org)
    response = login_as("member").post(
        f"/arenden/{ref}/avsluta",
        data={
            "resolve-outcome": "answered",
            "resolve-could_have_answered": "y",
        },
    )
    assert response.status_code == 400
    assert "Välj varför kundtjänst kunde ha svarat." in response.get_data(as_text=True)
    assert load(app, ref).status == "claimed"


@pytest.mark.parametrize("value", ["999999", "abc", "-1"])
def test_unknown_reason_is_refused(app, org, login_as, reason, value):
    ref = escalated(app, org)
    response = login_as("member").post(
        f"/arenden/{ref}/avsluta",
        data={
            "resolve-outcome": "answered",
            "resolve-could_have_answered": "y",
            "resolve-could_reason": value,
        },
    )
    assert response.status_code == 400


def test_kundtjanst_cannot_mark_its_own_tickets(app, org, login_as, reason):
    with app.app_context():
        ticket, _ = new_ticket()
        ref = ticket.reference
    client = login_as("agent")
    assert "Kundtjänst kunde ha besvarat frågan" not in client.get(f"/arenden/{ref}").get_data(
        as_text=True
    )
    client.post(
        f"/arenden/{ref}/avsluta",
        data={
            "resolve-outcome": "answered",
            "resolve-could_have_answered": "y",
            "resolve-could_reason": str(reason),
        },
    )
    assert load(app, ref).could_have_answered is False


def test_repeat_contact_is_suggested_and_confirmed(app, org, login_as):
    with app.app_context():
        first, _ = new_ticket(
            channel=Channel.EMAIL,
            category_id=org.categories.avfall,
            citizen_email="eva@example.org",
        )
        agent = db.session.get(User, org.users.agent)
        services.resolve(first, agent, Outcome.ANSWERED, reply_body="Torsdag")
        db.session.commit()
        assert first.first_contact is True
        second, _ = new_ticket(
            channel=Channel.EMAIL,
            category_id=org.categories.avfall,
            citizen_email="eva@example.org",
            subject="Igen om tunnan",
        )
        other_subject, _ = new_ticket(
            channel=Channel.EMAIL,
            category_id=org.categories.bygglov,
            citizen_email="eva@example.org",
        )
        refs = first.reference, second.reference, other_subject.reference
    client = login_as("agent")
    page = client.get(f"/arenden/{refs[1]}").get_data(as_text=True)
    assert "Möjlig upprepad kontakt" in page and refs[0] in page
    page = client.get(f"/arenden/{refs[2]}").get_data(as_text=True)
    assert "Möjlig upprepad kontakt" not in page
    before = login_as("manager").get("/statistik.json?period=today").get_json()
    assert before["first_contact"]["numerator"] == 1

    response = client.post(
        f"/arenden/{refs[1]}/upprepad",
        data={"repeat-earlier": refs[0], **version_field(client, refs[1], "repeat")},
    )
    assert response.status_code == 302
    with app.app_context():
        earlier = db.session.scalar(select(Ticket).where(Ticket.reference == refs[0]))
        later = db.session.scalar(select(Ticket).where(Ticket.reference == refs[1]))
        assert later.repeat_of_id == earlier.id
        assert earlier.first_contact is False
        kinds = [e.kind for e in timeline.timeline_entries(earlier)]
        assert kinds[-1] == EventKind.REPEAT_CONTACT
    after = login_as("manager").get("/statistik.json?period=today").get_json()
    assert after["first_contact"]["numerator"] == 0
    page = client.get(f"/arenden/{refs[1]}").get_data(as_text=True)
    assert "Upprepad kontakt av" in page and "Möjlig upprepad kontakt" not in page


def test_repeat_outside_the_window_is_not_suggested(app, org, login_as, monkeypatch):
    from datetime import timedelta

    from kundtjanst.core.timeutil import utcnow

    with app.app_context():
        first, _ = new_ticket(category_id=org.categories.avfall, citizen_email="o@example.org")
        first.created_at = utcnow() - timedelta(days=8)
        db.session.commit()
        second, _ = new_ticket(category_id=org.categories.avfall, citizen_email="o@example.org")
        ref = second.reference
    assert "Möjlig upprepad kontakt" not in login_as("agent").get(f"/arenden/{ref}").get_data(
        as_text=True
    )


@pytest.mark.parametrize("earlier", ["KT-2026-999999", "", "x" * 30])
def test_confirming_a_non_candidate_is_refused(app, org, login_as, earlier):
    with app.app_context():
        ticket, _ = new_ticket(category_id=org.categories.avfall, citizen_email="p@example.org")
        ref = ticket.reference
    agent = login_as("agent")
    response = agent.post(
        f"/arenden/{ref}/upprepad",
        data={"repeat-earlier": earlier, **version_field(agent, ref, "repeat")},
    )
    assert response.status_code in (302, 400)
    assert load(app, ref).repeat_of_id is None


def test_confirming_needs_work_permission(app, org, login_as):
    with app.app_context():
        a, _ = new_ticket(category_id=org.categories.avfall, citizen_email="q@example.org")
        b, _ = new_ticket(category_id=org.categories.avfall, citizen_email="q@example.org")
        refs = a.reference, b.reference
    response = login_as("manager").post(
        f"/arenden/{refs[1]}/upprepad", data={"repeat-earlier": refs[0]}
    )
    assert response.status_code == 403


def test_admin_manages_reasons(app, org, login_as):
    client = login_as("admin")
    assert (
        client.post(
            "/admin/orsaker/ny", data={"name": "Finns i kunskapsbanken", "active": "y"}
        ).status_code
        == 302
    )
    assert "Finns i kunskapsbanken" in client.get("/admin/orsaker").get_data(as_text=True)
    duplicate = client.post("/admin/orsaker/ny", data={"name": "finns i KUNSKAPSBANKEN"})
    assert duplicate.status_code == 400
    assert client.post("/admin/orsaker/ny", data={"name": ""}).status_code == 400
    assert client.get("/admin/orsaker/999999/redigera").status_code == 404
    assert login_as("manager").get("/admin/orsaker").status_code == 403


def test_the_dashboard_shows_reasons_as_a_table_of_subject_areas_by_reason(app, org):
    from types import SimpleNamespace

    from kundtjanst.org.models import Category
    from kundtjanst.stats.views.dashboard import _could_reasons

    with app.app_context():
        web, rule = CouldReason(name="På webben"), CouldReason(name="Enkel regel")
        db.session.add_all([web, rule])
        db.session.flush()
        categories = {c.id: c for c in db.session.scalars(select(Category))}
        bygg, avfall = org.categories.bygglov, org.categories.avfall
        result = SimpleNamespace(
            could_reasons={
                (bygg, web.id): 3,
                (bygg, rule.id): 1,
                (avfall, rule.id): 2,
                (avfall, web.id): 0,  # a slice that counted nothing adds no cell
                (None, web.id): 1,  # a ticket without a subject area
            }
        )
        table = _could_reasons(result, categories)
        assert table.reasons == ["På webben", "Enkel regel"]  # most frequent first
        assert table.rows == [
            (categories[bygg].name, [3, 1], 4),
            (categories[avfall].name, [0, 2], 2),
            ("–", [1, 0], 1),
        ]
        assert (table.totals, table.total) == ([4, 3], 7)
        assert _could_reasons(SimpleNamespace(could_reasons={}), categories) is None
