"""Questions and answers for citizens, in a real browser: a citizen without
JavaScript finds a public answer on /fragor-och-svar; on /fraga the answers offered
before sending, both ways ("I found the answer", "Send my question anyway"); axe on
every new page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from kundtjanst.auth.models import User
from kundtjanst.extensions import db
from kundtjanst.kb import services
from kundtjanst.kb.models import ArticleState, SelfServiceAnswer, Visibility
from kundtjanst.org.models import Category, Group
from kundtjanst.tickets.models import Ticket

from .helpers import REFERENCE, check_accessibility

pytestmark = pytest.mark.browser


@pytest.fixture
def answers(app, org):
    """Public answers about bins and one about building permits; a draft."""
    with app.app_context():
        owner = db.session.get(User, org.users.other)
        group = db.session.get(Group, org.groups.miljo)
        avfall = db.session.get(Category, org.categories.avfall)
        bygglov = db.session.get(Category, org.categories.bygglov)
        made = {}
        for key, title, summary, body, area, state in (
            (
                "bin",
                "Soptunnan har inte tömts",
                "Anmäl en missad tömning till renhållningen, så kommer de inom två dagar.",
                "## Så gör du\n\n1. Ring renhållningen på 0123-45 67 80.\n"
                "2. Eller anmäl på webben.\n\nTömningen görs inom **två arbetsdagar**.",
                avfall,
                ArticleState.PUBLISHED,
            ),
            (
                "schedule",
                "Hämtningsdagar för sopor",
                "Soptunnan töms varannan vecka.",
                "",
                avfall,
                ArticleState.PUBLISHED,
            ),
            (
                "altan",
                "Bygglov för altan",
                "En altan högre än 1,8 meter kräver bygglov.",
                "",
                bygglov,
                ArticleState.PUBLISHED,
            ),
            ("draft", "Soptunnan utkast", "Inte klart.", "", avfall, ArticleState.DRAFT),
        ):
            made[key] = services.create_article(
                owner,
                services.ArticleFields(
                    title=title,
                    summary=summary,
                    body=body,
                    group=group,
                    categories=[area],
                    visibility=Visibility.PUBLIC,
                    state=state,
                ),
            ).id
        db.session.commit()
        return made


def counts(app) -> tuple[int, int]:
    with app.app_context():
        tickets = db.session.scalar(select(func.count()).select_from(Ticket))
        found = db.session.scalar(select(func.count()).select_from(SelfServiceAnswer))
        return tickets, found


def test_a_citizen_without_javascript_finds_a_public_answer(new_page, answers, org, screenshot):
    citizen = new_page(javascript=False)
    citizen.goto("/")
    citizen.get_by_role("link", name="sök bland frågor och svar").click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Frågor och svar")
    expect(citizen.get_by_role("heading", name="Avfall")).to_be_visible()
    expect(citizen.get_by_role("link", name="Bygglov för altan")).to_be_visible()
    expect(citizen.get_by_text("Soptunnan utkast")).to_have_count(0)
    screenshot(citizen, "list")

    citizen.get_by_label("Sök bland frågor och svar").fill("tömning")
    citizen.get_by_role("button", name="Sök", exact=True).click()
    expect(citizen.get_by_role("heading", level=2).first).to_have_text("1 svar hittades")
    expect(citizen.locator("#hits mark").first).to_have_text("tömning")
    screenshot(citizen, "search")
    citizen.get_by_role("link", name="Soptunnan har inte tömts").click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Soptunnan har inte tömts")
    expect(citizen.locator("#short-answer")).to_contain_text("inom två dagar")
    expect(citizen.locator("#article-body strong")).to_have_text("två arbetsdagar")
    screenshot(citizen, "article")
    citizen.get_by_role("link", name="Ställ din fråga").click()
    # The question form starts in the answer's subject area.
    expect(citizen.get_by_label("Ämnesområde")).to_have_value(str(org.categories.avfall))


def test_every_new_page_has_no_axe_violations(new_page, answers, axe_source, org):
    page = new_page()
    page.goto("/fragor-och-svar")
    check_accessibility(page, axe_source, "the questions and answers")
    page.goto("/fragor-och-svar?q=soptunnan")
    check_accessibility(page, axe_source, "a search")
    page.goto("/fragor-och-svar?q=fjärrvärme")
    check_accessibility(page, axe_source, "a search without hits")
    page.goto(f"/fragor-och-svar/{answers['bin']}")
    check_accessibility(page, axe_source, "an answer")
    ask(page)
    check_accessibility(page, axe_source, "the answers offered on /fraga")
    page.get_by_role("button", name="Jag hittade svaret").first.click()
    check_accessibility(page, axe_source, "the thanks")


def ask(page) -> None:
    page.goto("/fraga")
    page.get_by_label("Ämnesområde").select_option(label="Avfall")
    page.get_by_label("Rubrik", exact=True).fill("Soptunnan har inte tömts")
    page.get_by_label("Din fråga").fill("Vår soptunna tömdes inte i tisdags.\nVad gör jag?")
    page.get_by_label("Namn").fill("Eva Medborgare")
    page.get_by_label("E-post").fill("eva@example.org")
    page.get_by_role("button", name="Skicka frågan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kanske finns svaret redan här")


@pytest.mark.parametrize("javascript", [False, True])
def test_the_step_on_the_question_form_found_the_answer(
    app, new_page, answers, screenshot, javascript
):
    citizen = new_page(javascript=javascript)
    ask(citizen)
    offered = citizen.locator("#suggested > li")
    expect(offered).to_have_count(2)
    expect(offered.first).to_contain_text("Anmäl en missad tömning")
    screenshot(citizen, "step")
    offered.filter(has_text="Soptunnan har inte tömts").get_by_role(
        "button", name="Jag hittade svaret"
    ).click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Bra att du hittade svaret")
    screenshot(citizen, "thanks")
    assert counts(app) == (0, 1)


@pytest.mark.parametrize("javascript", [False, True])
def test_the_step_on_the_question_form_send_anyway(app, new_page, answers, screenshot, javascript):
    citizen = new_page(javascript=javascript)
    ask(citizen)
    citizen.get_by_role("button", name="Skicka min fråga ändå").click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text(
        "Tack, vi har tagit emot din fråga"
    )
    reference = citizen.locator("#reference").inner_text()
    assert REFERENCE.fullmatch(reference)
    screenshot(citizen, "receipt")
    assert counts(app) == (1, 0)
    with app.app_context():
        ticket = db.session.scalar(select(Ticket))
        assert ticket.reference == reference
        assert ticket.subject == "Soptunnan har inte tömts"
        # The line break of the question survives the hidden field (sent as CRLF, as
        # every browser sends a textarea's line breaks too).
        assert ticket.description.replace("\r\n", "\n") == (
            "Vår soptunna tömdes inte i tisdags.\nVad gör jag?"
        )
        assert (ticket.citizen_name, ticket.citizen_email) == ("Eva Medborgare", "eva@example.org")
