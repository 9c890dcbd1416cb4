"""The webhook pages in Chromium, as an administrator: an address in a private network
refused with the error summary, a subscription created and its secret shown once,
its page with a delivery's attempts; axe-core on each."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kundtjanst.webhooks.sending import deliver

from ..factories import new_ticket
from ..webhook_helpers import Receiver
from .helpers import check_accessibility, log_in

pytestmark = pytest.mark.browser


def test_subscribing_and_reading_the_deliveries(
    app, live_app, org, new_page, axe_source, monkeypatch
):
    monkeypatch.setitem(live_app.config, "WEBHOOK_ALLOW_NETWORKS", "127.0.0.0/8")
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_NETWORKS", "127.0.0.0/8")
    receiver = Receiver(script=[500]).start()
    try:
        page = new_page()
        log_in(page, org.emails.admin)
        page.goto("/admin/")
        page.get_by_role("link", name="Webhooks").first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Webhooks")
        check_accessibility(page, axe_source, "webhooks, none yet")

        page.get_by_label("Mottagarens adress").fill("http://10.0.0.1/hook")
        page.get_by_label("En fråga kom in (ticket.created)").check()
        page.get_by_role("button", name="Skapa prenumeration").click()
        expect(page.locator("#error-summary")).to_contain_text("10.0.0.1")
        check_accessibility(page, axe_source, "webhooks, refused address")

        page.get_by_label("Mottagarens adress").fill(receiver.url)
        page.get_by_role("button", name="Skapa prenumeration").click()
        secret = page.get_by_label(f"Hemlighet för {receiver.url}")
        assert secret.input_value().startswith("whsec_")
        check_accessibility(page, axe_source, "webhook secret")

        with app.app_context():
            new_ticket()
            deliver()
        page.get_by_role("link", name="Jag har sparat den").click()
        expect(page.locator("table")).to_contain_text("ticket.created")
        expect(page.locator("table")).to_contain_text("500")
        assert "whsec_" not in page.content()
        check_accessibility(page, axe_source, "webhook with deliveries")

        page.get_by_role("button", name="Pausa").click()
        expect(page.locator("#paused")).to_be_visible()
        check_accessibility(page, axe_source, "webhook paused")
    finally:
        receiver.stop()
