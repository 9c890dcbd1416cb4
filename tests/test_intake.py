"""The citizen's web form and private status page."""

import re

import pytest
from sqlalchemy import func, select

from kundtjanst.core.vocabulary import Channel, EventKind, Outcome, Status
from kundtjanst.extensions import db
from kundtjanst.tickets.models import Event, Ticket
from kundtjanst.tickets.tokens import hash_token

from .factories import new_ticket


def question(org, **overrides):
    data = {
        "category": str(org.categories.avfall),
        "subject": "Soptunnan har inte tömts",
        "question": "Vår tunna på Storgatan 1 tömdes inte i tisdags. Vad gör jag?",
        "name": "Eva Medborgare",
        "email": "eva@example.org",
        "phone": "070-123 45 67",
    }
    data.update(overrides)
    return data


def ticket_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Ticket))


def test_form_shows_categories_and_personal_data_notice(client, org):
    html = client.get("/fraga").get_data(as_text=True)
    assert "Avfall" in html and "Bygglov" in html
    assert "Dina personuppgifter" in html
    assert 'for="subject"' in html and 'for="question"' in html


def test_citizen_asks_and_gets_reference_and_private_link(app, client, org):
    response = client.post("/fraga", data=question(org))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/fraga/skickad")
    receipt = client.get("/fraga/skickad")
    html = receipt.get_data(as_text=True)
    reference = re.search(r"KT-\d{4}-\d{6}", html).group(0)
    # Built from KUNDTJANST_BASE_URL, never from the request's Host header.
    link = re.search(r'href="(http://127.0.0.1:5000/arende/[A-Za-z0-9_-]+)"', html).group(1)
    assert receipt.headers["Cache-Control"] == "no-store"

    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
        assert ticket.channel == Channel.WEB
        assert ticket.citizen_email == "eva@example.org"
        assert ticket.status == Status.OPEN
        token = link.rsplit("/", 1)[1]
        # Only the hash of the token is stored.
        assert ticket.status_token_hash == hash_token(token)
        assert token not in (ticket.status_token_hash or "")

    status = client.get(link.replace("http://127.0.0.1:5000", ""))
    assert status.status_code == 200
    page = status.get_data(as_text=True)
    assert reference in page
    assert "Mottagen – vi arbetar med din fråga" in page
    assert "Vår tunna på Storgatan 1" in page

    # The receipt is shown once.
    again = client.get("/fraga/skickad").get_data(as_text=True)
    assert reference not in again


def test_anonymous_question_is_allowed(app, client, org):
    data = question(org, name="", email="", phone="")
    assert client.post("/fraga", data=data).status_code == 302
    with app.app_context():
        ticket = db.session.scalar(select(Ticket))
        assert ticket.citizen_name is None and ticket.citizen_email is None


def test_question_is_routed_by_rules(app, client, org):
    client.post("/fraga", data=question(org, category=str(org.categories.bistand)))
    with app.app_context():
        ticket = db.session.scalar(select(Ticket))
        assert ticket.group_id == org.groups.social
        assert ticket.confidential is True
        kinds = [e.kind for e in db.session.scalars(select(Event).order_by(Event.id))]
        assert kinds == [EventKind.CREATED, EventKind.ROUTED]


def test_unmatched_question_goes_to_kundtjanst(app, client, org):
    client.post("/fraga", data=question(org))
    with app.app_context():
        assert db.session.scalar(select(Ticket)).group_id == org.groups.kundtjanst


def test_the_timeline_names_the_citizen_as_the_one_who_asked(app, client, org, login_as):
    client.post("/fraga", data=question(org))
    with app.app_context():
        reference = db.session.scalar(select(Ticket.reference))
    html = login_as("agent").get(f"/arenden/{reference}").get_data(as_text=True)
    created = re.search(r'<li class="event event--created">(.*?)</li>', html, re.S)
    assert created is not None
    assert "Medborgare" in created.group(1)
    assert "Systemet" not in created.group(1)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"subject": ""}, "Skriv en kort rubrik."),
        ({"question": "   "}, "Skriv din fråga."),
        ({"category": ""}, "Välj vad din fråga handlar om."),
        ({"category": "999999"}, "Välj ett av alternativen."),
        ({"category": "abc"}, "Välj ett av alternativen."),
        ({"category": "99999999999999999999"}, "Välj ett av alternativen."),
        ({"email": "inte-en-adress"}, "Ange en giltig e-postadress"),
        ({"phone": "ring mig"}, "Ange ett telefonnummer"),
        ({"subject": "x" * 201}, "Fältet får inte vara längre än 200 tecken"),
        ({"question": "x" * 10_001}, "Fältet får inte vara längre än 10000 tecken"),
        ({"subject": "null\x00byte"}, "Innehåller tecken som inte är tillåtna."),
    ],
)
def test_bad_input_gets_a_clear_message_and_stores_nothing(app, client, org, overrides, message):
    response = client.post("/fraga", data=question(org, **overrides))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Något behöver rättas" in html
    assert message in html
    assert ticket_count(app) == 0


