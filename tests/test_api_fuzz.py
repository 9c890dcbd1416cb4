"""Every POST of the API with the bodies tests/test_fuzz.py sends the pages, and then
some: JSON of every shape is refused by field (422), anything that is no JSON is a 415,
nothing is a 500, and nothing is stored."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from kundtjanst.extensions import db
from kundtjanst.tickets.models import Event, Ticket

from .api_helpers import bearer, make_token
from .factories import new_ticket
from .test_fuzz import FORM_SHAPED, JSON_BODIES, NOT_FORMS
from .webhook_helpers import subscribe

MORE_JSON = (
    '{"channel": "web", "subject": "x", "text": "y", "citizen": "eva@example.org"}',
    '{"channel": "web", "subject": "x", "text": "y", "category": true}',
    '{"channel": "web", "subject": "x", "text": "y", "category": 1e400}',
    '{"channel": "web", "subject": "\\u0000", "text": "y"}',
    '{"channel": "web", "subject": "x", "text": "y", "priority": ["high"]}',
    '{"channel": "web", "subject": "x", "text": "y", "language": ["fi"]}',
    '{"channel": "web", "subject": "x", "text": "y", "language": 5}',
    '{"channel": "web", "subject": "x", "text": "y", "language": "fi\\u0000"}',
    '{"kind": "note", "body": {"html": "<b>x</b>"}}',
    '{"kind": "ghost", "body": "x"}',
    '{"group": ["bygglov"]}',
    '{"group": "bygglov\\r\\nX: y"}',
    '{"outcome": "answered", "reply": 5}',
    '{"outcome": "forwarded", "diarienummer": "   "}',
    '{"a": ' * 200 + "1" + "}" * 200,
    '{"channel": "web", "channel": "chat", "subject": "x"}',
)


def _nothing(url: str, body) -> bool:
    """An action that takes no body (rotating a secret) does its work when sent none."""
    return url.endswith("/rotate") and not body


def _counts(app) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.scalar(select(func.count(Ticket.id))),
            db.session.scalar(select(func.count(Event.id))),
        )


@pytest.fixture
def urls(app, org, loopback) -> list[str]:
    with app.app_context():
        ticket, _ = new_ticket()
        sub, _secret = subscribe("http://127.0.0.1:9/hook", ["ticket.created"])
        fill = {"reference": ticket.reference, "webhook_id": str(sub.id)}
    return sorted(
        re.sub(r"<(?:\w+:)?(\w+)>", lambda m: fill[m.group(1)], rule.rule)
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and rule.rule.startswith("/api/")
    )


def test_every_api_post_refuses_what_it_cannot_read(app, org, client, urls):
    with app.app_context():
        token = make_token(("tickets:read", "tickets:write", "calls:write", "webhooks:manage"))
    assert len(urls) >= 4
    before = _counts(app)
    for url in urls:
        for content_type, body in NOT_FORMS + FORM_SHAPED:
            headers = bearer(token)
            if content_type is not None:
                headers["Content-Type"] = content_type
            answer = client.post(url, data=body, headers=headers)
            assert answer.status_code != 500, (url, content_type, body)
            if _nothing(url, body):
                continue
            assert answer.mimetype == "application/problem+json", (url, content_type)
            if content_type == "application/json":
                assert answer.status_code == 422, (url, body, answer.status_code)
                assert answer.json["errors"], (url, body)
            elif not (content_type or "").startswith("application/json"):
                assert answer.status_code == 415, (url, content_type, answer.status_code)
        for body in (*JSON_BODIES, *MORE_JSON):
            answer = client.post(
                url, data=body, headers=bearer(token, **{"Content-Type": "application/json"})
            )
            if _nothing(url, body):
                assert answer.status_code == 200, (url, body)
                continue
            assert answer.status_code in (409, 422), (url, body, answer.status_code)
            assert answer.json["title"] and answer.json["status"] == answer.status_code
    assert _counts(app) == before


def test_without_a_token_no_body_is_read(app, org, client, urls):
    """JSON and forms: 401 before anything reads them. Other types are refused (415)
    by the application's first guard, before the token is even looked at."""
    for url in urls:
        for content_type, body in NOT_FORMS + FORM_SHAPED:
            headers = {"Content-Type": content_type} if content_type else {}
            answer = client.post(url, data=body, headers=headers)
            readable = (content_type or "").split(";")[0] in (
                "application/json",
                "multipart/form-data",
                "application/x-www-form-urlencoded",
            )
            assert answer.status_code == (401 if readable else 415), (url, content_type)
            assert answer.mimetype == "application/problem+json"
