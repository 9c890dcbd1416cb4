"""Every person's journey through En väg in, in a real browser, asserted on what they see."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from . import scenes
from .helpers import (
    REFERENCE,
    active,
    active_label,
    flash_text,
    focus_is_visible,
    log_in,
    tab_to,
)

pytestmark = pytest.mark.browser


def press_tab(page, expected: str) -> None:
    """Tab once; the focus must land on ``expected`` (an id, or a link's text) and show."""
    page.keyboard.press("Tab")
    assert active_label(page) == expected, f"focus went to {active_label(page)!r}"
    assert focus_is_visible(page), f"no visible focus on {expected!r}"


def skip_to_content(page) -> None:
    """The first Tab reaches the skip link, which is then visible; Enter moves focus to main."""
    page.keyboard.press("Tab")
    assert active_label(page) == "Hoppa till innehållet"
    skip = page.get_by_role("link", name="Hoppa till innehållet")
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, "skip link is off screen"
    page.keyboard.press("Enter")
    assert active(page) == "main"


# --- the citizen ------------------------------------------------------------------------


def test_citizen_asks_by_keyboard_reads_the_answer_and_replies(
    new_page, org, screenshot, live_server
):
    citizen = new_page()
    citizen.goto("/fraga")
    assert citizen.locator("html").get_attribute("lang") == "sv"
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Ställ en fråga")

    # Sent empty first (Enter in the heading field): the errors are announced and linked.
    skip_to_content(citizen)
    press_tab(citizen, "category")
    press_tab(citizen, "subject")
    citizen.keyboard.press("Enter")
    expect(citizen).to_have_title(re.compile(r"^Fel: Ställ en fråga"))
    summary = citizen.get_by_role("alert")
    expect(summary).to_contain_text("Något behöver rättas")
    expect(summary.get_by_role("link")).to_have_text(
        [
            "Ämnesområde: Välj vad din fråga handlar om.",
            "Rubrik: Skriv en kort rubrik.",
            "Din fråga: Skriv din fråga.",
        ]
    )
    subject = citizen.get_by_label("Rubrik", exact=True)
    expect(subject).to_have_attribute("aria-invalid", "true")
    expect(subject).to_have_accessible_description(re.compile("Skriv en kort rubrik."))

    # The summary comes before the form; its first link takes the keyboard to the field.
    tab_to(citizen, "el.closest('.error-summary')")
    assert active_label(citizen) == "Ämnesområde: Välj vad din fråga handlar om."
    assert focus_is_visible(citizen)
    citizen.keyboard.press("Enter")
    assert active(citizen) == "category"
    citizen.keyboard.press("a")  # type-ahead: the first subject area beginning with A
    expect(citizen.get_by_label("Ämnesområde")).to_have_value(str(org.categories.avfall))
    press_tab(citizen, "subject")
    citizen.keyboard.type("Soptunnan har inte tömts")
    press_tab(citizen, "question")
    citizen.keyboard.type("Vår soptunna på Storgatan 1 tömdes inte i tisdags.")
    press_tab(citizen, "attachments")  # the file input: left empty
    press_tab(citizen, "name")
    citizen.keyboard.type("Eva Invånare")
    press_tab(citizen, "email")
    citizen.keyboard.type("eva@example.org")
    press_tab(citizen, "phone")
    press_tab(citizen, "Läs mer om hur vi hanterar personuppgifter")
    page_text = "Skicka frågan"
    press_tab(citizen, page_text)
    citizen.keyboard.press("Enter")

    # The receipt: the reference and the private status link.
    expect(citizen.get_by_role("heading", level=1)).to_have_text(
        "Tack, vi har tagit emot din fråga"
    )
    reference = citizen.locator("#reference").inner_text()
    assert REFERENCE.fullmatch(reference)
    link = citizen.locator("#status-link")
    href = link.get_attribute("href")
    assert href.startswith(f"{live_server}/arende/")
    expect(link).to_have_text(href)

    # Following the link by keyboard shows the question as received.
    skip_to_content(citizen)
    press_tab(citizen, "status-link")
    citizen.keyboard.press("Enter")
    citizen.wait_for_url(href)
    expect(citizen.get_by_role("heading", level=1)).to_contain_text(reference)
    expect(citizen.locator("#ticket-status")).to_have_text("Mottagen – vi arbetar med din fråga")
    expect(citizen.locator(".conversation")).to_contain_text("Vår soptunna på Storgatan 1")

    # Kundtjänst answers from its inbox.
    agent = new_page()
    log_in(agent, org.emails.agent)
    agent.get_by_role("link", name=reference).click()
    agent.get_by_label("Svara medborgaren").fill("Tömningen görs på torsdag i stället.")
    agent.get_by_role("button", name="Skicka svar").click()
    expect(agent.locator(".flashes")).to_contain_text("Svaret skickades.")

    # Later, the citizen sees the answer and adds a message, by keyboard.
    citizen.goto(href)
    expect(citizen.locator("#ticket-status")).to_have_text("Besvarad – du kan svara nedan")
    answer = citizen.locator(".message--staff")
    expect(answer).to_contain_text("Svar från Sjöstads kommun")
    expect(answer).to_contain_text("Tömningen görs på torsdag i stället.")
    skip_to_content(citizen)
    press_tab(citizen, "message")
    citizen.keyboard.type("Tack! Jag ställer ut tunnan på torsdag.")
    press_tab(citizen, "Skicka meddelande")
    citizen.keyboard.press("Enter")
    expect(citizen.get_by_role("status")).to_have_text(
        "Tack. Ditt meddelande har lagts till din fråga."
    )
    expect(citizen.locator(".message--citizen").last).to_contain_text(
        "Tack! Jag ställer ut tunnan på torsdag."
    )
    screenshot(citizen)


def test_public_form_works_without_javascript(new_page, org, screenshot):
    citizen = new_page(javascript=False)
    citizen.set_content("<script>document.documentElement.dataset.js = 'on'</script>")
    assert citizen.locator("html").get_attribute("data-js") is None, "scripts still run"
    citizen.goto("/fraga")
    citizen.get_by_role("button", name="Skicka frågan").click()
    expect(citizen.get_by_role("alert")).to_contain_text("Välj vad din fråga handlar om.")

    citizen.get_by_label("Ämnesområde").select_option(label="Bygglov")
    citizen.get_by_label("Rubrik", exact=True).fill("Altan")
    citizen.get_by_label("Din fråga").fill("Behöver jag bygglov för en altan på 20 kvm?")
    citizen.get_by_role("button", name="Skicka frågan").click()

    expect(citizen.get_by_role("heading", level=1)).to_have_text(
        "Tack, vi har tagit emot din fråga"
    )
    assert REFERENCE.fullmatch(citizen.locator("#reference").inner_text())
    citizen.locator("#status-link").click()
    expect(citizen.locator("#ticket-status")).to_have_text("Mottagen – vi arbetar med din fråga")
    citizen.get_by_label("Ditt meddelande").fill("Altanen ligger 1,2 meter över mark.")
    citizen.get_by_role("button", name="Skicka meddelande").click()
    expect(citizen.get_by_role("status")).to_have_text(
        "Tack. Ditt meddelande har lagts till din fråga."
    )
    expect(citizen.locator(".conversation")).to_contain_text("1,2 meter över mark")
    screenshot(citizen)


# --- kundtjänst --------------------------------------------------------------------------


def test_agent_logs_a_call_answered_at_once_and_escalates_a_web_question(
    app, new_page, org, screenshot
):
    with app.app_context():
        web = scenes.web_question(
            org,
            subject="Bygga carport",
            description="Får jag bygga en carport på 30 kvm?",
            category="bygglov",
        )
    agent = new_page()
    log_in(agent, org.emails.agent)

    # A phone call, answered during the call: one submit.
    agent.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Ny kontakt").click()
    expect(agent.get_by_role("radio", name="Telefon")).to_be_checked()
    agent.get_by_label("Ämnesområde").select_option(label="Avfall")
    agent.get_by_label("Ärendemening").fill("När töms glasigloon?")
    expect(agent.get_by_role("radio", name="Besvarad direkt")).to_be_checked()
    agent.get_by_role("button", name="Spara").click()
    flash = flash_text(agent)
    assert re.fullmatch(r"KT-\d{4}-\d{6} registrerad som besvarad\.", flash), flash
    phone_reference = REFERENCE.search(flash).group()
    agent.get_by_role("link", name="Sök").click()
    agent.get_by_label("Ärendenummer eller ord").fill(phone_reference)
    agent.get_by_role("search").get_by_role("button", name="Sök").click()
    agent.get_by_role("link", name=phone_reference).click()
    expect(agent.locator("#ticket-status")).to_have_text("Avslutad")
    expect(agent.locator("#first-contact")).to_have_text("Ja")

    # A web question from the inbox, sent on to Bygglov with a note.
    agent.get_by_role("link", name="Inkorg").click()
    row = agent.get_by_role("row").filter(has_text=web.reference)
    expect(row).to_contain_text("Bygga carport")
    row.get_by_role("link", name=web.reference).click()
    agent.get_by_label("Svarsgrupp", exact=True).select_option(label="Bygglov")
    agent.get_by_label("Anteckning till svarsgruppen").fill("Carport 30 kvm, detaljplan finns.")
    agent.get_by_role("button", name="Skicka", exact=True).click()
    expect(agent.locator(".flashes")).to_have_text("Ärendet skickades till svarsgruppen.")
    expect(agent.locator("#ticket-group")).to_have_text("Bygglov")
    expect(agent.locator(".timeline")).to_contain_text("Carport 30 kvm, detaljplan finns.")
    expect(agent.locator(".event--escalated")).to_contain_text("Bygglov")
    # Kundtjänst may still read it (to tell a caller where it stands), but not work it:
    # the one thing left is a new status link, for a caller who lost theirs.
    actions = agent.get_by_role("complementary")
    expect(actions.get_by_role("heading", level=2)).to_have_text(["Statuslänk"])
    screenshot(agent)

    agent.get_by_role("link", name="Inkorg").click()
    expect(agent.get_by_text(web.reference)).to_have_count(0)


# --- the svarsgrupp ------------------------------------------------------------------------


def test_two_members_one_claims_the_other_sees_it_gone_the_claimant_answers(
    app, new_page, org, screenshot
):
    with app.app_context():
        made = scenes.escalated(org)
    bo, bea = new_page(), new_page()
    log_in(bo, org.emails.member)
    log_in(bea, org.emails.member2)
    for member in (bo, bea):
        expect(member.get_by_role("heading", level=1)).to_have_text("Kö: Bygglov")
        expect(member.get_by_role("row").filter(has_text=made.reference)).to_contain_text(
            "Bygga carport"
        )

    bo.get_by_role("button", name=f"Ta ärendet {made.reference}").click()
    expect(bo.locator(".flashes")).to_have_text(f"Du har tagit {made.reference}.")
    expect(bo.get_by_role("heading", level=1)).to_contain_text(made.reference)

    # Bea's page is stale: her click is refused, and the queue she returns to is empty.
    bea.get_by_role("button", name=f"Ta ärendet {made.reference}").click()
    expect(bea.get_by_role("alert")).to_have_text("Någon annan har redan tagit ärendet.")
    expect(bea.get_by_role("heading", level=1)).to_have_text("Kö: Bygglov")
    expect(bea.get_by_text("Kön är tom.")).to_be_visible()
    expect(bea.get_by_text(made.reference)).to_have_count(0)
    bea.reload()
    expect(bea.get_by_text(made.reference)).to_have_count(0)

    # Bo answers the citizen and closes the ticket in one go.
    expect(bo.get_by_role("radio", name="Besvarad", exact=True)).to_be_checked()
    bo.get_by_label("Svar till medborgaren").fill("En carport på 30 kvm kräver bygglov.")
    bo.get_by_role("button", name="Avsluta ärendet").click()
    expect(bo.locator(".flashes")).to_have_text("Ärendet avslutades.")
    expect(bo.locator("#ticket-status")).to_have_text("Avslutad")
    expect(bo.locator("#first-contact")).to_have_text("Ja")

    citizen = new_page()
    citizen.goto(f"/arende/{made.token}")
    expect(citizen.locator("#ticket-status")).to_have_text("Avslutad")
    expect(citizen.locator(".message--staff")).to_contain_text("kräver bygglov")
    screenshot(bo)


# --- secrecy ---------------------------------------------------------------------------------


def test_another_group_cannot_reach_the_ticket(app, new_page, org, screenshot):
    with app.app_context():
        made = scenes.escalated(org)
    mia = new_page()
    log_in(mia, org.emails.other)  # Miljö och hälsa

    response = mia.goto(f"/arenden/{made.reference}")
    assert response.status == 404
    expect(mia.get_by_role("heading", level=1)).to_have_text("Sidan finns inte")
    expect(mia.get_by_text("Bygga carport")).to_have_count(0)

    assert mia.goto("/ko/bygglov").status == 403
    mia.goto("/sok")
    mia.get_by_label("Ärendenummer eller ord").fill(made.reference)
    mia.get_by_role("search").get_by_role("button", name="Sök").click()
    expect(mia.get_by_text("Inga ärenden matchar.")).to_be_visible()
    expect(mia.get_by_role("link", name=made.reference)).to_have_count(0)
    screenshot(mia)


def test_a_confidential_groups_ticket_is_invisible_to_an_agent(app, new_page, org, screenshot):
    with app.app_context():
        made = scenes.web_question(
            org,
            subject="Försörjningsstöd i mars",
            description="Jag har inte fått mitt försörjningsstöd.",
            category="bistand",
        )
    agent = new_page()
    log_in(agent, org.emails.agent)
    expect(agent.get_by_role("heading", level=1)).to_have_text("Inkorg")
    expect(agent.get_by_text(made.reference)).to_have_count(0)
    expect(agent.get_by_text("Försörjningsstöd")).to_have_count(0)

    agent.get_by_role("link", name="Sök").click()
    agent.get_by_label("Ärendenummer eller ord").fill("försörjningsstöd")
    agent.get_by_role("search").get_by_role("button", name="Sök").click()
    expect(agent.get_by_text("Inga ärenden matchar.")).to_be_visible()

    # By reference, kundtjänst learns only where the question is: reference, status, group.
    agent.get_by_label("Ärendenummer eller ord").fill(made.reference)
    agent.get_by_role("search").get_by_role("button", name="Sök").click()
    expect(agent.get_by_role("main")).to_contain_text(
        f"{made.reference} handläggs av Socialtjänst under sekretess."
    )
    agent.goto(f"/arenden/{made.reference}")
    main = agent.get_by_role("main")
    expect(main).to_contain_text("Frågan handläggs under sekretess.")
    expect(main).to_contain_text("Socialtjänst")
    for secret in ("Försörjningsstöd i mars", "mitt försörjningsstöd", "medborgare@example.org"):
        expect(agent.get_by_text(secret)).to_have_count(0)
    screenshot(agent)

    social = new_page()
    log_in(social, org.emails.social)
    expect(social.get_by_role("row").filter(has_text=made.reference)).to_contain_text(
        "Försörjningsstöd i mars"
    )
