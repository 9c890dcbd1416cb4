"""The API in the secrecy matrix: the same scenarios as the pages
(tests/test_secrecy_surfaces.py), through tokens. A confidential ticket is read through
the API only with the scope ``confidential:<group>`` and a user who is a member of that
group; everyone else finds nothing of it, on any API surface."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from kundtjanst.api.models import ApiToken
from kundtjanst.api.queries import confidential_group_ids, ticket_condition
from kundtjanst.extensions import db
from kundtjanst.permissions import can_view
from kundtjanst.tickets.models import Ticket

from .api_helpers import bearer, make_token
from .test_secrecy_surfaces import (
    CLOSED_LEAKS,
    CLOSED_TEXT,
    LEAKS,
    NOTE,
    SCENARIOS,
    WHO,
    assert_no_leak,
    make,
)

READ = ("tickets:read", "tickets:internal", "stats:read")
SURFACES = [
    "/api/v1/tickets",
    "/api/v1/tickets?total=true&limit=200",
    "/api/v1/tickets?group=socialtjanst",
    "/api/v1/tickets?updated_since=2000-01-01T00:00:00Z",
    "/api/v1/tickets/{open}",
    "/api/v1/tickets/{closed}",
    "/api/v1/statistics?period=today",
]


def _tokens(app, org, who: str) -> dict[str, str]:
    """The plain token of ``who``; and, for Socialtjänst's member, one with the scope
    (nobody else can get one: the service refuses it)."""
    with app.app_context():
        user_id = getattr(org.users, who)
        made = {"plain": make_token(READ, user_id=user_id, name=f"{who}-plain")}
        if who == "social":
            made["scoped"] = make_token(
                (*READ, "confidential:socialtjanst"), user_id=user_id, name=f"{who}-scoped"
            )
        return made


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_no_api_surface_shows_contents_without_the_scope(app, org, client, scenario, who):
    refs = make(app, org, scenario)
    for kind, token in _tokens(app, org, who).items():
        for surface in SURFACES:
            url = surface.format(open=refs[0], closed=refs[1])
            answer = client.get(url, headers=bearer(token))
            assert answer.status_code in (200, 404), (url, answer.status_code)
            if kind == "plain":
                assert_no_leak(
                    json.dumps(answer.json, ensure_ascii=False), LEAKS + CLOSED_LEAKS, url
                )
        if kind == "scoped":
            opened = client.get(f"/api/v1/tickets/{refs[0]}", headers=bearer(token))
            closed = client.get(f"/api/v1/tickets/{refs[1]}", headers=bearer(token))
            assert opened.status_code == closed.status_code == 200
            assert NOTE in json.dumps(opened.json, ensure_ascii=False)
            assert CLOSED_TEXT in json.dumps(closed.json, ensure_ascii=False)


def test_an_integrations_token_never_sees_confidential_tickets(app, org, client):
    refs = make(app, org, "in socialtjänst")
    with app.app_context():
        token = make_token(READ, name="integration")
    listed = client.get("/api/v1/tickets?limit=200", headers=bearer(token)).json
    assert not {t["reference"] for t in listed["items"]} & set(refs)
    for ref in refs:
        assert client.get(f"/api/v1/tickets/{ref}", headers=bearer(token)).status_code == 404


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_the_api_filter_is_the_pages_filter_narrowed_by_scope(app, org, scenario):
    """What a token reads = what its user may read (`can_view`), less the confidential
    tickets of groups the token has no scope for."""
    make(app, org, scenario)
    for who in WHO:
        _tokens(app, org, who)
    with app.app_context():
        tickets = list(db.session.scalars(select(Ticket)))
        for token in db.session.scalars(select(ApiToken)):
            allowed = set(confidential_group_ids(token))
            seen = set(db.session.scalars(select(Ticket.id).where(ticket_condition(token))))
            expected = {
                t.id
                for t in tickets
                if can_view(token.user, t) and (not t.confidential or t.secrecy_group_id in allowed)
            }
            assert seen == expected, token.name
