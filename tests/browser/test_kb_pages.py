"""The knowledge pages in a real browser: a svarsgrupp member writes an article and
publishes it, finds it by searching, and axe-core finds no WCAG 2.1 A/AA violation
on /kunskap, the article page, the edit form (also with errors), the history and
the answer templates."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .helpers import check_accessibility, flash_text, log_in

pytestmark = pytest.mark.browser


def test_a_member_writes_publishes_and_finds_an_article(app, new_page, org, axe_source, screenshot):
    page = new_page()
    log_in(page, org.emails.member)
    page.get_by_role("link", name="Kunskap").click()
    expect(page.get_by_role("heading", name="Kunskap", exact=True)).to_be_visible()
    check_accessibility(page, axe_source, "the knowledge page, empty")

    page.get_by_role("link", name="Ny artikel").click()
    page.get_by_role("button", name="Spara").click()
    expect(page.locator(".error-summary")).to_contain_text("Skriv en rubrik.")
    check_accessibility(page, axe_source, "the new article form with errors")

    page.get_by_label("Rubrik").fill("Bygglov för altan")
    page.get_by_label("Kort svar").fill("En altan högre än 1,8 meter kräver ofta bygglov.")
    page.get_by_label("Text").fill(
        "## Vad gäller?\n\n- Höjd över 1,8 m\n- Nära tomtgräns\n\n[Läs mer](https://kommun.se)"
    )
    page.get_by_label("Bygglov", exact=True).check()
    page.get_by_label("Publicerad").check()
    page.get_by_label("Granskas senast").fill("2027-03-31")
    page.get_by_role("button", name="Spara").click()
    assert "Artikeln Bygglov för altan sparades." in flash_text(page)
    expect(page.locator("#article-state")).to_have_text("Publicerad")
    expect(page.locator("#article-body h3")).to_have_text("Vad gäller?")
    check_accessibility(page, axe_source, "an article page")
    screenshot(page, "article")

    page.get_by_role("link", name="Redigera").click()
    page.get_by_label("Kort svar").fill("En altan över 1,8 meter kräver bygglov.")
    page.get_by_label("Vad ändrade du?").fill("Kortare svar")
    check_accessibility(page, axe_source, "the edit form")
    screenshot(page, "edit")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator("#article-summary")).to_have_text("En altan över 1,8 meter kräver bygglov.")

    page.get_by_role("link", name="historik").click()
    expect(page.get_by_role("table")).to_contain_text("Kortare svar")
    check_accessibility(page, axe_source, "the history")

    page.goto("/kunskap?q=altan")
    hit = page.locator(".hits li").first
    expect(hit).to_contain_text("Bygglov för altan")
    expect(hit.locator("mark").first).to_have_text("altan")
    check_accessibility(page, axe_source, "the knowledge page with search hits")
    screenshot(page, "search")

    page.goto("/kunskap")
    expect(page.get_by_role("table")).to_contain_text("Bygglov för altan")
    check_accessibility(page, axe_source, "the knowledge page's list")


def test_answer_templates_pass_axe(app, new_page, org, axe_source, screenshot):
    page = new_page()
    log_in(page, org.emails.agent)
    page.goto("/kunskap/mallar/ny")
    page.get_by_label("Namn").fill("Tack")
    page.get_by_label("Text").fill("Hej {namm}!")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator(".error-summary")).to_contain_text("{namm}")
    check_accessibility(page, axe_source, "the template form with errors")
    page.get_by_label("Text").fill("Hej {namn}! Tack för samtalet.")
    page.get_by_role("button", name="Spara").click()
    assert "Mallen Tack sparades." in flash_text(page)
    check_accessibility(page, axe_source, "the answer templates")
    screenshot(page, "templates")
