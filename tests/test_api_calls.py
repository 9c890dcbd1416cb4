"""/api/v1/calls: the phone system's events, through a token with calls:write."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kundtjanst.calls.models import Call
from kundtjanst.extensions import db

from .api_helpers import bearer, make_token
from .conftest import login
from .factories import new_ticket


@pytest.fixture
def token(app, org) -> str:
    with app.app_context():
        return make_token(("calls:write",), name="växeln")


def post(client, token, **event):
    return client.post("/api/v1/calls", json=event, headers=bearer(token))


@pytest.mark.parametrize(
    "number",
    [
        "070-123 45 67",
        "+46 70 123 45 67",
        "0046701234567",
        "+46 (0)70-123 45 67",
        "tel:+46701234567",
    ],
)
def test_swedish_formats_are_one_caller(app, client, token, number):
    answer = post(client, token, event="ringing", call_id="c1", number=number)
    assert answer.status_code == 200, answer.json
    assert answer.json["number"] == "+46701234567"


@pytest.mark.parametrize("number", [None, "", "anonymous", "withheld", "Dolt nummer", "112"])
def test_withheld_numbers_match_nobody(app, client, token, number):
    answer = post(client, token, event="ringing", call_id="c2", number=number)
    assert answer.status_code == 200
    assert answer.json["number"] is None


def test_a_call_answered_shows_on_the_agents_new_contact(app, client, org, token):
    with app.app_context():
        earlier, _ = new_ticket(subject="Gatlyktan är trasig")
        earlier.citizen_phone, earlier.citizen_phone_e164 = "070-123 45 67", "+46701234567"
        db.session.commit()
        reference = earlier.reference
    assert (
        post(client, token, event="ringing", call_id="k-9", number="0701234567").status_code == 200
    )
    answered = post(
        client, token, event="answered", call_id="k-9", agent_email=org.emails.agent.upper()
    )
    assert answered.status_code == 200
    assert answered.json["state"] == "answered" and answered.json["agent"] == org.emails.agent
    again = post(client, token, event="answered", call_id="k-9", agent_email=org.emails.agent)
    assert again.json == answered.json  # the same event twice changes nothing
    agent = app.test_client()
    login(agent, org.users.agent)
    page = agent.get("/ny-kontakt").get_data(as_text=True)
    assert "Samtal pågår" in page and reference in page
    ended = post(client, token, event="ended", call_id="k-9")
    assert ended.json["state"] == "ended" and ended.json["ended_at"]
    with app.app_context():
        assert db.session.scalar(select(Call)).source.startswith("api-")


@pytest.mark.parametrize(
    "event, field",
    [
        ({"event": "answered", "call_id": "x"}, "agent_email"),
        ({"event": "answered", "call_id": "x", "agent_email": "nobody@kommun.test"}, "agent_email"),
        ({"event": "hung_up", "call_id": "x"}, "event"),
        ({"event": "ringing", "call_id": "has space"}, "call_id"),
        ({"event": "ringing", "call_id": ""}, "call_id"),
        ({"event": "ringing", "call_id": "x" * 101}, "call_id"),
        ({"event": "ringing", "call_id": "x", "number": "070\r\n123"}, "number"),
        ({"event": "ringing", "call_id": "x", "at": "igår"}, "at"),
        ({"event": "ringing", "call_id": "x", "at": "0001-01-01T00:00:00+01:00"}, "at"),
        ({"event": "ringing", "call_id": "x", "caller": "Eva"}, "caller"),
        ({"event": "ringing"}, "call_id"),
    ],
)
def test_events_that_are_refused(app, client, token, event, field):
    answer = client.post("/api/v1/calls", json=event, headers=bearer(token))
    assert answer.status_code == 422, answer.json
    assert field in [e["field"] for e in answer.json["errors"]]
    with app.app_context():
        assert db.session.scalar(select(Call)) is None


def test_call_events_need_their_scope(app, client, org):
    with app.app_context():
        reader = make_token(("tickets:read",), name="reader")
    answer = post(client, reader, event="ringing", call_id="c", number="0701234567")
    assert answer.status_code == 403
