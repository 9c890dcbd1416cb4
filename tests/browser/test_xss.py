"""Stored script never runs (issue 6, item 6): markup a citizen, a member of staff or
an administrator stored is opened in Chromium on the staff ticket page, the citizen's
status page, the inbox, the queue, the dashboard and its drill-down. Nothing fires.

Checked twice: with the Content-Security-Policy bypassed, so that escaping alone is
what stops it; and as the application serves the pages, with the policy present and
nothing for it to refuse (the `new_page` fixture fails a test on any refusal).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kundtjanst.auth.models import User
from kundtjanst.extensions import db
from kundtjanst.org.models import Category, Group
from kundtjanst.tickets import citizen, services
from kundtjanst.tickets.models import Ticket

from . import scenes
from .conftest import TIMEOUT_MS
from .helpers import log_in

pytestmark = pytest.mark.browser

# Each sets the marker if the page runs it: the title, and a window property.
SCRIPT = "<script>document.title='pwned';window.pwned=1</script>"
IMG = "<img src=x onerror=\"document.title='pwned';window.pwned=1\">"
SVG = '<svg onload="window.pwned=1"></svg>'


def hostile(text: str) -> str:
    return f"{text} {SCRIPT}{IMG}{SVG}"


@pytest.fixture
def stored(app, org) -> dict:
    """Markup in every field a page here shows: a question in the inbox, and one
    escalated to Bygglov and claimed, with a reply, a note and the citizen's message."""
    with app.app_context():
        db.session.get(Group, org.groups.bygg).name = hostile("Bygglov")
        db.session.get(Category, org.categories.bygglov).name = hostile("Bygglov")
        db.session.get(User, org.users.member).name = hostile("Bo")
        db.session.commit()
        inbox = scenes.web_question(org, subject=hostile("Inkorg"), description=hostile("Fråga"))
        worked = scenes.claimed(
            org, subject=hostile("Carport"), description=hostile("Får jag?"), note=hostile("Not")
        )
        ticket = db.session.scalar(db.select(Ticket).filter_by(reference=worked.reference))
        ticket.citizen_name = hostile("Eva")
        member = db.session.get(User, org.users.member)
        services.add_note(ticket, member, hostile("Intern"))
        services.reply(ticket, member, hostile("Svar"))
        citizen.citizen_message(ticket, hostile("Medborgaren"))
        db.session.commit()
    return {"inbox": inbox, "worked": worked}


def pages(stored) -> list[tuple[str, str]]:
    """(who, address): the pages that show what was stored."""
    worked, inbox = stored["worked"], stored["inbox"]
    return [
        ("member", f"/arenden/{worked.reference}"),
        ("citizen", f"/arende/{worked.token}"),
        ("agent", "/inkorg"),
        ("agent", f"/arenden/{inbox.reference}"),
        ("member", "/ko/bygglov"),
        ("member", "/mina"),
        ("manager", "/statistik?period=today"),
        ("manager", "/statistik/arenden?period=today&measure=received"),
    ]


def assert_nothing_ran(page, url: str) -> None:
    page.wait_for_load_state("load")  # images (and their onerror) are settled by now
    assert page.title() != "pwned", f"a stored script ran on {url}"
    assert page.evaluate("() => window.pwned") is None, f"a stored handler ran on {url}"


def test_escaping_alone_stops_stored_script(browser, live_server, org, stored, screenshot):
    people = {}

    def person(who: str):
        if who not in people:
            # No Content-Security-Policy here: only the escaping stands in the way.
            context = browser.new_context(base_url=live_server, locale="sv-SE", bypass_csp=True)
            context.set_default_timeout(TIMEOUT_MS)
            page = context.new_page()
            if who != "citizen":
                log_in(page, getattr(org.emails, who))
            people[who] = page
        return people[who]

    try:
        # The canary: in this context an unescaped payload would fire.
        canary = person("citizen")
        canary.set_content(f"<title>ok</title>{SCRIPT}")
        assert canary.title() == "pwned" and canary.evaluate("() => window.pwned") == 1

        for who, url in pages(stored):
            page = person(who)
            response = page.goto(url)
            assert response.status == 200, (url, response.status)
            assert_nothing_ran(page, url)
            # The markup is there, as text people can read.
            expect(page.locator("main")).to_contain_text("<script>document.title='pwned'")
        screenshot(people["member"])
    finally:
        for page in people.values():
            page.context.close()


def test_the_policy_is_served_and_has_nothing_to_refuse(live_server, new_page, org, stored):
    try:
        from kundtjanst.security import CONTENT_SECURITY_POLICY
    except ImportError:  # pragma: no cover - before the security headers exist
        CONTENT_SECURITY_POLICY = None
    people: dict = {}
    for who, url in pages(stored):
        if who not in people:
            people[who] = new_page()
            if who != "citizen":
                log_in(people[who], getattr(org.emails, who))
        page = people[who]
        response = page.goto(url)
        assert response.status == 200, (url, response.status)
        assert_nothing_ran(page, url)
        if CONTENT_SECURITY_POLICY is not None:
            policy = response.headers.get("content-security-policy")
            assert policy == CONTENT_SECURITY_POLICY, (url, policy)
            assert "script-src 'self'" in policy
