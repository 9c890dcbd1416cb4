"""The tickets resource: list and filters, create, messages, escalate, resolve, and
what bad input, bodies and limits get."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from kundtjanst.core.timeutil import utcnow
from kundtjanst.extensions import db
from kundtjanst.mail.models import CLOSING, RECEIPT, OutgoingMail
from kundtjanst.tickets.models import Event, Ticket

from .api_helpers import bearer, make_token, ticket_body
from .conftest import make_app
from .factories import new_ticket


@pytest.fixture
def token(app, org) -> str:
    with app.app_context():
        return make_token()


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Ticket.id)))


def test_create_then_read(app, client, token):
    made = client.post("/api/v1/tickets", json=ticket_body(), headers=bearer(token))
    assert made.status_code == 201, made.json
    body = made.json
    assert made.headers["Location"] == body["url"]
    assert body["status"] == "open" and body["channel"] == "web"
    assert body["language"] == "sv"  # none given: the default
    assert body["group"]["slug"] == "kundtjanst"
    assert body["status_url"].startswith("http://127.0.0.1:5000/arende/")
    read = client.get(f"/api/v1/tickets/{body['reference']}", headers=bearer(token))
    assert read.status_code == 200
    assert "status_url" not in read.json
    assert read.json["citizen"]["email"] == "eva@example.org"
    assert [e["kind"] for e in read.json["timeline"]] == ["created"]
    with app.app_context():
        ticket = db.session.scalar(select(Ticket))
        receipts = db.session.scalars(
            select(OutgoingMail).where(OutgoingMail.ticket_id == ticket.id)
        ).all()
        assert [m.kind for m in receipts] == [RECEIPT]


def test_create_routes_by_subject_area(app, client, org, token):
    made = client.post(
        "/api/v1/tickets",
        json=ticket_body(category=org.categories.bygglov, channel="chat"),
        headers=bearer(token),
    )
    assert made.status_code == 201
    assert made.json["category"]["name"] == "Bygglov"


def test_idempotency_key_makes_one_ticket(app, client, token):
    headers = bearer(token, **{"Idempotency-Key": "order-4711"})
    first = client.post("/api/v1/tickets", json=ticket_body(), headers=headers)
    again = client.post("/api/v1/tickets", json=ticket_body(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json == first.json
    assert _count(app) == 1
    other = client.post("/api/v1/tickets", json=ticket_body(subject="Annat"), headers=headers)
    assert other.status_code == 422
    assert other.json["errors"][0]["field"] == "Idempotency-Key"
    new_key = bearer(token, **{"Idempotency-Key": "order-4712"})
    assert client.post("/api/v1/tickets", json=ticket_body(), headers=new_key).status_code == 201
    assert _count(app) == 2


def test_list_filters_and_paging(app, client, org, token):
    with app.app_context():
        for n in range(7):
            new_ticket(subject=f"Fråga {n}", channel="email" if n % 2 else "web")
        new_ticket(subject="Bygg", category_id=org.categories.bygglov)
    page = client.get("/api/v1/tickets?limit=3&total=true", headers=bearer(token))
    assert page.status_code == 200
    assert page.json["total"] == 8 and len(page.json["items"]) == 3
    seen = [t["subject"] for t in page.json["items"]]
    link = page.json["next"]
    assert page.headers["Link"] == f'<{link}>; rel="next"'
    while link:
        assert link.startswith("http://127.0.0.1:5000/api/v1/tickets?")
        page = client.get(link.removeprefix("http://127.0.0.1:5000"), headers=bearer(token))
        seen += [t["subject"] for t in page.json["items"]]
        link = page.json["next"]
    assert seen == [f"Fråga {n}" for n in range(7)] + ["Bygg"]

    def refs(query):
        answer = client.get(f"/api/v1/tickets?{query}", headers=bearer(token))
        assert answer.status_code == 200, answer.json
        return [t["subject"] for t in answer.json["items"]]

    assert refs("channel=email") == ["Fråga 1", "Fråga 3", "Fråga 5"]
    assert refs(f"category={org.categories.bygglov}") == ["Bygg"]
    assert refs("group=kundtjanst&status=open&limit=1")[0] == "Fråga 0"
    assert refs("status=resolved") == []
    assert refs("group=nosuchgroup") == []
    future = (utcnow() + timedelta(hours=1)).isoformat()
    assert refs(f"updated_since={future.replace('+', '%2B')}") == []
    assert len(refs("updated_since=2020-01-01T00:00:00")) == 8


def test_updated_since_sees_changes(app, client, token):
    with app.app_context():
        old, _ = new_ticket(subject="Gammal")
        new_ticket(subject="Orörd")
        db.session.execute(
            Ticket.__table__.update().values(updated_at=utcnow() - timedelta(days=3))
        )
        db.session.commit()
        reference = old.reference
    since = (utcnow() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    listed = client.get(f"/api/v1/tickets?updated_since={since}", headers=bearer(token))
    assert listed.json["items"] == []
    sync_from = listed.json["sync_from"]
    note = {"kind": "note", "body": "Ringde upp"}
    client.post(f"/api/v1/tickets/{reference}/messages", json=note, headers=bearer(token))
    changed = client.get(
        "/api/v1/tickets", query_string={"updated_since": sync_from}, headers=bearer(token)
    )
    assert [t["reference"] for t in changed.json["items"]] == [reference]


def test_messages_notes_escalate_resolve(app, client, org, token):
    made = client.post("/api/v1/tickets", json=ticket_body(), headers=bearer(token)).json
    ref = made["reference"]
    note = client.post(
        f"/api/v1/tickets/{ref}/messages",
        json={"kind": "note", "body": "Intern"},
        headers=bearer(token),
    )
    assert note.status_code == 201 and note.json["public"] is False
    citizen = client.post(
        f"/api/v1/tickets/{ref}/messages",
        json={"kind": "citizen", "body": "Tillägg"},
        headers=bearer(token),
    )
    assert citizen.status_code == 201 and citizen.json["public"] is True
    up = client.post(
        f"/api/v1/tickets/{ref}/escalate",
        json={"group": "bygglov", "note": "Till bygg"},
        headers=bearer(token),
    )
    assert up.status_code == 200 and up.json["group"]["slug"] == "bygglov"
    again = client.post(
        f"/api/v1/tickets/{ref}/escalate", json={"group": "miljo"}, headers=bearer(token)
    )
    assert again.status_code == 409 and again.mimetype == "application/problem+json"
    forwarded = client.post(
        f"/api/v1/tickets/{ref}/resolve", json={"outcome": "forwarded"}, headers=bearer(token)
    )
    assert forwarded.status_code == 422
    assert [e["field"] for e in forwarded.json["errors"]] == ["diarienummer"]
    done = client.post(
        f"/api/v1/tickets/{ref}/resolve",
        json={"outcome": "answered", "reply": "Du behöver inte bygglov."},
        headers=bearer(token),
    )
    assert done.status_code == 200 and done.json["status"] == "resolved"
    assert done.json["first_contact"] is False
    closed = client.post(
        f"/api/v1/tickets/{ref}/resolve", json={"outcome": "answered"}, headers=bearer(token)
    )
    assert closed.status_code == 409
    public_only = make_token_in(app, ("tickets:read",))
    seen = client.get(f"/api/v1/tickets/{ref}", headers=bearer(public_only)).json["timeline"]
    assert [e["kind"] for e in seen] == ["created", "citizen_message", "reply"]
    everything = client.get(f"/api/v1/tickets/{ref}", headers=bearer(token)).json["timeline"]
    assert "note" in [e["kind"] for e in everything]
    with app.app_context():
        kinds = [m.kind for m in db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id))]
        assert kinds == [RECEIPT, CLOSING]


def make_token_in(app, scopes, **kwargs) -> str:
    with app.app_context():
        return make_token(scopes, name="other", **kwargs)


def test_a_users_token_acts_with_the_users_rights(app, client, org):
    with app.app_context():
        ticket, _ = new_ticket()
        reference = ticket.reference
    member = make_token_in(app, ("tickets:read", "tickets:write"), user_id=org.users.member)
    agent = make_token_in(app, ("tickets:read", "tickets:write"), user_id=org.users.agent)
    # A svarsgrupp member may not read kundtjänst's tickets at all.
    answer = client.post(
        f"/api/v1/tickets/{reference}/resolve", json={"outcome": "answered"}, headers=bearer(member)
    )
    assert answer.status_code == 404
    done = client.post(
        f"/api/v1/tickets/{reference}/resolve", json={"outcome": "answered"}, headers=bearer(agent)
    )
    assert done.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(Ticket)).resolved_by_id == org.users.agent


@pytest.mark.parametrize(
    "changes, fields",
    [
        ({"channel": "fax"}, ["channel"]),
        ({"channel": 3}, ["channel"]),
        ({"subject": ""}, ["subject"]),
        ({"subject": "a\r\nBcc: x@y.se"}, ["subject"]),
        ({"subject": "a\u202eb"}, ["subject"]),
        ({"subject": "x" * 201}, ["subject"]),
        ({"text": "nul\x00byte"}, ["text"]),
        ({"text": None}, ["text"]),
        ({"category": 99999999999}, ["category"]),
        ({"category": 4242}, ["category"]),
        ({"category": "1"}, ["category"]),
        ({"citizen": {"email": "inte en adress"}}, ["citizen.email"]),
        ({"citizen": {"phone": "ring mig"}}, ["citizen.phone"]),
        ({"citizen": {"shoe_size": 43}}, ["citizen.shoe_size"]),
        ({"admin": True}, ["admin"]),
        ({"language": "klingon"}, ["language"]),
        ({"priority": "urgent", "channel": "fax"}, ["channel", "priority"]),
    ],
)
def test_create_refuses_bad_input_by_field(app, client, token, changes, fields):
    answer = client.post("/api/v1/tickets", json=ticket_body(**changes), headers=bearer(token))
    assert answer.status_code == 422, answer.json
    assert answer.mimetype == "application/problem+json"
    assert sorted(e["field"] for e in answer.json["errors"]) == fields
    assert _count(app) == 0


@pytest.mark.parametrize(
    "body, content_type, status",
    [
        (b"{not json", "application/json", 422),
        (b"[1, 2]", "application/json", 422),
        (b'"text"', "application/json", 422),
        (b"channel=web", "application/x-www-form-urlencoded", 415),
        (b"<ticket/>", "application/xml", 415),
        (b"", None, 422),  # no body at all: the required fields are missing
    ],
)
def test_bodies_that_are_no_json_object(app, client, token, body, content_type, status):
    headers = bearer(token)
    if content_type:
        headers["Content-Type"] = content_type
    answer = client.post("/api/v1/tickets", data=body, headers=headers)
    assert answer.status_code == status, answer.get_data(as_text=True)
    assert answer.mimetype == "application/problem+json"
    assert _count(app) == 0


def test_request_bodies_are_capped(app, client, token):
    huge = ticket_body(text="a" * (300 * 1024))
    answer = client.post("/api/v1/tickets", json=huge, headers=bearer(token))
    assert answer.status_code == 413
    assert answer.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/tickets/KT-2026-000001",
        "/api/v1/tickets/nonsense",
        "/api/v1/tickets/%00",
        "/api/v1/tickets/KT-2026-000001/messages",
        "/api/v1/nothing",
        "/api/v1/articles/99999999999999",
    ],
)
def test_unknown_addresses_are_problems(app, client, token, path):
    method = client.post if path.endswith("messages") else client.get
    kwargs = {"json": {"kind": "note", "body": "x"}} if path.endswith("messages") else {}
    answer = method(path, headers=bearer(token), **kwargs)
    assert answer.status_code in (400, 404)
    assert answer.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=201",
        "limit=x",
        "cursor=%%%",
        "cursor=eyJhZnRlciI6LTF9",
        "status=lost",
        "updated_since=yesterday",
        "total=maybe",
        "unknown=1",
        "updated_since=0001-01-01T00:00:00%2B01:00",
        "updated_since=9999-12-31T23:59:59-14:00",
    ],
)
def test_list_refuses_bad_parameters(app, client, token, query):
    answer = client.get(f"/api/v1/tickets?{query}", headers=bearer(token))
    assert answer.status_code == 422, (query, answer.json)
    assert answer.json["errors"]


def test_rate_limit_per_token(app, org, database_url):
    limited = make_app(database_url, RATELIMIT_ENABLED=True, API_RATE_LIMIT="3/minute")
    try:
        with limited.app_context():
            first = make_token(("kb:read",), name="a")
            second = make_token(("kb:read",), name="b")
        client = limited.test_client()
        answers = [client.get("/api/v1/groups", headers=bearer(first)) for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert [a.headers["RateLimit-Remaining"] for a in answers[:3]] == ["2", "1", "0"]
        assert answers[0].headers["RateLimit-Limit"] == "3"
        assert 0 < int(answers[3].headers["Retry-After"]) <= 60
        assert answers[3].mimetype == "application/problem+json"
        assert client.get("/api/v1/groups", headers=bearer(second)).status_code == 200
    finally:
        with limited.app_context():
            db.engine.dispose()


def test_statistics_equal_the_dashboards(app, client, org, login_as):
    with app.app_context():
        for n in range(3):
            new_ticket(subject=f"Fråga {n}")
        token = make_token(("stats:read",), user_id=org.users.manager)
        integration = make_token(("stats:read",), name="intranet")
    manager = login_as("manager")
    for query in (
        "",
        "?period=year",
        f"?period=year&group={org.groups.kundtjanst}",
        "?period=today&channel=web",
    ):
        page = manager.get(f"/statistik.json{query}").json
        assert client.get(f"/api/v1/statistics{query}", headers=bearer(token)).json == page
        assert client.get(f"/api/v1/statistics{query}", headers=bearer(integration)).json == page
    bad = client.get("/api/v1/statistics?period=custom&from=2026-13-01", headers=bearer(token))
    assert bad.status_code == 422


def test_events_count(app, client, token):
    """A note through the API is one timeline entry, no more."""
    ref = client.post("/api/v1/tickets", json=ticket_body(), headers=bearer(token)).json
    client.post(
        f"/api/v1/tickets/{ref['reference']}/messages",
        json={"kind": "note", "body": "x"},
        headers=bearer(token),
    )
    with app.app_context():
        assert db.session.scalar(select(func.count(Event.id))) == 2
