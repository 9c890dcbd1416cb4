"""API tokens: made, refused, expired, revoked; scopes; audit; the CLI and the admin page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from kundtjanst.api import services
from kundtjanst.api.errors import ApiError
from kundtjanst.api.models import ApiToken
from kundtjanst.audit.models import AuditEntry
from kundtjanst.auth.models import User
from kundtjanst.core import apitokens
from kundtjanst.core.timeutil import local_today, utcnow
from kundtjanst.extensions import db
from kundtjanst.org.models import Group

from .api_helpers import bearer, make_token
from .factories import new_ticket


def test_token_format_has_prefix_and_checksum():
    text = apitokens.new_token()
    assert re.fullmatch(apitokens.PATTERN, text)
    assert apitokens.well_formed(text)
    typo = text[:-1] + ("A" if text[-1] != "A" else "B")
    assert not apitokens.well_formed(typo)
    assert not apitokens.well_formed("evin_short")
    assert not apitokens.well_formed(text.replace("evin_", "xxxx_"))


def test_only_a_hash_is_stored(app, org):
    with app.app_context():
        text = make_token(("tickets:read",))
        row = db.session.scalar(select(ApiToken))
        assert row.token_hash == apitokens.token_hash(text)
        assert text not in (row.hint, row.token_hash, row.name)
        assert row.hint.startswith("evin_") and len(row.hint) < 12


@pytest.mark.parametrize(
    "scopes, user, field",
    [
        ((), None, "scopes"),
        (("tickets:read", "tickets:everything"), None, "scopes"),
        (("confidential:socialtjanst",), None, "scopes"),  # no user
        (("confidential:socialtjanst",), "agent", "scopes"),  # not a member
        (("confidential:nosuchgroup",), "social", "scopes"),  # no such group
    ],
)
def test_refused_scopes(app, org, scopes, user, field):
    with app.app_context():
        who = db.session.get(User, getattr(org.users, user)) if user else None
        with pytest.raises(ApiError) as refused:
            services.create_token("x", scopes, user=who)
        assert refused.value.field == field
        db.session.rollback()
        assert db.session.scalar(select(ApiToken)) is None


def test_refused_names_and_expiry(app, org):
    with app.app_context():
        for name in ("", "   ", "a\nb", "x" * 121, "a\u202eb"):
            with pytest.raises(ApiError):
                services.create_token(name, ["tickets:read"])
        for when in (utcnow() - timedelta(days=1), utcnow() + timedelta(days=800)):
            with pytest.raises(ApiError):
                services.create_token("x", ["tickets:read"], expires_at=when)


def _get(client, text, path="/api/v1/tickets", **headers):
    return client.get(path, headers=bearer(text, **headers) if text is not None else headers)


def test_each_refusal_has_its_status(app, org, client):
    with app.app_context():
        good = make_token(("tickets:read",))
        expired = make_token(("tickets:read",), name="old")
        revoked = make_token(("tickets:read",), name="gone")
        stats_only = make_token(("stats:read",), name="intranet")
        db.session.execute(
            ApiToken.__table__.update()
            .where(ApiToken.name == "old")
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
        services.revoke(db.session.scalar(select(ApiToken).where(ApiToken.name == "gone")))
        db.session.commit()
    assert _get(client, good).status_code == 200
    missing = client.get("/api/v1/tickets")
    assert missing.status_code == 401 and missing.mimetype == "application/problem+json"
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    for text in ("nonsense", good[:-1] + "x", apitokens.new_token(), expired, revoked):
        answer = _get(client, text)
        assert answer.status_code == 401, text
        assert answer.json["status"] == 401
    assert client.get("/api/v1/tickets", headers={"Authorization": good}).status_code == 401
    scope = _get(client, stats_only)
    assert scope.status_code == 403 and "tickets:read" in scope.json["detail"]


def test_a_deactivated_users_token_stops_working(app, org, client):
    with app.app_context():
        text = make_token(("tickets:read",), user_id=org.users.agent)
        db.session.get(User, org.users.agent).active = False
        db.session.commit()
    assert _get(client, text).status_code == 401


def test_confidential_tickets_need_scope_and_membership(app, org, client):
    with app.app_context():
        ticket, _ = new_ticket(category_id=org.categories.bistand)
        reference = ticket.reference
        assert ticket.confidential
        plain = make_token(("tickets:read",), user_id=org.users.social, name="a")
        scoped = make_token(
            ("tickets:read", "confidential:socialtjanst"), user_id=org.users.social, name="b"
        )
        integration = make_token(("tickets:read",), name="c")
    path = f"/api/v1/tickets/{reference}"
    assert _get(client, plain, path).status_code == 404
    assert _get(client, integration, path).status_code == 404
    assert _get(client, scoped, path).status_code == 200
    assert reference in [t["reference"] for t in _get(client, scoped).json["items"]]
    assert reference not in [t["reference"] for t in _get(client, plain).json["items"]]
    # The member leaves the group: the scope alone opens nothing.
    with app.app_context():
        social = db.session.get(User, org.users.social)
        social.groups = [g for g in social.groups if g.id != org.groups.social]
        db.session.commit()
    assert _get(client, scoped, path).status_code == 404
    assert reference not in [t["reference"] for t in _get(client, scoped).json["items"]]


def test_session_cookies_never_authenticate(app, org, login_as):
    agent = login_as("agent")
    assert agent.get("/inkorg").status_code == 200  # the cookie works on the pages
    answer = agent.get("/api/v1/tickets")
    assert answer.status_code == 401
    posted = agent.post("/api/v1/tickets", json={"channel": "web"})
    assert posted.status_code == 401


def test_every_call_is_audited_with_the_tokens_name(app, org, client):
    with app.app_context():
        text = make_token(("tickets:read",), name="diariet", user_id=org.users.agent)
    assert _get(client, text).status_code == 200
    assert _get(client, text, "/api/v1/tickets/KT-2026-999999").status_code == 404
    with app.app_context():
        calls = list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "api.call")))
        assert [(c.details["token"], c.details["status"]) for c in calls] == [
            ("diariet", 200),
            ("diariet", 404),
        ]
        assert all(c.user_id == org.users.agent for c in calls)
        assert db.session.scalar(select(ApiToken)).last_used_at is not None


def test_errors_in_swedish_or_english(app, org, client):
    with app.app_context():
        text = make_token(("tickets:read",))
    sv = client.get("/api/v1/tickets?limit=0", headers=bearer(text))
    en = client.get("/api/v1/tickets?limit=0", headers=bearer(text, **{"Accept-Language": "en"}))
    assert sv.status_code == en.status_code == 422
    assert sv.json["title"] == "Ogiltiga uppgifter"
    assert en.json["title"] == "Invalid input"
    assert en.json["errors"][0]["field"] == "limit"


def test_cli_creates_lists_and_revokes(app, org, runner, client):
    last_day = (local_today() + timedelta(days=400)).isoformat()
    made = runner.invoke(
        args=[
            "api",
            "token",
            "create",
            "--name",
            "växel",
            "--scope",
            "calls:write",
            "--user",
            "AGENT@kommun.test",
            "--expires",
            last_day,
        ]
    )
    assert made.exit_code == 0, made.output
    text = made.stdout.strip().splitlines()[0]
    assert apitokens.well_formed(text)
    listed = runner.invoke(args=["api", "token", "list"])
    assert "växel" in listed.output and text not in listed.output
    assert last_day in listed.output
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    assert runner.invoke(args=["api", "token", "revoke", str(token_id)]).exit_code == 0
    assert _get(client, text, "/api/v1/groups").status_code == 401
    bad = runner.invoke(args=["api", "token", "create", "--name", "x", "--scope", "nope"])
    assert bad.exit_code != 0 and "Unknown scope" in bad.output
    nobody = runner.invoke(
        args=["api", "token", "create", "--name", "x", "--scope", "kb:read", "--user", "no@x.se"]
    )
    assert nobody.exit_code != 0
    assert runner.invoke(args=["api", "token", "revoke", "99999999999"]).exit_code != 0


def test_admin_page_makes_a_token_once_and_revokes(app, org, login_as, client):
    admin = login_as("admin")
    assert login_as("agent").get("/admin/api").status_code == 403
    page = admin.post(
        "/admin/api",
        data={"name": "Intranätet", "scopes": ["stats:read", "kb:read"], "user": "", "expires": ""},
    )
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    text = re.search(r'value="(evin_[0-9A-Za-z]+)"', page.get_data(as_text=True)).group(1)
    assert _get(client, text, "/api/v1/statistics").status_code == 200
    listing = admin.get("/admin/api").get_data(as_text=True)
    assert "Intranätet" in listing and text not in listing
    with app.app_context():
        token = db.session.scalar(select(ApiToken))
        assert token.created_by_id == org.users.admin
        audit = db.session.scalar(
            select(AuditEntry).where(AuditEntry.action == "api.token_created")
        )
        assert audit.details["token"] == "Intranätet"
    assert admin.post(f"/admin/api/{token.id}/aterkalla").status_code == 302
    assert _get(client, text, "/api/v1/statistics").status_code == 401


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "scopes": ["kb:read"]},
        {"name": "x", "scopes": []},
        {"name": "x", "scopes": ["root"]},
        {"name": "x\r\ny", "scopes": ["kb:read"]},
        {"name": "x", "scopes": ["kb:read"], "expires": "31/12/2027"},
        {"name": "x", "scopes": ["kb:read"], "expires": "2001-01-01"},
        {"name": "x", "scopes": ["kb:read"], "user": "99999999999"},
        {"name": "x", "scopes": ["confidential:socialtjanst"], "user": ""},
        {"name": "x\x00", "scopes": ["kb:read"]},
    ],
)
def test_admin_page_refuses_hostile_input_clearly(app, org, login_as, data):
    admin = login_as("admin")
    page = admin.post("/admin/api", data=data)
    assert page.status_code == 400
    assert "evin_" not in page.get_data(as_text=True).replace('"evin_', "")
    with app.app_context():
        assert db.session.scalar(select(ApiToken)) is None


def test_admin_revoke_of_unknown_token_is_404(app, org, login_as):
    admin = login_as("admin")
    assert admin.post("/admin/api/99999999999/aterkalla").status_code == 404
    assert admin.post("/admin/api/12345/aterkalla").status_code == 404


def test_a_confidential_scope_is_offered_for_confidential_groups_only(app, org, login_as):
    page = login_as("admin").get("/admin/api").get_data(as_text=True)
    assert "confidential:socialtjanst" in page
    assert "confidential:bygglov" not in page
    with app.app_context():
        assert db.session.scalar(select(Group).where(Group.slug == "socialtjanst")).confidential
