"""Which language a page is in: the language links, the cookie, Accept-Language,
the staff's own choice, and the settings that name the languages."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from kundtjanst.auth.models import User
from kundtjanst.extensions import db

from .conftest import another_app, make_app


def html_tag(response) -> str:
    return re.search(r"<html[^>]*>", response.get_data(as_text=True)).group(0)


def links(response) -> dict[str, str]:
    """The language links on a page: hreflang → href."""
    found = re.findall(
        r'<a href="([^"]+)" hreflang="([^"]+)" lang="([^"]+)"', response.get_data(as_text=True)
    )
    assert all(hreflang == lang for _href, hreflang, lang in found)
    return {hreflang: href.replace("&amp;", "&") for href, hreflang, _lang in found}


def test_a_citizen_page_is_swedish_by_default_and_links_to_the_others(client):
    page = client.get("/fraga")
    assert html_tag(page) == '<html lang="sv" dir="ltr">'
    assert links(page) == {"en": "/sprak/en?next=/fraga", "fi": "/sprak/fi?next=/fraga"}
    assert '<span aria-current="true" lang="sv">Svenska</span>' in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("fi-FI,fi;q=0.9,en;q=0.8", "fi"),
        ("en-GB,en;q=0.9", "en"),
        ("de-DE,de;q=0.9", "sv"),
        ("de,en;q=0.5", "en"),
        ("*", "sv"),
        ("ö;q=x,,;;", "sv"),
    ],
)
def test_accept_language_is_the_first_guess(client, header, expected):
    page = client.get("/fragor-och-svar", headers={"Accept-Language": header})
    assert page.status_code == 200
    assert f'lang="{expected}"' in html_tag(page)


def test_a_language_link_is_remembered_and_leads_back_to_the_same_page(client):
    response = client.get("/sprak/fi?next=" + quote("/fraga?kategori=3", safe=""))
    assert response.status_code == 302
    assert response.headers["Location"] == "/fraga?kategori=3"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lang=fi;") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    # The cookie beats the browser's own wish.
    page = client.get("/fraga", headers={"Accept-Language": "en"})
    assert html_tag(page) == '<html lang="fi" dir="ltr">'
    assert set(links(page)) == {"sv", "en"}


def test_staff_pages_offer_only_the_staff_languages(client):
    client.get("/sprak/fi?next=/")
    login = client.get("/logga-in", headers={"Accept-Language": "fi"})
    # Finnish is a citizens' language only: the login page stays Swedish.
    assert html_tag(login) == '<html lang="sv" dir="ltr">'
    assert set(links(login)) == {"en"}


@pytest.mark.parametrize(
    "path",
    ["/sprak/de", "/sprak/", "/sprak/sv%00", "/sprak/" + "x" * 5000, "/sprak/..%2Fadmin"],
)
def test_an_unknown_language_is_a_404_and_sets_nothing(client, path):
    response = client.get(path)
    assert response.status_code == (400 if "%00" in path else 404)  # a NUL: errors.py
    assert "Set-Cookie" not in response.headers or "lang=" not in response.headers["Set-Cookie"]


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "", "fraga"])
def test_a_language_link_never_leads_off_the_site(client, target):
    response = client.get("/sprak/en?next=" + quote(target, safe=""))
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_a_forged_cookie_is_ignored(client):
    client.set_cookie("lang", "xx")
    assert html_tag(client.get("/fraga")) == '<html lang="sv" dir="ltr">'


def test_staff_choose_their_language_on_their_account_page(app, org, login_as):
    agent = login_as("agent")
    page = agent.get("/konto")
    assert page.status_code == 200 and "Språk" in page.get_data(as_text=True)
    saved = agent.post("/konto", data={"language": "en"}, follow_redirects=True)
    assert saved.status_code == 200
    text = saved.get_data(as_text=True)
    assert html_tag(saved) == '<html lang="en" dir="ltr">'
    assert "Your language has been saved." in text
    with app.app_context():
        assert db.session.get(User, org.users.agent).language == "en"
    # The inbox too, whatever the browser asks for.
    inbox = agent.get("/inkorg", headers={"Accept-Language": "sv"})
    assert html_tag(inbox) == '<html lang="en" dir="ltr">' and "Inbox" in inbox.get_data(
        as_text=True
    )
    # No language links for staff on staff pages: they choose on the account page.
    assert links(inbox) == {}


def test_the_chosen_language_comes_back_at_the_next_login(app, org):
    from .test_security import form_login

    with app.app_context():
        db.session.get(User, org.users.agent).language = "en"
        db.session.commit()
    client = app.test_client()
    form_login(client, org.emails.agent)
    assert html_tag(client.get("/inkorg")) == '<html lang="en" dir="ltr">'


@pytest.mark.parametrize("value", ["fi", "de", "", "en\x00", "e" * 3000, "SV"])
def test_a_language_that_staff_cannot_work_in_is_refused(app, org, login_as, value):
    agent = login_as("agent")
    response = agent.post("/konto", data={"language": value})
    assert response.status_code == 400
    assert "Välj ett av alternativen." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, org.users.agent).language is None


def test_the_change_is_audited(app, org, login_as):
    from kundtjanst.audit.models import AuditEntry

    login_as("agent").post("/konto", data={"language": "en"})
    with app.app_context():
        entry = db.session.query(AuditEntry).filter_by(action="auth.language_changed").one()
        assert entry.details["changes"] == {"language": [None, "en"]}


def test_a_municipality_may_switch_finnish_off(database_url):
    with another_app(database_url, CITIZEN_LANGUAGES=("sv", "en")) as app:
        page = app.test_client().get("/fraga", headers={"Accept-Language": "fi"})
        assert html_tag(page) == '<html lang="sv" dir="ltr">'
        assert set(links(page)) == {"en"}
        assert app.test_client().get("/sprak/fi").status_code == 404


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"CITIZEN_LANGUAGES": ("en", "fi")}, "CITIZEN_LANGUAGES must include the default"),
        ({"LANGUAGES": ("sv", "klingon!")}, "'klingon!' is not a language code"),
    ],
)
def test_language_settings_are_checked_at_start(database_url, overrides, message):
    with pytest.raises(RuntimeError, match=message):
        make_app(database_url, **overrides)


def test_the_setting_comes_from_the_environment(database_url, monkeypatch):
    monkeypatch.setenv("KUNDTJANST_CITIZEN_LANGUAGES", " sv, en ")
    with another_app(database_url) as app:
        assert app.config["CITIZEN_LANGUAGES"] == ("sv", "en")
