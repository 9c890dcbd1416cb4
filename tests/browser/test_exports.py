"""An export in Chromium: a manager asks for the period's workbook on the dashboard and
lands on its page at once; while the job writes it, the page's script moves the state
in the live region and shows the download link without a reload. Without JavaScript
the "Uppdatera" link does the same. axe-core on each state and on "Mina exporter"
(axe itself needs JavaScript, so the page without it is checked with it)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from ..exporting import run_export_job
from ..factories import new_ticket
from .helpers import check_accessibility, log_in

pytestmark = pytest.mark.browser

ASK_XLSX = "Periodens frågor som Excel-arbetsbok"
ASK_CSV = "Periodens frågor som CSV (Excel, svenska)"


@pytest.fixture
def two_questions(app, org) -> None:
    with app.app_context():
        new_ticket(subject="Soptunnan")
        new_ticket(subject="Grus på cykelbanan")


def test_an_export_from_asking_to_downloading(
    app, org, two_questions, new_page, axe_source, screenshot
):
    page = new_page()
    log_in(page, org.emails.manager)
    page.goto("/statistik?period=today")
    page.get_by_role("button", name=ASK_XLSX).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Exportfil arenden_"))
    state = page.locator("#export-state")
    expect(state).to_have_attribute("role", "status")
    expect(state).to_have_text(re.compile(r"^Väntar på att starta\."))
    expect(page.get_by_role("link", name="Uppdatera")).to_be_visible()
    check_accessibility(page, axe_source, "export page, waiting")

    run_export_job(app)  # the scheduler's next run; the page polls every two seconds
    expect(state).to_have_text(re.compile(r"^Klar: 2 rader, \d+\xa0kB\."))
    download = page.get_by_role("link", name=re.compile(r"^Ladda ner arenden_.*\.xlsx$"))
    expect(download).to_be_visible()
    expect(page.get_by_role("link", name="Uppdatera")).to_be_hidden()
    check_accessibility(page, axe_source, "export page, ready")
    screenshot(page)
    with page.expect_download() as file:
        download.click()
    assert file.value.suggested_filename.endswith(".xlsx")

    page.get_by_role("link", name="Mina exporter").click()
    expect(page.get_by_role("table", name="Dina senaste exporter")).to_contain_text("Klar")
    check_accessibility(page, axe_source, "my exports")


def test_without_javascript_the_refresh_link_shows_the_state(app, org, two_questions, new_page):
    page = new_page(javascript=False)
    log_in(page, org.emails.agent)
    page.goto("/statistik?period=today")
    page.get_by_role("button", name=ASK_CSV).click()
    expect(page.locator("#export-state")).to_have_text(re.compile(r"^Väntar"))
    run_export_job(app)
    page.get_by_role("link", name="Uppdatera").click()
    expect(page.locator("#export-state")).to_have_text(re.compile(r"^Klar: 2 rader"))
    expect(page.get_by_role("link", name=re.compile(r"^Ladda ner .*\.csv$"))).to_be_visible()