def test_error_summary_links_to_the_field(client, org):
    html = client.post("/fraga", data=question(org, subject="")).get_data(as_text=True)
    assert 'href="#subject"' in html
    assert 'aria-describedby="subject-hint subject-error"' in html
    assert 'aria-invalid="true"' in html


def test_status_page_unknown_or_malformed_token_is_404(client, org):
    assert client.get("/arende/" + "a" * 43).status_code == 404
    assert client.get("/arende/short").status_code == 404
    assert client.get("/arende/" + "%00" * 40).status_code == 400
    assert client.post("/arende/" + "b" * 43, data={"message": "hej"}).status_code == 404


def test_status_page_shows_replies_but_not_internal_notes(app, client, org):
    from kundtjanst.auth.models import User
    from kundtjanst.tickets import services

    with app.app_context():
        ticket, token = new_ticket()
        agent = db.session.get(User, org.users.agent)
        services.add_note(ticket, agent, "Intern: ring tekniska")
        services.reply(ticket, agent, "Tömningen sker på torsdag.")
        db.session.commit()
    html = client.get(f"/arende/{token}").get_data(as_text=True)
    assert "Tömningen sker på torsdag." in html
    assert "Intern: ring tekniska" not in html
    assert "Besvarad – du kan svara nedan" in html


def test_citizen_message_goes_on_the_timeline(app, client, org):
    with app.app_context():
        _ticket, token = new_ticket()
    response = client.post(f"/arende/{token}", data={"message": "Glömde säga: gröna tunnan."})
    assert response.status_code == 302
    with app.app_context():
        events = db.session.scalars(select(Event).order_by(Event.id)).all()
        assert events[-1].kind == EventKind.CITIZEN_MESSAGE
        assert events[-1].body == "Glömde säga: gröna tunnan."
    html = client.get(f"/arende/{token}").get_data(as_text=True)
    assert "Glömde säga: gröna tunnan." in html


def test_citizen_message_on_resolved_ticket_reopens_it(app, client, org):
    from kundtjanst.auth.models import User
    from kundtjanst.tickets import services

    with app.app_context():
        ticket, token = new_ticket()
        agent = db.session.get(User, org.users.agent)
        services.resolve(ticket, agent, Outcome.ANSWERED, reply_body="Torsdag.")
        db.session.commit()
        assert ticket.first_contact is True
    client.post(f"/arende/{token}", data={"message": "Den kom inte på torsdag heller."})
    with app.app_context():
        ticket = db.session.scalar(select(Ticket))
        assert ticket.status == Status.OPEN
        assert ticket.reopen_count == 1
        assert ticket.first_contact is None
        assert ticket.resolved_at is None
        kinds = [e.kind for e in db.session.scalars(select(Event).order_by(Event.id))]
        assert kinds[-2:] == [EventKind.CITIZEN_MESSAGE, EventKind.REOPENED]
        # Closed again: never first contact after a reopen.
        services.resolve(ticket, db.session.get(User, org.users.agent), Outcome.ANSWERED)
        db.session.commit()
        assert ticket.first_contact is False


def test_empty_citizen_message_is_refused(app, client, org):
    with app.app_context():
        _ticket, token = new_ticket()
    response = client.post(f"/arende/{token}", data={"message": ""})
    assert response.status_code == 400
    assert "Skriv ett meddelande." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Event)) == 1


def test_public_form_works_without_javascript(client, org):
    html = client.get("/fraga").get_data(as_text=True)
    assert "<script" not in html
    assert '<form method="post"' in html
