"""The phone system's call on the agent's "Ny kontakt" in Chromium: with the page
open, a call is answered and the panel with the caller's history appears by itself
within two seconds, the form is prefilled without losing what was typed, and the
logged ticket keeps the call's times; without JavaScript the page shows the same on
load. Both pages pass axe, and the Content-Security-Policy refuses nothing."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from kundtjanst.auth.models import User
from kundtjanst.calls.models import Call
from kundtjanst.core.vocabulary import Channel
from kundtjanst.extensions import db
from kundtjanst.tickets import services as tickets

from ..api_helpers import make_token
from .helpers import check_accessibility, flash_text, log_in

pytestmark = pytest.mark.browser

NUMBER = "070-123 45 67"


def earlier_question(org, subject: str, phone: str) -> str:
    ticket, _ = tickets.create_ticket(
        tickets.Contact(channel=Channel.WEB, subject=subject, citizen_phone=phone),
        actor=db.session.get(User, org.users.agent2),
    )
    db.session.commit()
    return ticket.reference


def answer_call(app, org, server: str, call_id: str, number: str) -> None:
    """The phone system posts to /api/v1/calls, over HTTP: ringing, then answered."""
    with app.app_context():
        token = make_token(("calls:write",), name=f"växeln-{call_id}")
    for event in (
        {"event": "ringing", "call_id": call_id, "number": number},
        {"event": "answered", "call_id": call_id, "agent_email": org.emails.agent},
    ):
        request = urllib.request.Request(
            f"{server}/api/v1/calls",
            data=json.dumps(event).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.status == 200


def test_an_answered_call_shows_the_callers_history_by_itself(
    app, new_page, org, axe_source, screenshot, live_server
):
    with app.app_context():
        reference = earlier_question(org, "Soptunnan har inte tömts", "+46701234567")
    page = new_page()
    log_in(page, org.emails.agent)
    page.goto("/ny-kontakt")
    page.get_by_label("Ärendemening").fill("Tunnan igen")
    expect(page.get_by_role("region", name="Samtal pågår")).to_have_count(0)

    answer_call(app, org, live_server, "b-1", "0046 70 123 45 67")
    started = time.monotonic()
    panel = page.get_by_role("region", name="Samtal pågår")
    expect(panel).to_contain_text(reference, timeout=2000)
    assert time.monotonic() - started < 2.0
    expect(panel).to_contain_text("Soptunnan har inte tömts")
    expect(panel).to_contain_text(NUMBER)
    expect(page.locator("#phone")).to_have_value(NUMBER)
    expect(page.get_by_label("Ärendemening")).to_have_value("Tunnan igen")  # kept
    expect(page.locator("#call-announce")).to_contain_text("Samtal pågår")
    screenshot(page)
    check_accessibility(page, axe_source, "Ny kontakt with a call in progress")

    page.get_by_label("Ämnesområde").select_option(label="Avfall")
    page.get_by_label("Svar som gavs").fill("Tunnan töms på torsdag.")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url("**/ny-kontakt")
    assert "registrerad som besvarad" in flash_text(page)
    with app.app_context():
        call = db.session.scalar(select(Call).where(Call.call_id == "b-1"))
        assert call.ticket is not None and call.ticket.subject == "Tunnan igen"
        assert call.ticket.call_started_at == call.answered_at
        assert call.ticket.citizen_phone_e164 == "+46701234567"


def test_without_javascript_the_page_shows_the_call_on_load(
    app, new_page, org, axe_source, live_server
):
    with app.app_context():
        reference = earlier_question(org, "Parkeringstillstånd", NUMBER)
    answer_call(app, org, live_server, "b-2", "+46 70 123 45 67")
    page = new_page(javascript=False)
    log_in(page, org.emails.agent)
    page.goto("/ny-kontakt")
    panel = page.get_by_role("region", name="Samtal pågår")
    expect(panel).to_contain_text(reference)
    expect(panel).to_contain_text("Numret har 1 öppet ärende.")
    expect(page.locator("#phone")).to_have_value(NUMBER)
    # axe runs in the page's JavaScript: the same page, as loaded, in a context with it.
    checked = new_page()
    log_in(checked, org.emails.agent)
    checked.goto("/ny-kontakt")
    expect(checked.get_by_role("region", name="Samtal pågår")).to_contain_text(reference)
    check_accessibility(checked, axe_source, "Ny kontakt loaded with a call in progress")


def test_the_caller_log_passes_axe(app, new_page, org, axe_source, live_server):
    answer_call(app, org, live_server, "b-3", "anonymous")
    page = new_page()
    log_in(page, org.emails.agent)
    page.get_by_role("link", name="Samtal").click()
    expect(page.get_by_role("table")).to_contain_text("Dolt nummer")
    check_accessibility(page, axe_source, "the caller log")
