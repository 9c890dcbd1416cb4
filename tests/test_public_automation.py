"""The public form and the status page withstand automation without getting in a
person's way: a form is taken once (a double click or a replay gives the same
receipt), questions and messages are rate-limited per address, a honeypot field
catches form-filling programs, a ticket takes a limited number of citizen messages a
day, and a long timeline is shown a page at a time. The status link never travels in
a cookie and is built from KUNDTJANST_BASE_URL."""

from __future__ import annotations

import re
import threading
import time
from datetime import timedelta

import pytest
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import func, select

from kundtjanst.core.timeutil import utcnow
from kundtjanst.core.vocabulary import EventKind
from kundtjanst.extensions import db
from kundtjanst.intake.models import Receipt
from kundtjanst.intake.services import tidy
from kundtjanst.settings import services as settings
from kundtjanst.tickets import citizen
from kundtjanst.tickets.models import Event, Ticket

from .conftest import make_app
from .factories import new_ticket
from .test_intake import question

ID = "s" * 43  # a well-formed one-time submission id


def tickets(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Ticket))


def receipt_page(client) -> str:
    return client.get("/fraga/skickad").get_data(as_text=True)


def references(html: str) -> list[str]:
    return re.findall(r"KT-\d{4}-\d{6}", html)


# --- a form is taken once ---------------------------------------------------------------


def test_a_replayed_form_gives_the_same_receipt_not_a_second_ticket(app, client, org):
    first = client.post("/fraga", data=question(org, submission=ID))
    assert first.status_code == 302
    shown = references(receipt_page(client))
    again = client.post("/fraga", data=question(org, submission=ID))
    assert again.status_code == 302 and again.headers["Location"].endswith("/fraga/skickad")
    assert references(receipt_page(client)) == shown
    assert tickets(app) == 1


