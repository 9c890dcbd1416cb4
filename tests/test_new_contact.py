"""Kundtjänst's "Ny kontakt": log a call or visit and finish it in one submit."""

import pytest
from sqlalchemy import func, select

from kundtjanst.core.vocabulary import Channel, EventKind, GroupKind, Outcome, Status
from kundtjanst.extensions import db
from kundtjanst.org.models import Group
from kundtjanst.routing.models import RoutingRule
from kundtjanst.tickets.models import Event, Ticket


def contact(org, **overrides):
    data = {
        "channel": "phone",
        "category": str(org.categories.avfall),
        "subject": "När töms tunnan?",
        "notes": "Frågade om hämtdag för Storgatan.",
        "action": "answered",
        "name": "",
        "email": "",
        "phone": "",
        "referred_to": "",
        "group": "",
        "handoff_note": "",
    }
    data.update(overrides)
    return data


def only_ticket(app) -> Ticket:
    with app.app_context():
        ticket = db.session.scalar(select(Ticket))
        db.session.expunge_all()
        return ticket


def test_form_renders_for_agent(login_as, org):
    html = login_as("agent").get("/ny-kontakt").get_data(as_text=True)
    assert "Ny kontakt" in html
    assert "Besvarad direkt" in html and "Skicka till svarsgrupp" in html
    assert "Bygglov" in html  # answer groups to choose from


def test_phone_call_answered_now_in_one_submit(app, login_as, org):
    client = login_as("agent")
    response = client.post("/ny-kontakt", data=contact(org))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/ny-kontakt")
    assert "registrerad som besvarad" in client.get("/ny-kontakt").get_data(as_text=True)
    ticket = only_ticket(app)
    assert ticket.channel == Channel.PHONE
    assert ticket.status == Status.RESOLVED
    assert ticket.outcome == Outcome.ANSWERED
    assert ticket.answered_by == GroupKind.FRONTLINE
    assert ticket.first_contact is True
    assert ticket.created_by_id == org.users.agent
    assert ticket.status_token_hash is None


def test_visit_referred_now(app, login_as, org):
    client = login_as("agent")
    data = contact(org, channel="visit", action="referred", referred_to="Skatteverket")
    assert client.post("/ny-kontakt", data=data).status_code == 302
    ticket = only_ticket(app)
    assert ticket.outcome == Outcome.REFERRED
    assert ticket.referred_to == "Skatteverket"
    assert ticket.first_contact is True


def test_referred_needs_a_destination(app, login_as, org):
    response = login_as("agent").post("/ny-kontakt", data=contact(org, action="referred"))
    assert response.status_code == 400
    assert "Ange vart medborgaren hänvisades" in response.get_data(as_text=True)


def test_send_to_svarsgrupp_with_note(app, login_as, org):
    client = login_as("agent")
    data = contact(
        org,
        category=str(org.categories.bygglov),
        action="escalate",
        group=str(org.groups.bygg),
        handoff_note="Vill prata med handläggare om altan.",
        name="Per Persson",
        phone="070-111 22 33",
    )
    assert client.post("/ny-kontakt", data=data).status_code == 302
    ticket = only_ticket(app)
    assert ticket.group_id == org.groups.bygg
    assert ticket.status == Status.OPEN
    assert ticket.claimed_by_id is None
    assert ticket.escalated_at is not None
    assert ticket.citizen_phone == "070-111 22 33"
    with app.app_context():
        escalated = db.session.scalar(select(Event).where(Event.kind == EventKind.ESCALATED))
        assert escalated.body == "Vill prata med handläggare om altan."
        assert escalated.group_id == org.groups.bygg


def test_escalation_needs_a_group(app, login_as, org):
    response = login_as("agent").post("/ny-kontakt", data=contact(org, action="escalate"))
    assert response.status_code == 400
    assert "Välj vilken svarsgrupp" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Ticket)) == 0


def test_escalation_to_kundtjanst_itself_is_refused(app, login_as, org):
    data = contact(org, action="escalate", group=str(org.groups.kundtjanst))
    response = login_as("agent").post("/ny-kontakt", data=data)
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Ticket)) == 0


def test_keep_open_stays_in_kundtjanst_inbox(app, login_as, org):
    client = login_as("agent")
    assert client.post("/ny-kontakt", data=contact(org, action="open")).status_code == 302
    ticket = only_ticket(app)
    assert ticket.group_id == org.groups.kundtjanst
    assert ticket.status == Status.OPEN
    assert ticket.reference in client.get("/inkorg").get_data(as_text=True)


def test_keep_open_follows_routing_rules(app, login_as, org):
    with app.app_context():
        db.session.add(
            RoutingRule(
                position=1,
                name="Telefon om altan",
                keywords="altan",
                group=db.session.get(Group, org.groups.bygg),
            )
        )
        db.session.commit()
    data = contact(org, action="open", subject="Får jag bygga altan?")
    login_as("agent").post("/ny-kontakt", data=data)
    ticket = only_ticket(app)
    assert ticket.group_id == org.groups.bygg


@pytest.mark.parametrize(
    "overrides",
    [
        {"channel": "email"},  # not a channel logged here
        {"channel": "telepathy"},
        {"action": "explode"},
        {"subject": ""},
        {"category": "-1"},
        {"group": "abc", "action": "escalate"},
        {"email": "nope@"},
        {"notes": "x" * 10_001},
    ],
)
def test_bad_input_stores_nothing(app, login_as, org, overrides):
    response = login_as("agent").post("/ny-kontakt", data=contact(org, **overrides))
    assert response.status_code == 400
    assert "Något behöver rättas" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Ticket)) == 0


@pytest.mark.parametrize("who", ["member", "other", "social", "manager", "admin"])
def test_only_kundtjanst_may_log_contacts(login_as, who):
    client = login_as(who)
    assert client.get("/ny-kontakt").status_code == 403
    assert client.post("/ny-kontakt", data={}).status_code == 403


def test_anonymous_is_sent_to_login(client, org):
    response = client.get("/ny-kontakt")
    assert response.status_code == 302
    assert "/logga-in" in response.headers["Location"]
