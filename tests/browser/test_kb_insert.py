"""The knowledge panel in the browser: an article's short answer or a template goes
into the reply without a page load (kb-insert.js), and through the server the same
way without JavaScript; the reply records what it used; the pages pass axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from kundtjanst.auth.models import User
from kundtjanst.extensions import db
from kundtjanst.kb import services as kb
from kundtjanst.kb.models import ArticleState, KnowledgeUse
from kundtjanst.org.models import Category, Group
from kundtjanst.tickets.models import Event, Ticket

from . import scenes
from .helpers import check_accessibility, flash_text, log_in

pytestmark = pytest.mark.browser

SHORT = "Soptunnan töms varannan vecka. Missad tömning hämtas inom två arbetsdagar."


def knowledge(org) -> tuple[int, int]:
    article = kb.create_article(
        None,
        kb.ArticleFields(
            title="Soptunnan tömdes inte",
            summary=SHORT,
            body="## Missad tömning\n\nRing oss eller skriv.",
            group=db.session.get(Group, org.groups.miljo),
            categories=[db.session.get(Category, org.categories.avfall)],
            state=ArticleState.PUBLISHED,
        ),
    )
    template = kb.save_template(
        None,
        db.session.get(User, org.users.agent),
        name="Hälsning",
        body="Hej {namn}! Ditt ärende {ärendenummer} är klart. /{handläggare}",
        group=None,
    )
    db.session.commit()
    return article.id, template.id


def ticket_version(app, reference: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Ticket.version).where(Ticket.reference == reference))


def uses(app) -> list[tuple]:
    with app.app_context():
        return [
            (u.article_id, u.template_id, u.event_id is not None)
            for u in db.session.scalars(select(KnowledgeUse).order_by(KnowledgeUse.id))
        ]


def test_insert_with_javascript_without_a_page_load(app, new_page, org, axe_source, screenshot):
    with app.app_context():
        made = scenes.web_question(org)
        article_id, template_id = knowledge(org)
    page = new_page()
    log_in(page, org.emails.agent)
    page.goto(f"/arenden/{made.reference}")
    panel = page.get_by_role("region", name="Kunskap")
    expect(panel).to_contain_text("Soptunnan tömdes inte")
    check_accessibility(page, axe_source, "the ticket page with the knowledge panel")

    page.evaluate("() => { window.stillHere = true; }")
    reply = page.get_by_label("Svara medborgaren")
    reply.fill("Hej!")
    panel.get_by_role("button", name="Infoga i svaret").first.click()
    expect(reply).to_have_value(f"Hej!\n\n{SHORT}")
    assert page.evaluate("() => window.stillHere === true"), "the page was loaded again"
    assert page.locator("#reply-used_articles").input_value() == str(article_id)
    screenshot(page)

    page.get_by_role("button", name="Skicka svar").click()
    assert "Svaret skickades" in flash_text(page)
    assert uses(app) == [(article_id, None, True)]
    expect(page.locator(".knowledge-used")).to_contain_text("Soptunnan tömdes inte")

    # A template into the closing answer: the anonymous citizen's {namn} stops it.
    page.get_by_text("Svarsmallar (1)").click()
    page.get_by_role("button", name="Infoga i avslutssvaret").last.click()
    closing = page.get_by_label("Svar till medborgaren")
    expect(closing).to_have_value(
        f"Hej {{namn}}! Ditt ärende {made.reference} är klart. /Anna Agent"
    )
    page.get_by_role("button", name="Avsluta ärendet").click()
    expect(page.get_by_role("alert")).to_contain_text("Fyll i {namn} innan du skickar")
    check_accessibility(page, axe_source, "the ticket page with a blocked placeholder")
    screenshot(page, "blocked")
    closing.fill(closing.input_value().replace("{namn}", "Karin"))
    page.get_by_role("button", name="Avsluta ärendet").click()
    assert "Ärendet avslutades" in flash_text(page)
    assert uses(app) == [(article_id, None, True), (None, template_id, True)]
    with app.app_context():
        bodies = list(db.session.scalars(select(Event.body).where(Event.kind == "reply")))
    assert bodies[-1].startswith("Hej Karin! Ditt ärende")


def test_insert_without_javascript_through_the_server(app, new_page, org, screenshot):
    with app.app_context():
        made = scenes.web_question(org)
        article_id, _template_id = knowledge(org)
    version = ticket_version(app, made.reference)
    page = new_page(javascript=False)
    log_in(page, org.emails.agent)
    page.goto(f"/arenden/{made.reference}")
    page.get_by_label("Svara medborgaren").fill("Hej!")
    search = page.get_by_label("Sök artiklar och svarsmallar")
    search.fill("missad tömning")
    search.press("Enter")  # the panel's search, with the reply kept
    page.wait_for_load_state()
    panel = page.get_by_role("region", name="Kunskap")
    expect(panel).to_contain_text("Artiklar som hittades för ”missad tömning”")
    expect(page.get_by_label("Svara medborgaren")).to_have_value("Hej!")
    panel.get_by_role("button", name="Infoga i svaret").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/svara")
    expect(page.get_by_label("Svara medborgaren")).to_have_value(f"Hej!\n\n{SHORT}")
    screenshot(page)
    assert ticket_version(app, made.reference) == version  # nothing saved
    page.get_by_role("button", name="Skicka svar").click()
    assert "Svaret skickades" in flash_text(page)
    assert uses(app) == [(article_id, None, True)]


def test_new_contact_two_words_insert_and_finish(app, new_page, org, axe_source, screenshot):
    with app.app_context():
        article_id, _template_id = knowledge(org)
    page = new_page()
    log_in(page, org.emails.agent)
    page.goto("/ny-kontakt")
    page.get_by_label("Ämnesområde").select_option(label="Avfall")
    page.get_by_label("Ärendemening").fill("Tunnan")
    search = page.get_by_label("Sök artiklar och svarsmallar")
    search.fill("soptunnan töms")
    search.press("Enter")  # searches: nothing is saved
    panel = page.get_by_role("region", name="Kunskap")
    expect(panel).to_contain_text("Soptunnan tömdes inte")
    check_accessibility(page, axe_source, "Ny kontakt with search hits")
    panel.get_by_role("button", name="Infoga i svaret").first.click()
    expect(page.get_by_label("Svar som gavs")).to_have_value(SHORT)
    screenshot(page)
    # Enter in a one-line field sends the form with its own button, not an insert.
    page.get_by_label("Ärendemening").press("Enter")
    page.wait_for_url("**/ny-kontakt")
    assert "registrerad som besvarad" in flash_text(page)
    assert uses(app) == [(article_id, None, True)]
