"""The manager's journey: the first-contact share on the dashboard moves as questions
are closed. Skipped, with the reason shown, until the dashboard (/statistik, issue 3)
is part of the app; the skip goes away by itself once `stats.dashboard` exists.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from . import scenes
from .conftest import DASHBOARD_NOT_YET
from .helpers import check_accessibility, log_in

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _needs_dashboard(dashboard_ready) -> None:
    if not dashboard_ready:
        pytest.skip(f"{DASHBOARD_NOT_YET}: no `stats.dashboard` view at /statistik (issue 3)")


def first_contact_share(page) -> int | None:
    """The headline share in whole percent as the manager reads it; None when shown as “–”."""
    text = page.locator("#first-contact-share").inner_text().strip()
    number = re.search(r"\d+", text)
    return int(number.group()) if number else None


def test_manager_sees_the_first_contact_share_move(app, new_page, org, screenshot):
    with app.app_context():
        forwarded = scenes.escalated(org, subject="Strandskydd", note="Kräver beslut.")
    manager = new_page()
    log_in(manager, org.emails.manager)
    manager.goto("/statistik")
    expect(manager.locator("#first-contact-share")).to_be_visible()
    assert first_contact_share(manager) is None  # nothing closed yet

    # Kundtjänst answers a phone call during the call: first contact.
    agent = new_page()
    log_in(agent, org.emails.agent)
    agent.goto("/ny-kontakt")
    agent.get_by_label("Ämnesområde").select_option(label="Avfall")
    agent.get_by_label("Ärendemening").fill("Hämtning av grovsopor")
    agent.get_by_role("button", name="Spara").click()
    expect(agent.locator(".flashes")).to_contain_text("registrerad som besvarad")

    manager.reload()
    assert first_contact_share(manager) == 100

    # Bygglov forwards the escalated question to a formal case: never first contact.
    member = new_page()
    log_in(member, org.emails.member)
    member.get_by_role("button", name=f"Ta ärendet {forwarded.reference}").click()
    member.get_by_role("radio", name="Vidarebefordrad till formellt ärende").check()
    member.get_by_label("Diarienummer").fill("BN 2026/123")
    member.get_by_role("button", name="Avsluta ärendet").click()
    expect(member.locator(".flashes")).to_have_text("Ärendet avslutades.")

    manager.reload()
    assert first_contact_share(manager) == 50
    expect(manager.locator("#first-contact-share")).to_contain_text("50")
    screenshot(manager)


def test_dashboard_has_no_wcag_21_aa_violations(app, new_page, org, axe_source):
    with app.app_context():
        scenes.claimed(org)
        scenes.answered(org)
        scenes.could_have_answered(org, subject="Bygga förråd")
    manager = new_page()
    log_in(manager, org.emails.manager)
    manager.goto("/statistik")
    # Every table is on the page, the learning loop's too.
    expect(
        manager.get_by_role("region", name=re.compile("^Frågor som svarsgrupperna markerade"))
    ).to_be_visible()
    check_accessibility(manager, axe_source, "the dashboard")
    # The tickets behind the headline figure.
    manager.locator("#resolved").click()
    expect(manager.get_by_role("heading", level=1)).to_have_count(1)
    check_accessibility(manager, axe_source, "the dashboard's drill-down list")
