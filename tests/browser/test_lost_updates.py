"""No lost updates, in the browser: two agents have the same question open; the one
who sends later is told what changed, keeps what she wrote, and sends it again."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from . import scenes
from .helpers import check_accessibility, flash_text, log_in

pytestmark = pytest.mark.browser


def test_the_later_reply_is_told_and_keeps_its_text(app, new_page, org, axe_source, screenshot):
    with app.app_context():
        made = scenes.web_question(org)
    anna, alva = new_page(), new_page()
    for page, who in ((anna, org.emails.agent), (alva, org.emails.agent2)):
        log_in(page, who)
        page.goto(f"/arenden/{made.reference}")

    anna.get_by_label("Svara medborgaren").fill("Tömningen görs på torsdag.")
    anna.get_by_role("button", name="Skicka svar").click()
    expect(anna.locator(".flashes")).to_contain_text("Svaret skickades")

    alva.get_by_label("Svara medborgaren").fill("Vi skickar en bil i morgon.")
    alva.get_by_role("button", name="Skicka svar").click()
    notice = alva.get_by_role("alert")
    expect(notice).to_contain_text("Ärendet har ändrats sedan du öppnade det")
    expect(notice).to_contain_text("Tömningen görs på torsdag.")
    expect(alva.get_by_label("Svara medborgaren")).to_have_value("Vi skickar en bil i morgon.")
    check_accessibility(alva, axe_source, "the ticket page after a refused reply")
    screenshot(alva)

    alva.get_by_role("button", name="Skicka svar").click()
    assert "Svaret skickades" in flash_text(alva)
    timeline = alva.locator(".timeline")
    expect(timeline).to_contain_text("Tömningen görs på torsdag.")
    expect(timeline).to_contain_text("Vi skickar en bil i morgon.")