def test_a_double_click_makes_one_ticket(app, org):
    """Ten posts of one filled-in form at the same moment (the same id)."""
    results = []
    start = threading.Barrier(10)

    def post():
        client = app.test_client()
        start.wait()
        results.append(client.post("/fraga", data=question(org, submission=ID)).status_code)

    threads = [threading.Thread(target=post) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [302] * 10
    assert tickets(app) == 1


def test_different_forms_make_different_tickets(app, client, org):
    client.post("/fraga", data=question(org, submission="a" * 43))
    client.post("/fraga", data=question(org, submission="b" * 43))
    client.post("/fraga", data=question(org))  # an old page without an id: taken too
    assert tickets(app) == 3


def test_the_form_carries_a_fresh_id_and_keeps_it_after_an_error(client, org):
    page = client.get("/fraga").get_data(as_text=True)
    first = re.search(r'name="submission" type="hidden" value="([^"]+)"', page).group(1)
    second = re.search(
        r'name="submission" type="hidden" value="([^"]+)"', client.get("/fraga").get_data(True)
    ).group(1)
    assert first != second and len(first) >= 32
    refused = client.post("/fraga", data=question(org, subject="", submission=first))
    assert refused.status_code == 400
    assert f'value="{first}"' in refused.get_data(as_text=True)


# --- the receipt: from the server, once, from the configured address ----------------------


def test_the_status_link_is_never_in_the_session_cookie(app, client, org):
    client.post("/fraga", data=question(org))
    cookie = client.get_cookie("session").value
    content = SecureCookieSessionInterface().get_signing_serializer(app).loads(cookie)
    html = receipt_page(client)
    token = re.search(r"/arende/([A-Za-z0-9_-]+)", html).group(1)
    assert token not in str(content) and token not in cookie
    assert set(content) <= {"receipt", "csrf_token", "_fresh"}


def test_the_link_is_shown_once_then_never(app, client, org):
    client.post("/fraga", data=question(org))
    assert "/arende/" in receipt_page(client)
    assert "/arende/" not in receipt_page(client)
    with app.app_context():
        assert db.session.scalar(select(Receipt.status_token)) is None


def test_an_unshown_link_expires_and_the_tidy_job_wipes_it(app, client, org):
    client.post("/fraga", data=question(org))
    with app.app_context():
        receipt = db.session.scalar(select(Receipt))
        receipt.shows_until = utcnow() - timedelta(seconds=1)
        db.session.commit()
    html = receipt_page(client)
    assert "/arende/" not in html and references(html)  # the reference is still shown
    with app.app_context():
        assert tidy(utcnow()) == {"tokens_wiped": 1, "receipts_removed": 0}
        assert tidy(utcnow() + timedelta(days=8))["receipts_removed"] == 1
        db.session.commit()
        assert tickets(app) == 1  # the ticket stays


def test_a_forged_host_header_does_not_change_the_link(app, org):
    client = app.test_client()
    client.post("/fraga", data=question(org), headers={"Host": "evil.example"})
    html = client.get("/fraga/skickad", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert "evil.example" not in html
    assert re.search(r'href="http://127.0.0.1:5000/arende/[A-Za-z0-9_-]+"', html)


# --- the honeypot --------------------------------------------------------------------------


def test_a_filled_in_honeypot_stores_nothing(app, client, org):
    response = client.post("/fraga", data=question(org, website="http://spam.example"))
    assert response.status_code == 400
    assert "Lämna det här fältet tomt." in response.get_data(as_text=True)
    assert tickets(app) == 0


def test_the_honeypot_is_hidden_from_people(client, org):
    html = client.get("/fraga").get_data(as_text=True)
    trap = html.split('<div class="trap" aria-hidden="true">', 1)[1].split("</div>", 1)[0]
    assert 'tabindex="-1"' in trap and 'autocomplete="off"' in trap
    assert "Lämna det här fältet tomt" in trap


# --- rate limits per address --------------------------------------------------------------


@pytest.fixture
def limited(database_url, app):
    """An application with the public limits on, short enough to wait out in a test."""
    made = make_app(
        database_url,
        RATELIMIT_ENABLED=True,
        QUESTION_LIMIT_PER_ADDRESS="3 per 2 seconds",
        MESSAGE_LIMIT_PER_ADDRESS="2 per 2 seconds",
    )
    yield made
    with made.app_context():
        db.engine.dispose()


def test_questions_are_limited_per_address_then_taken_again(limited, org):
    client = limited.test_client()
    here = {"REMOTE_ADDR": "192.0.2.20"}
    for _ in range(3):
        assert client.post("/fraga", data=question(org), environ_base=here).status_code == 302
    refused = client.post("/fraga", data=question(org), environ_base=here)
    assert refused.status_code == 429
    assert "Många frågor har skickats från den här datorn" in refused.get_data(as_text=True)
    assert refused.headers.get("Retry-After")
    # Another address is not affected; errors cost nothing.
    there = {"REMOTE_ADDR": "192.0.2.21"}
    assert client.post("/fraga", data=question(org), environ_base=there).status_code == 302
    time.sleep(2.2)
    assert client.post("/fraga", data=question(org), environ_base=here).status_code == 302
    assert tickets(limited) == 5


def test_status_page_messages_are_limited_per_address(limited, org):
    with limited.app_context():
        _ticket, token = new_ticket()
    client = limited.test_client()
    here = {"REMOTE_ADDR": "192.0.2.30"}
    for n in range(2):
        sent = client.post(f"/arende/{token}", data={"message": f"Nr {n}"}, environ_base=here)
        assert sent.status_code == 302
    refused = client.post(f"/arende/{token}", data={"message": "Nr 3"}, environ_base=here)
    assert refused.status_code == 429
    time.sleep(2.2)
    again = client.post(f"/arende/{token}", data={"message": "Nr 3"}, environ_base=here)
    assert again.status_code == 302


# --- messages per ticket and day, and the timeline's length -------------------------------


def test_a_ticket_takes_a_limited_number_of_messages_a_day(app, client, org):
    with app.app_context():
        settings.put("citizen_messages_per_day", 2)
        db.session.commit()
        _ticket, token = new_ticket()
    for n in range(2):
        assert client.post(f"/arende/{token}", data={"message": f"Nr {n}"}).status_code == 302
    refused = client.post(f"/arende/{token}", data={"message": "Det tredje meddelandet"})
    assert refused.status_code == 429
    html = refused.get_data(as_text=True)
    assert "många meddelanden om den här frågan i dag" in html
    assert "Det tredje meddelandet" in html  # what was written is not lost
    with app.app_context():
        sent = select(func.count()).where(Event.kind == EventKind.CITIZEN_MESSAGE)
        assert db.session.scalar(sent) == 2


def test_a_long_timeline_is_shown_a_page_at_a_time(app, client, login_as, org):
    with app.app_context():
        ticket, token = new_ticket()
        for n in range(60):
            citizen.citizen_message(ticket, f"Meddelande nummer {n:02d}")
        db.session.commit()
        reference = ticket.reference
    page = client.get(f"/arende/{token}").get_data(as_text=True)
    assert "Meddelande nummer 59" in page and "Meddelande nummer 10" in page
    assert "Meddelande nummer 09" not in page
    assert "Visa tidigare meddelanden" in page
    older = client.get(f"/arende/{token}?page=2").get_data(as_text=True)
    assert "Meddelande nummer 09" in older and "Meddelande nummer 59" not in older
    assert "Visa senare meddelanden" in older
    staff = login_as("agent").get(f"/arenden/{reference}").get_data(as_text=True)
    assert "Meddelande nummer 59" in staff and "Meddelande nummer 05" not in staff
    assert "Visa äldre händelser" in staff


# --- staff replace a lost status link -------------------------------------------------------


def test_staff_make_a_new_status_link_and_the_old_one_stops_working(app, login_as, org):
    from .factories import version_field

    with app.app_context():
        ticket, old_token = new_ticket(citizen_email="eva@example.org")
        reference = ticket.reference
    agent = login_as("agent")
    response = agent.post(
        f"/arenden/{reference}/ny-lank", data=version_field(agent, reference, "link")
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    new_token = re.search(r'href="http://127.0.0.1:5000/arende/([A-Za-z0-9_-]+)"', html).group(1)
    assert new_token != old_token and "mailto:eva@example.org" in html
    assert new_token not in agent.get_cookie("session").value
    citizen = app.test_client()
    assert citizen.get(f"/arende/{old_token}").status_code == 404
    assert citizen.get(f"/arende/{new_token}").status_code == 200
    with app.app_context():
        kinds = db.session.scalars(select(Event.kind).order_by(Event.id)).all()
        assert kinds[-1] == EventKind.STATUS_LINK_REPLACED
    audit = login_as("admin").get("/admin/logg?action=ticket.status_link").get_data(as_text=True)
    assert reference in audit


@pytest.mark.parametrize("who", ["other", "manager"])
def test_only_kundtjanst_and_the_group_make_new_links(app, login_as, org, who):
    from .factories import version_field

    with app.app_context():
        ticket, token = new_ticket()
        reference = ticket.reference
    client = login_as(who)
    response = client.post(
        f"/arenden/{reference}/ny-lank", data=version_field(client, reference, "link")
    )
    assert response.status_code in (403, 404)
    assert app.test_client().get(f"/arende/{token}").status_code == 200
