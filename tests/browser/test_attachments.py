"""Files on the public form, in a real browser: a citizen attaches a file with the file
input, the receipt lists it, and kundtjänst finds it on the ticket page and downloads
it; too many files are refused on the form itself."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .helpers import REFERENCE, log_in

pytestmark = pytest.mark.browser

DRAWING = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


def fill_question(page) -> None:
    page.goto("/fraga")
    page.get_by_label("Ämnesområde").select_option(label="Bygglov")
    page.get_by_label("Rubrik", exact=True).fill("Altan med ritning")
    page.get_by_label("Din fråga").fill("Behöver jag bygglov för altanen på ritningen?")


def test_a_file_attached_on_the_form_reaches_the_ticket_page(new_page, org, screenshot):
    citizen = new_page()
    fill_question(citizen)
    citizen.get_by_label("Bifoga filer").set_input_files(
        {"name": "Ritning över altanen.pdf", "mimeType": "application/pdf", "buffer": DRAWING}
    )
    citizen.get_by_role("button", name="Skicka frågan").click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text(
        "Tack, vi har tagit emot din fråga"
    )
    received = citizen.locator("#received-files")
    expect(received).to_contain_text("Ritning över altanen.pdf")
    expect(received).to_contain_text(f"{len(DRAWING)} B")
    reference = REFERENCE.search(citizen.locator("#reference").inner_text()).group(0)
    screenshot(citizen, "receipt")

    # Kundtjänst finds the file on the question's page.
    staff = new_page()
    log_in(staff, org.emails.agent)
    staff.goto(f"/arenden/{reference}")
    section = staff.locator("ul.attachments")
    link = section.get_by_role("link", name="Ritning över altanen.pdf")
    expect(link).to_be_visible()
    expect(section).to_contain_text("från webbformuläret")
    screenshot(staff, "ticket")
    with staff.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "Ritning över altanen.pdf"
    with open(download.path(), "rb") as saved:
        assert saved.read() == DRAWING


def test_too_many_files_are_refused_on_the_form(new_page, org, screenshot):
    citizen = new_page()
    fill_question(citizen)
    citizen.get_by_label("Bifoga filer").set_input_files(
        [
            {"name": f"foto{i}.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n\x1a\n"}
            for i in range(6)
        ]
    )
    citizen.get_by_role("button", name="Skicka frågan").click()
    summary = citizen.get_by_role("alert")
    expect(summary).to_contain_text("Du valde 6 filer. Bifoga högst 5.")
    # The summary links to the file input, which says the same beside it.
    summary.get_by_role("link", name="Bifoga filer: Du valde 6 filer. Bifoga högst 5.").click()
    expect(citizen.locator("#attachments")).to_be_focused()
    expect(citizen.locator("#attachments-error")).to_contain_text("Bifoga högst 5.")
    # What was written is still there.
    expect(citizen.get_by_label("Rubrik", exact=True)).to_have_value("Altan med ritning")
    screenshot(citizen)
