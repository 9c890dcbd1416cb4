"""Languages in a real browser: a citizen chooses Finnish with JavaScript off and
keeps it from page to page; axe-core finds nothing on the English and Finnish
pages, each with the right ``lang`` (issue 16)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from kundtjanst.auth.models import User
from kundtjanst.extensions import db
from kundtjanst.kb import services as kb
from kundtjanst.kb.models import ArticleState, Visibility
from kundtjanst.org.models import Category, Group

from ..factories import PASSWORD
from . import scenes
from .helpers import check_accessibility
from .layout import translator

pytestmark = pytest.mark.browser


def html_lang(page) -> str:
    return page.locator("html").get_attribute("lang")


def test_a_citizen_chooses_finnish_without_javascript(new_page, scene, tmp_path):
    sv, fi = translator("sv"), translator("fi")
    citizen = new_page(javascript=False)
    citizen.goto("/fraga")
    assert html_lang(citizen) == "sv"
    languages = citizen.get_by_role("navigation", name=sv("Language"))
    suomi = languages.get_by_role("link", name="Suomi")
    expect(suomi).to_have_attribute("hreflang", "fi")
    expect(suomi).to_have_attribute("lang", "fi")
    suomi.click()

    # The same page, now in Finnish.
    expect(citizen).to_have_url(re.compile(r"/fraga$"))
    assert html_lang(citizen) == "fi"
    expect(citizen.get_by_role("heading", level=1)).to_have_text(fi("Ask a question"))
    expect(citizen.get_by_role("button", name=fi("Send question"))).to_be_visible()
    languages = citizen.get_by_role("navigation", name=fi("Language"))
    expect(languages.locator("[aria-current]")).to_have_text("Suomi")
    citizen.screenshot(path=tmp_path / "fraga-fi.png", full_page=True)

    # It stays Finnish on the next pages: by a link, and by the status link.
    footer = citizen.get_by_role("contentinfo")
    footer.get_by_role("link", name=fi("Questions and answers")).click()
    expect(citizen).to_have_url(re.compile(r"/fragor-och-svar$"))
    assert html_lang(citizen) == "fi"
    expect(citizen.get_by_role("heading", level=1)).to_have_text(fi("Questions and answers"))
    citizen.goto(f"/arende/{scene.answered.token}")
    assert html_lang(citizen) == "fi"
    expect(citizen.get_by_role("heading", name=fi("Messages"))).to_be_visible()
    citizen.screenshot(path=tmp_path / "status-fi.png", full_page=True)

    # And back to Swedish, on the same page.
    languages = citizen.get_by_role("navigation", name=fi("Language"))
    languages.get_by_role("link", name="Svenska").click()
    expect(citizen).to_have_url(re.compile(rf"/arende/{scene.answered.token}$"))
    assert html_lang(citizen) == "sv"
    expect(citizen.get_by_role("heading", name="Meddelanden")).to_be_visible()
    citizen.goto("/fraga")
    assert html_lang(citizen) == "sv"
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Ställ en fråga")


# --- axe on the English and Finnish pages ------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    open: Callable  # (page, scene, t) -> None, t the page language's gettext
    status: int = 200


def visit(path: str) -> Callable:
    return lambda page, s, t: page.goto(path.format(s=s))


def form_errors(page, s, t) -> None:
    page.goto("/fraga")
    page.get_by_role("button", name=t("Send question"), exact=True).click()


def sent_question(page, s, t) -> None:
    page.goto("/fraga")
    page.get_by_label(t("Subject area")).select_option(label="Avfall")
    page.get_by_label(t("Heading"), exact=True).fill("Glasigloo full")
    page.get_by_label(t("Your question")).fill("Glasigloon vid torget är full.")
    page.get_by_role("button", name=t("Send question"), exact=True).click()
    expect(page.locator("#reference")).to_be_visible()


CITIZEN_CASES = [
    Case("start", visit("/")),
    Case("question-form", visit("/fraga")),
    Case("question-form-errors", form_errors, 400),
    Case("receipt", sent_question),
    Case("status-page", visit("/arende/{s.answered.token}")),
    Case("faq", visit("/fragor-och-svar")),
    Case("faq-article", visit("/fragor-och-svar/{s.article}")),
    Case("accessibility-statement", visit("/tillganglighet")),
    Case("privacy", visit("/personuppgifter")),
]

STAFF_CASES = [
    ("inbox", "agent", "/inkorg"),
    ("ticket", "agent", "/arenden/{s.inbox.reference}"),
    ("queue", "member", "/ko/bygglov"),
    ("dashboard", "manager", "/statistik"),
]


@pytest.fixture
def scene(app, org) -> SimpleNamespace:
    """Questions in the states the pages show, and a public answer."""
    with app.app_context():
        owner = db.session.get(User, org.users.other)
        article = kb.create_article(
            owner,
            kb.ArticleFields(
                title="Hämtningsdagar för sopor",
                summary="Soptunnan töms varannan vecka.",
                body="## Så gör du\n\nTitta i **hämtningskalendern**.",
                group=db.session.get(Group, org.groups.miljo),
                categories=[db.session.get(Category, org.categories.avfall)],
                visibility=Visibility.PUBLIC,
                state=ArticleState.PUBLISHED,
            ),
        ).id
        db.session.commit()
        return SimpleNamespace(
            org=org,
            article=article,
            inbox=scenes.web_question(org),
            answered=scenes.answered(org, subject="Parkeringstillstånd"),
            queued=scenes.escalated(org),
        )


def log_in_as(page, email: str) -> None:
    """The login form (in Swedish: the browser's language) by a user who works in
    another language."""
    page.goto("/logga-in")
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()


def choose_language(page, code: str) -> None:
    """Follow the language link, as a citizen does (the cookie it sets)."""
    page.goto("/")
    page.locator(f'.language-links a[hreflang="{code}"]').click()
    assert html_lang(page) == code


@pytest.mark.parametrize("code", ["en", "fi"])
@pytest.mark.parametrize("case", CITIZEN_CASES, ids=[c.id for c in CITIZEN_CASES])
def test_citizen_pages_have_no_axe_violations(case, code, new_page, scene, axe_source):
    page = new_page()
    choose_language(page, code)
    statuses = []
    page.on(
        "response",
        lambda r: statuses.append(r.status) if r.request.is_navigation_request() else None,
    )
    case.open(page, scene, translator(code))
    page.wait_for_load_state()
    assert statuses and statuses[-1] == case.status, statuses
    assert html_lang(page) == code
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    check_accessibility(page, axe_source, f"{case.id} in {code}")


@pytest.mark.parametrize(("what", "who", "path"), STAFF_CASES, ids=[c[0] for c in STAFF_CASES])
def test_staff_pages_in_english_have_no_axe_violations(
    what, who, path, app, new_page, scene, axe_source
):
    with app.app_context():
        db.session.get(User, getattr(scene.org.users, who)).language = "en"
        db.session.commit()
    page = new_page()
    log_in_as(page, getattr(scene.org.emails, who))
    expect(page.get_by_role("button", name="Log out")).to_be_visible()  # at once in English
    response = page.goto(path.format(s=scene))
    assert response.status == 200, f"{path}: {response.status}"
    assert html_lang(page) == "en"
    # The staff menu is English too (the user's language, not the browser's Swedish).
    expect(page.get_by_role("navigation", name="Main menu")).to_be_visible()
    check_accessibility(page, axe_source, f"{what} in English")
