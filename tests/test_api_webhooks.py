"""Webhooks through the API, and an integrator's whole day: a token, a ticket made
from a script, changes paged, a signed webhook when it is resolved, verified with the
Standard Webhooks library."""

from __future__ import annotations

import json

import pytest
from standardwebhooks.webhooks import Webhook

from kundtjanst.extensions import db
from kundtjanst.webhooks.sending import deliver

from .api_helpers import bearer, make_token, ticket_body

MANAGE = ("tickets:read", "tickets:write", "webhooks:manage")


@pytest.fixture
def token(app, org) -> str:
    with app.app_context():
        return make_token(MANAGE, name="diariet")


def test_an_integrators_day(app, client, token, receiver):
    made = client.post(
        "/api/v1/webhooks",
        json={"url": receiver.url, "events": ["ticket.resolved"], "description": "Diariet"},
        headers=bearer(token),
    )
    assert made.status_code == 201, made.json
    secret = made.json["secret"]
    assert secret.startswith("whsec_")
    listed = client.get("/api/v1/webhooks", headers=bearer(token)).json
    assert [w["url"] for w in listed] == [receiver.url]
    assert "secret" not in listed[0]

    ticket = client.post(
        "/api/v1/tickets", json=ticket_body(), headers=bearer(token, **{"Idempotency-Key": "a1"})
    ).json
    since = client.get("/api/v1/tickets", headers=bearer(token)).json
    assert [t["reference"] for t in since["items"]] == [ticket["reference"]]
    resolved = client.post(
        f"/api/v1/tickets/{ticket['reference']}/resolve",
        json={"outcome": "forwarded", "diarienummer": "KS 2026/123"},
        headers=bearer(token),
    )
    assert resolved.status_code == 200
    with app.app_context():
        deliver()
        db.session.remove()
    assert len(receiver.received) == 1
    got = receiver.received[0]
    payload = Webhook(secret).verify(got.body, got.headers)  # raises if the signature is wrong
    assert payload["type"] == "ticket.resolved"
    assert payload["data"]["reference"] == ticket["reference"]
    assert payload["data"]["outcome"] == "forwarded"
    assert payload["data"]["url"] == ticket["url"]
    assert "eva@example.org" not in got.body.decode()


@pytest.mark.parametrize(
    "body, field",
    [
        ({"url": "http://169.254.169.254/latest/meta-data", "events": ["ticket.created"]}, "url"),
        ({"url": "http://10.0.0.1/hook", "events": ["ticket.created"]}, "url"),
        ({"url": "http://127.0.0.1:9/hook", "events": ["ticket.created"]}, "url"),
        ({"url": "http://localhost:9/hook", "events": ["ticket.created"]}, "url"),
        ({"url": "ftp://example.org/x", "events": ["ticket.created"]}, "url"),
        ({"url": "https://example.org/x", "events": []}, "events"),
        ({"url": "https://example.org/x", "events": ["ticket.deleted"]}, "events.0"),
        (
            {"url": "https://example.org/x", "events": ["ticket.created"], "groups": ["nope"]},
            "groups",
        ),
        (
            {
                "url": "https://example.org/x",
                "events": ["ticket.created"],
                "scopes": ["confidential:socialtjanst"],
            },
            "scopes",
        ),
        (
            {"url": "https://example.org/x", "events": ["ticket.created"], "secret": "mine"},
            "secret",
        ),
        ({"url": "https://exa\r\nmple.org/x", "events": ["ticket.created"]}, "url"),
    ],
)
def test_subscriptions_that_are_refused(app, client, token, body, field):
    answer = client.post("/api/v1/webhooks", json=body, headers=bearer(token))
    assert answer.status_code == 422, answer.json
    assert field in [e["field"] for e in answer.json["errors"]]
    assert client.get("/api/v1/webhooks", headers=bearer(token)).json == []


def test_a_confidential_scope_needs_the_tokens_own(app, client, org, loopback):
    with app.app_context():
        member = make_token(
            (*MANAGE, "confidential:socialtjanst"), user_id=org.users.social, name="social"
        )
    body = {
        "url": "http://127.0.0.1:9/hook",
        "events": ["ticket.created"],
        "scopes": ["confidential:socialtjanst"],
        "groups": ["socialtjanst"],
    }
    made = client.post("/api/v1/webhooks", json=body, headers=bearer(member))
    assert made.status_code == 201, made.json
    assert made.json["scopes"] == ["confidential:socialtjanst"]
    assert made.json["groups"] == ["socialtjanst"]


def test_rotate_and_delete(app, client, token, loopback):
    made = client.post(
        "/api/v1/webhooks",
        json={"url": "http://127.0.0.1:9/hook", "events": ["ticket.created"]},
        headers=bearer(token),
    ).json
    path = f"/api/v1/webhooks/{made['id']}"
    assert client.get(path, headers=bearer(token)).json["url"] == "http://127.0.0.1:9/hook"
    rotated = client.post(f"{path}/rotate", headers=bearer(token))
    assert rotated.status_code == 200
    assert rotated.json["secret"] != made["secret"] and rotated.json["previous_valid_until"]
    gone = client.delete(path, headers=bearer(token))
    assert gone.status_code == 204 and gone.data == b""
    assert client.get(path, headers=bearer(token)).status_code == 404
    assert client.delete(path, headers=bearer(token)).status_code == 404
    assert client.get("/api/v1/webhooks/99999999999", headers=bearer(token)).status_code == 404


def test_webhooks_need_their_scope(app, client, org):
    with app.app_context():
        reader = make_token(("tickets:read",), name="reader")
    assert client.get("/api/v1/webhooks", headers=bearer(reader)).status_code == 403
    answer = client.post(
        "/api/v1/webhooks",
        json={"url": "https://example.org", "events": ["ticket.created"]},
        headers=bearer(reader),
    )
    assert answer.status_code == 403
    assert json.loads(answer.data)["detail"].endswith("webhooks:manage.")
