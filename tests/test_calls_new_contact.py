"""A call on "Ny kontakt" without JavaScript: the panel, the caller's history under
secrecy, the prefilled form, and the logged ticket linked to the call."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from kundtjanst.audit.models import AuditEntry
from kundtjanst.auth.models import User
from kundtjanst.calls import services as calls
from kundtjanst.calls.models import Call
from kundtjanst.core.timeutil import utcnow
from kundtjanst.core.vocabulary import Channel, Outcome
from kundtjanst.extensions import db
from kundtjanst.org.models import Category
from kundtjanst.tickets import services as tickets
from kundtjanst.tickets.models import Ticket

from .test_new_contact import contact

NUMBER = "070-123 45 67"


def earlier(org, subject, *, number=NUMBER, category=None, resolve=False, actor=None, at=None):
    """A ticket of the caller's, created through the service (committed)."""
    with_category = db.session.get(Category, category) if category else None
    ticket, _ = tickets.create_ticket(
        tickets.Contact(
            channel=Channel.WEB,
            subject=subject,
            category=with_category,
            citizen_phone=number,
            received_at=at,
        ),
        actor=db.session.get(User, actor) if actor else None,
    )
    if resolve:
        agent = db.session.get(User, org.users.agent)
        tickets.resolve(ticket, agent, Outcome.ANSWERED, reply_body="Svar.", during_contact=True)
    db.session.commit()
    return ticket.reference


def answered(org, call_id="c-1", number="+46 70 123 45 67", who="agent"):
    call = calls.receive("ringing", call_id=call_id, number=number)
    calls.receive("answered", call_id=call_id, agent_email=getattr(org.emails, who))
    db.session.commit()
    return call.id


@pytest.fixture
def history(app, org):
    """The caller's history: a closed question, an open one, a confidential one the
    agent may not read, another number's; and an answered call."""
    with app.app_context():
        long_ago = utcnow() - timedelta(days=30)
        refs = {
            "closed": earlier(org, "Fråga om bygglov", resolve=True, at=long_ago),
            "open": earlier(org, "Soptunnan töms inte", number="0046701234567"),
            "secret": earlier(org, "Behöver försörjningsstöd", category=org.categories.bistand),
            "other": earlier(org, "Någon annans fråga", number="08-123 456 78"),
        }
        refs["call"] = answered(org)
        return refs


def test_the_panel_shows_the_call_and_the_callers_history(login_as, history):
    html = login_as("agent").get("/ny-kontakt").get_data(as_text=True)
    assert "Samtal pågår" in html
    assert "070-123 45 67" in html
    assert history["closed"] in html and "Fråga om bygglov" in html
    assert history["open"] in html and "Soptunnan töms inte" in html
    assert history["other"] not in html
    assert "Numret har 1 öppet ärende." in html
    # The open one is marked in words, not only by colour; newest first.
    open_item = html.split(history["open"])[0].rsplit("<li", 1)[1]
    assert 'class="call-history__open"' in open_item and "Öppen" in open_item
    assert html.index(history["open"]) < html.index(history["closed"])


def test_a_confidential_question_of_the_number_is_not_shown(login_as, history):
    html = login_as("agent").get("/ny-kontakt").get_data(as_text=True)
    assert history["secret"] not in html
    assert "försörjningsstöd" not in html


def test_a_confidential_question_the_agent_handled_is_shown_and_audited(app, login_as, org):
    with app.app_context():
        mine = earlier(
            org, "Min sekretessfråga", category=org.categories.bistand, actor=org.users.agent
        )
        answered(org)
    html = login_as("agent").get("/ny-kontakt").get_data(as_text=True)
    assert mine in html
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "ticket.list"))
        assert entry.target == "/ny-kontakt" and entry.details["references"] == [mine]


def test_the_form_is_prefilled_for_the_call(login_as, history):
    html = login_as("agent").get("/ny-kontakt").get_data(as_text=True)
    assert 'name="phone"' in html and 'value="070-123 45 67"' in html
    assert f'name="call" type="hidden" value="{history["call"]}"' in html
    assert re.search(r'<input checked[^>]*name="channel"[^>]*value="phone"', html)


def test_another_agent_sees_no_panel(login_as, history):
    html = login_as("agent2").get("/ny-kontakt").get_data(as_text=True)
    assert "Samtal pågår" not in html and 'value="070-123 45 67"' not in html


def test_a_withheld_number_says_so_and_shows_no_history(app, login_as, org, history):
    with app.app_context():
        answered(org, call_id="c-2", number="anonymous", who="agent2")
    html = login_as("agent2").get("/ny-kontakt").get_data(as_text=True)
    assert "Samtal pågår" in html and "Dolt nummer" in html
    assert history["open"] not in html and history["closed"] not in html


