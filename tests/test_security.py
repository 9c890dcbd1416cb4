"""Hardening: security headers, the reverse proxy, session cookies and their
lifetime, logout, password hashing, changing one's own password and the
administrator's reset. (Login throttling: test_login_throttling.py.)"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from kundtjanst.auth.models import User
from kundtjanst.config import secure_cookies
from kundtjanst.extensions import db
from kundtjanst.security import CONTENT_SECURITY_POLICY

from .conftest import login, make_app
from .exporting import ask, export
from .factories import PASSWORD
from .test_intake import question

ROOT = Path(__file__).resolve().parent.parent
NEW_PASSWORD = "ett helt nytt lösenord"


@pytest.fixture
def make(app, database_url):
    """Applications with other settings, on the same migrated database."""
    made = []

    def build(**overrides):
        other = make_app(database_url, **overrides)
        made.append(other)
        return other

    yield build
    for other in made:
        with other.app_context():
            db.engine.dispose()


def text(response) -> str:
    return response.get_data(as_text=True)


def form_login(client, email, password=PASSWORD):
    return client.post("/logga-in", data={"email": email, "password": password})


def user(app, user_id) -> User:
    with app.app_context():
        found = db.session.get(User, user_id)
        db.session.expunge(found)
        return found


# --- headers ------------------------------------------------------------------------


def assert_security_headers(response, referrer="strict-origin-when-cross-origin"):
    headers = response.headers
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers.getlist("Referrer-Policy") == [referrer]
    assert headers["X-Frame-Options"] == "DENY"
    assert "camera=()" in headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in headers  # plain http


def test_the_policy_allows_only_the_sites_own_files():
    policy = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY


def test_headers_on_html_json_csv_errors_and_static_files(app, org, login_as):
    anonymous = app.test_client()
    assert_security_headers(anonymous.get("/fraga"))
    assert_security_headers(anonymous.get("/logga-in"))
    assert_security_headers(anonymous.get("/finns-inte"))  # 404 page
    assert_security_headers(anonymous.delete("/fraga/skickad"))  # 405
    with anonymous.get("/static/css/app.css") as static:
        assert static.status_code == 200
        assert_security_headers(static)
    manager = login_as("manager")
    json = manager.get("/statistik.json")
    assert json.is_json
    assert_security_headers(json)
    with export(app, manager) as csv:  # streamed: read to the end
        assert csv.get_data().startswith("\ufeff".encode())
        assert csv.mimetype == "text/csv"
        assert_security_headers(csv)
    assert_security_headers(manager.get(f"/statistik/kontaktlista.csv?date={date.today()}"))
    assert_security_headers(manager.get("/statistik.json?from=inte-ett-datum"))  # JSON 400


def test_pages_are_not_kept_in_any_cache_but_static_files_are(app, org, login_as):
    anonymous = app.test_client()
    manager = login_as("manager")
    for response in (
        anonymous.get("/fraga"),
        anonymous.get("/logga-in"),
        anonymous.get("/finns-inte"),
        login_as("agent").get("/inkorg"),
        manager.get("/statistik"),
        manager.get("/statistik.json"),
        manager.get(ask(manager)),
        manager.get(f"{ask(manager)}.json"),
        manager.get("/statistik/exporter"),
        manager.get(f"/statistik/kontaktlista.csv?date={date.today()}"),
        export(app, manager),  # streamed: last, so no request follows it unread
    ):
        with response:
            assert response.headers["Cache-Control"] == "no-store", response.request.path
    with anonymous.get("/static/css/app.css") as static:
        assert "no-store" not in static.headers.get("Cache-Control", "")


def test_headers_on_a_500(make):
    broken = make(PROPAGATE_EXCEPTIONS=False)

    def fail():
        raise RuntimeError("boom")

    broken.add_url_rule("/trasig", "broken", fail)
    response = broken.test_client().get("/trasig")
    assert response.status_code == 500
    assert_security_headers(response)


def test_the_status_page_keeps_no_referrer(app, client, org):
    client.post("/fraga", data=question(org))
    receipt = client.get("/fraga/skickad")
    assert_security_headers(receipt, referrer="no-referrer")
    link = re.search(r'href="http://127.0.0.1:5000(/arende/[A-Za-z0-9_-]+)"', text(receipt)).group(
        1
    )
    assert_security_headers(client.get(link), referrer="no-referrer")


def test_hsts_only_over_https(app):
    client = app.test_client()
    assert "Strict-Transport-Security" not in client.get("/fraga").headers
    secure = client.get("/fraga", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_hsts_can_be_turned_off(make):
    plain = make(HSTS_MAX_AGE=0)
    response = plain.test_client().get("/fraga", base_url="https://localhost")
    assert "Strict-Transport-Security" not in response.headers


def test_templates_need_nothing_the_policy_forbids():
    """No inline scripts (a script comes from a file: ``<script src=…>``), event
    handlers, style attributes or javascript: links."""
    forbidden = re.compile(
        r"<script(?![^>]*\ssrc=)|<style|\sstyle=|\son[a-z]+=|javascript:", re.IGNORECASE
    )
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in (ROOT / "templates").rglob("*.html")
        for match in forbidden.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


# --- behind a reverse proxy -----------------------------------------------------------

FORWARDED = {
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "kundtjanst.sjostad.se",
    "X-Forwarded-For": "203.0.113.9",
}


def receipt_link(client, org):
    """The receipt page after a question sent through the proxy, and its status link."""
    response = client.post("/fraga", data=question(org), headers=FORWARDED)
    assert response.status_code == 302
    receipt = client.get("/fraga/skickad", headers=FORWARDED)
    return receipt, re.search(r'id="status-link">([^<]+)<', text(receipt)).group(1)


def test_behind_a_trusted_proxy_requests_are_https_and_links_the_base_url(make, org):
    proxied = make(
        PROXY_FIX_X_FOR=1,
        PROXY_FIX_X_PROTO=1,
        PROXY_FIX_X_HOST=1,
        BASE_URL="https://kundtjanst.sjostad.se",
    )
    client = proxied.test_client()
    receipt, link = receipt_link(client, org)
    assert link.startswith("https://kundtjanst.sjostad.se/arende/")
    assert receipt.headers["Strict-Transport-Security"].startswith("max-age=")
    status = client.get(link.removeprefix("https://kundtjanst.sjostad.se"), headers=FORWARDED)
    assert status.status_code == 200
    assert "Strict-Transport-Security" in status.headers


def test_without_proxy_settings_forwarded_headers_are_ignored(app, org):
    receipt, link = receipt_link(app.test_client(), org)
    # Links come from KUNDTJANST_BASE_URL, never from a Host a client may forge.
    assert link.startswith("http://127.0.0.1:5000/arende/")
    assert "Strict-Transport-Security" not in receipt.headers


def test_the_throttle_counts_the_forwarded_address_only_behind_a_trusted_proxy(make, org):
    def failures(app, addresses):
        client = app.test_client()
        statuses = []
        for i, address in enumerate(addresses):
            response = client.post(
                "/logga-in",
                data={"email": f"gissning{i}@kommun.test", "password": "fel lösenord"},
                headers={"X-Forwarded-For": address},
            )
            statuses.append(response.status_code)
        return statuses

    same = ["203.0.113.5"] * 20
    proxied = make(RATELIMIT_ENABLED=True, PROXY_FIX_X_FOR=1)
    assert failures(proxied, [*same, "203.0.113.5", "203.0.113.6"]) == [400] * 20 + [429, 400]
    # Not behind a proxy: a made-up X-Forwarded-For does not escape the limit.
    direct = make(RATELIMIT_ENABLED=True)
    made_up = [f"203.0.113.{i}" for i in range(21)]
    assert failures(direct, made_up) == [400] * 20 + [429]


def test_proxy_counts_must_not_be_negative(make):
    with pytest.raises(RuntimeError, match="PROXY_FIX"):
        make(PROXY_FIX_X_FOR=-1)


# --- session cookies ------------------------------------------------------------------


def session_cookie(response) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert len(cookies) == 1, cookies
    return cookies[0]


def test_the_session_cookie_is_httponly_lax_and_lasts_eight_hours(app, org):
    response = form_login(app.test_client(), org.emails.agent)
    assert response.status_code == 302
    cookie = session_cookie(response)
    assert "; HttpOnly" in cookie
    assert "; SameSite=Lax" in cookie
    # Permanent: it lasts 8 hours, renewed by every request.
    expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", cookie).group(1))
    hours = (expires - datetime.now(UTC)).total_seconds() / 3600
    assert 7.9 < hours <= 8
    assert "; Secure" not in cookie  # BASE_URL is http here


def test_the_cookie_is_secure_when_served_over_https(make, org):
    for settings in ({"BASE_URL": "https://kundtjanst.sjostad.se"}, {"SECURE_COOKIES": "on"}):
        served = make(**settings)
        assert served.config["REMEMBER_COOKIE_SECURE"] is True
        response = form_login(served.test_client(), org.emails.agent)
        assert "; Secure" in session_cookie(response), settings


@pytest.mark.parametrize(
    ("setting", "base_url", "expected"),
    [
        ("auto", "https://kundtjanst.sjostad.se", True),
        ("auto", "http://127.0.0.1:5000", False),
        ("on", "http://127.0.0.1:5000", True),
        ("off", "https://kundtjanst.sjostad.se", False),
        (True, "", True),
        ("0", "https://x", False),
    ],
)
def test_secure_cookies_setting(setting, base_url, expected):
    assert secure_cookies({"SECURE_COOKIES": setting, "BASE_URL": base_url}) is expected


def test_the_settings_come_from_the_environment(monkeypatch, tmp_path):
    from werkzeug.middleware.proxy_fix import ProxyFix

    from kundtjanst import create_app

    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/env.db")
    for name, value in {
        "SECURE_COOKIES": "on",
        "PERMANENT_SESSION_LIFETIME": "3600",
        "LOGIN_LIMIT_PER_ACCOUNT": "3 per hour",
        "RATELIMIT_ENABLED": "0",
        "PROXY_FIX_X_FOR": "1",
        "PROXY_FIX_X_PROTO": "1",
        "HSTS_MAX_AGE": "600",
    }.items():
        monkeypatch.setenv(f"KUNDTJANST_{name}", value)
    configured = create_app()
    config = configured.config
    assert config["SESSION_COOKIE_SECURE"] is config["REMEMBER_COOKIE_SECURE"] is True
    assert configured.permanent_session_lifetime.total_seconds() == 3600
    assert config["LOGIN_LIMIT_PER_ACCOUNT"] == "3 per hour"
    assert config["RATELIMIT_ENABLED"] is False
    assert isinstance(configured.wsgi_app, ProxyFix)
    assert (configured.wsgi_app.x_for, configured.wsgi_app.x_proto) == (1, 1)
    assert configured.wsgi_app.x_host == 0
    response = configured.test_client().get("/tillganglighet", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"] == "max-age=600"
    with configured.app_context():
        db.engine.dispose()


def test_a_nonsense_secure_cookies_setting_is_refused():
    with pytest.raises(RuntimeError, match="SECURE_COOKIES"):
        secure_cookies({"SECURE_COOKIES": "kanske"})


@pytest.fixture
def clock(monkeypatch):
    """The time that signs and checks session cookies, moved by hand."""
    now = [TimestampSigner.get_timestamp(TimestampSigner("x"))]
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now[0])
    return now


def test_a_session_ends_after_its_lifetime_without_requests(make, org, clock):
    short = make(PERMANENT_SESSION_LIFETIME=600)
    client = short.test_client()
    assert form_login(client, org.emails.agent).status_code == 302
    for _ in range(3):  # each request renews the cookie: 9 idle minutes are fine
        clock[0] += 540
        assert client.get("/inkorg").status_code == 200
    clock[0] += 601
    response = client.get("/inkorg")
    assert response.status_code == 302
    assert "/logga-in" in response.headers["Location"]


# --- logout -----------------------------------------------------------------------------


def test_logout_ends_the_session_and_any_copy_of_its_cookie(app, org):
    client = app.test_client()
    form_login(client, org.emails.agent)
    old_cookie = client.get_cookie("session").value
    elsewhere = app.test_client()
    form_login(elsewhere, org.emails.agent)

    response = client.post("/logga-ut")
    assert response.status_code == 302
    assert "Du är utloggad." in text(client.get("/logga-in"))
    assert client.get("/inkorg").status_code == 302

    replay = app.test_client()
    replay.set_cookie("session", old_cookie)
    assert replay.get("/inkorg").status_code == 302
    # Logging out ends every session of the user, on other computers too.
    assert elsewhere.get("/inkorg").status_code == 302
    assert form_login(client, org.emails.agent).status_code == 302
    assert client.get("/inkorg").status_code == 200


def test_logout_keeps_the_language_chosen(app, org):
    client = app.test_client()
    form_login(client, org.emails.agent)
    client.post("/konto", data={"language": "en"})
    client.post("/logga-ut")
    with client.session_transaction() as session:
        assert session.get("lang") == "en"
        assert "_user_id" not in session


def test_a_session_id_without_its_version_is_refused(app, org):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(org.users.agent)  # the format before session versions
    assert client.get("/inkorg").status_code == 302


# --- password hashing ----------------------------------------------------------------


def test_passwords_are_hashed_with_scrypt(app, org, runner):
    result = runner.invoke(
        args=["users", "create", "--email", "ny@sjostad.se", "--name", "Ny Person"],
        input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        created = db.session.scalar(select(User).where(User.email == "ny@sjostad.se"))
        assert created.password_hash.startswith("scrypt:")
        assert not created.password_needs_rehash


def test_an_old_hash_is_upgraded_at_login(app, org):
    with app.app_context():
        agent = db.session.get(User, org.users.agent)
        agent.password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256")
        db.session.commit()
        assert agent.password_needs_rehash
    client = app.test_client()
    assert form_login(client, org.emails.agent).status_code == 302
    upgraded = user(app, org.users.agent)
    assert upgraded.password_hash.startswith("scrypt:")
    assert upgraded.check_password(PASSWORD)
    assert client.get("/inkorg").status_code == 200  # the session goes on


# --- changing one's own password ----------------------------------------------------


def change(client, current=PASSWORD, new=NEW_PASSWORD, confirm=None):
    return client.post(
        "/konto/losenord",
        data={"current_password": current, "new_password": new, "confirm": confirm or new},
    )


def test_the_header_links_the_account_page_and_it_the_password_page(login_as):
    agent = login_as("agent")
    assert 'href="/konto">Mitt konto</a>' in text(agent.get("/inkorg"))
    assert 'href="/konto/losenord">Byt lösenord</a>' in text(agent.get("/konto"))
    page = agent.get("/konto/losenord")
    assert page.status_code == 200
    assert "<h1>Byt lösenord</h1>" in text(page)
    assert "Minst 10 tecken." in text(page)


def test_changing_the_password_ends_every_other_session(app, org):
    client = app.test_client()
    form_login(client, org.emails.agent)
    elsewhere = app.test_client()
    form_login(elsewhere, org.emails.agent)

    response = change(client)
    assert response.status_code == 302
    assert "Ditt lösenord är bytt." in text(client.get(response.headers["Location"]))
    assert client.get("/inkorg").status_code == 200  # this session goes on
    assert elsewhere.get("/inkorg").status_code == 302  # the other one has ended

    changed = user(app, org.users.agent)
    assert changed.password_hash.startswith("scrypt:")
    assert changed.check_password(NEW_PASSWORD) and not changed.check_password(PASSWORD)
    fresh = app.test_client()
    assert form_login(fresh, org.emails.agent).status_code == 400
    assert form_login(fresh, org.emails.agent, NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"current": "fel lösenord"}, "Det nuvarande lösenordet är fel."),
        ({"new": "kort", "confirm": "kort"}, "Lösenordet måste ha minst 10 tecken."),
        ({"confirm": "ett annat lösenord"}, "De två nya lösenorden är inte likadana."),
        ({"new": PASSWORD}, "Välj ett nytt lösenord, inte det du har nu."),
        ({"new": "nytt\x00lösenord!", "confirm": "nytt\x00lösenord!"}, "inte är tillåtna"),
        ({"current": "fel\x1b[0m lösen"}, "inte är tillåtna"),
        ({"current": ""}, "Skriv ditt nuvarande lösenord."),
        ({"new": "", "confirm": ""}, "Skriv ett nytt lösenord."),
        ({"new": "x" * 201, "confirm": "x" * 201}, "200"),
    ],
)
def test_a_bad_password_change_is_refused_clearly(app, org, login_as, data, message):
    before = user(app, org.users.agent)
    client = login_as("agent")
    response = change(client, **data)
    assert response.status_code == 400
    page = text(response)
    assert message in page
    assert 'class="error-summary"' in page
    after = user(app, org.users.agent)
    assert (after.password_hash, after.session_version) == (
        before.password_hash,
        before.session_version,
    )
    assert client.get("/inkorg").status_code == 200  # still logged in


def test_the_password_page_needs_a_login(client):
    response = client.get("/konto/losenord")
    assert response.status_code == 302 and "/logga-in" in response.headers["Location"]


# --- the administrator's reset ---------------------------------------------------------


def test_an_administrators_reset_replaces_the_password_and_ends_sessions(app, org, login_as):
    member = app.test_client()
    form_login(member, org.emails.member)
    admin = login_as("admin")
    response = admin.post(f"/admin/anvandare/{org.users.member}/losenord", data={"password": "k"})
    assert response.status_code == 400  # too short: nothing changes
    assert member.get("/mina").status_code == 200

    response = admin.post(
        f"/admin/anvandare/{org.users.member}/losenord", data={"password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert member.get("/mina").status_code == 302  # logged out
    assert user(app, org.users.member).password_hash.startswith("scrypt:")
    fresh = app.test_client()
    assert form_login(fresh, org.emails.member).status_code == 400
    assert form_login(fresh, org.emails.member, NEW_PASSWORD).status_code == 302
    assert admin.get("/admin/anvandare").status_code == 200  # the administrator's goes on


def test_the_login_helper_of_the_tests_follows_the_session_version(app, org, login_as):
    with app.app_context():
        db.session.get(User, org.users.agent).end_sessions()
        db.session.commit()
    assert login_as("agent").get("/inkorg").status_code == 200
    plain = app.test_client()
    login(plain, org.users.agent)
    assert plain.get("/inkorg").status_code == 200


def test_deactivation_ends_sessions_for_good_even_if_the_user_returns(app, org, login_as):
    """A copy of the cookie from before the deactivation does not come back to life
    when the account is activated again."""
    with app.app_context():
        db.session.get(User, org.users.member).email = "bo.bygg@kommun.se"
        db.session.commit()
    member = app.test_client()
    assert form_login(member, "bo.bygg@kommun.se").status_code == 302
    admin = login_as("admin")
    url = f"/admin/anvandare/{org.users.member}/redigera"
    form = {"email": "bo.bygg@kommun.se", "name": "Bo Bygg", "role": "staff"}
    assert admin.post(url, data=form).status_code == 302  # not ticked: deactivated
    assert member.get("/mina").status_code == 302
    assert admin.post(url, data={**form, "active": "y"}).status_code == 302
    assert member.get("/mina").status_code == 302  # the old session stays ended
    assert form_login(app.test_client(), "bo.bygg@kommun.se").status_code == 302