def test_logging_links_the_call_and_stores_its_times(app, login_as, org, history):
    client = login_as("agent")
    data = contact(org, phone=NUMBER, call=str(history["call"]))
    assert client.post("/ny-kontakt", data=data).status_code == 302
    with app.app_context():
        call = db.session.get(Call, history["call"])
        ticket = db.session.get(Ticket, call.ticket_id)
        assert ticket.subject == "När töms tunnan?"
        assert ticket.citizen_phone_e164 == "+46701234567"
        assert ticket.call_started_at == call.answered_at and ticket.call_ended_at is None
        reference = ticket.reference
    # Still on the line: the panel says where it was logged, the form is not linked again.
    html = client.get("/ny-kontakt").get_data(as_text=True)
    assert "Registrerat som" in html and reference in html
    assert f'name="call" type="hidden" value="{history["call"]}"' not in html
    # The call ends: the end goes on the ticket, and the panel is gone.
    with app.app_context():
        calls.receive("ended", call_id="c-1")
        db.session.commit()
        ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
        assert ticket.call_ended_at is not None
    assert "Samtal pågår" not in client.get("/ny-kontakt").get_data(as_text=True)
    page = client.get(f"/arenden/{reference}").get_data(as_text=True)
    assert 'id="ticket-call"' in page


def test_an_ended_call_not_yet_logged_stays_to_be_logged(app, login_as, org, history):
    with app.app_context():
        calls.receive("ended", call_id="c-1")
        db.session.commit()
    client = login_as("agent")
    html = client.get("/ny-kontakt").get_data(as_text=True)
    assert "Samtalet har avslutats" in html
    assert (
        client.post("/ny-kontakt", data=contact(org, call=str(history["call"]))).status_code == 302
    )
    with app.app_context():
        call = db.session.get(Call, history["call"])
        assert call.ticket.call_ended_at == call.ended_at is not None


@pytest.mark.parametrize("given", ["999999", "abc", "-1", "1e9", "9" * 40, "1.5", ""])
def test_a_bad_or_foreign_call_id_saves_the_contact_unlinked(app, login_as, org, given):
    client = login_as("agent")
    assert client.post("/ny-kontakt", data=contact(org, call=given)).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Ticket)).call_started_at is None


def test_control_characters_in_the_call_id_are_refused_and_nothing_saved(app, login_as, org):
    response = login_as("agent").post("/ny-kontakt", data=contact(org, call="1\x00"))
    assert response.status_code == 400
    assert "Samtal: " in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Ticket)) is None


def test_another_agents_call_cannot_be_linked(app, login_as, org, history):
    client = login_as("agent2")
    assert (
        client.post("/ny-kontakt", data=contact(org, call=str(history["call"]))).status_code == 302
    )
    with app.app_context():
        assert db.session.get(Call, history["call"]).ticket_id is None


def test_the_poll_says_what_the_page_needs(login_as, history):
    answer = login_as("agent").get("/samtal/pagaende").get_json()
    assert answer["call"]["id"] == history["call"]
    assert answer["call"]["number"] == "070-123 45 67"
    assert answer["call"]["state"] == "answered" and answer["call"]["logged"] is False
    assert login_as("agent2").get("/samtal/pagaende").get_json() == {"call": None}


def test_the_panel_fragment_is_the_agents_own(login_as, history):
    url = f"/samtal/{history['call']}/panel"
    fragment = login_as("agent").get(url).get_data(as_text=True)
    assert "Samtal pågår" in fragment and history["open"] in fragment
    assert history["secret"] not in fragment and "<html" not in fragment
    assert login_as("agent2").get(url).status_code == 404
    assert login_as("member").get(url).status_code == 403
    assert login_as("anonymous").get("/samtal/pagaende").status_code in (302, 401)


def test_the_caller_log(app, login_as, org, history):
    with app.app_context():
        calls.receive("ended", call_id="c-1", at=utcnow() + timedelta(minutes=3))
        db.session.commit()
    html = login_as("agent").get("/samtal").get_data(as_text=True)
    assert "070-123 45 67" in html and "Avslutat" in html and " min " in html
    assert "Inga samtal än." in login_as("agent2").get("/samtal").get_data(as_text=True)


def test_managers_may_read_an_agents_log_and_it_is_audited(app, login_as, org, history):
    url = f"/samtal?agent={org.users.agent}"
    html = login_as("manager").get(url).get_data(as_text=True)
    assert "070-123 45 67" in html and "Anna Agent" in html
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "calls.log_read"))
        assert entry.target == f"user:{org.users.agent}"
    assert login_as("agent2").get(url).status_code == 403
    assert login_as("manager").get("/samtal?agent=99999").status_code == 404
