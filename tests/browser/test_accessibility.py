"""WCAG 2.1 A and AA in a real browser: axe-core on every kind of page, empty and with
errors, for every kind of user; the skip link, the language and the accessibility
statement that Swedish law (lagen om tillgänglighet till digital offentlig service)
requires public digital services to link.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from kundtjanst.extensions import db
from kundtjanst.org.models import Department
from kundtjanst.routing.models import RoutingRule

from . import scenes
from .helpers import active_label, check_accessibility, log_in

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Case:
    id: str
    who: str | None  # a user of `org`, or None for a citizen
    open: Callable  # (page, scene) -> None: bring the page into the state to check
    status: int = 200

    @property
    def submits(self) -> bool:
        return self.status == 400


def visit(path: str) -> Callable:
    return lambda page, s: page.goto(path.format(s=s))


def submit(path: str, button: str, fill: Callable | None = None) -> Callable:
    """Open ``path``, optionally fill a little, press ``button``: the page shown with errors."""

    def run(page, s):
        page.goto(path.format(s=s))
        if fill is not None:
            fill(page)
        page.get_by_role("button", name=button, exact=True).click()

    return run


def choose_escalate(page) -> None:
    page.get_by_role("radio", name="Skicka till svarsgrupp").check()


def submitted_question(page, s) -> None:
    page.goto("/fraga")
    page.get_by_label("Ämnesområde").select_option(label="Avfall")
    page.get_by_label("Rubrik", exact=True).fill("Glasigloo full")
    page.get_by_label("Din fråga").fill("Glasigloon vid torget är full.")
    page.get_by_role("button", name="Skicka frågan").click()


def some_files(count: int) -> list[dict]:
    return [
        {"name": f"foto{i}.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n\x1a\n"}
        for i in range(count)
    ]


def too_many_files(page, s) -> None:
    page.goto("/fraga")
    page.get_by_label("Bifoga filer").set_input_files(some_files(6))
    page.get_by_role("button", name="Skicka frågan").click()


def submitted_question_with_file(page, s) -> None:
    page.goto("/fraga")
    page.get_by_label("Ämnesområde").select_option(label="Avfall")
    page.get_by_label("Rubrik", exact=True).fill("Glasigloo full")
    page.get_by_label("Din fråga").fill("Glasigloon vid torget är full, se fotot.")
    page.get_by_label("Bifoga filer").set_input_files(some_files(1))
    page.get_by_role("button", name="Skicka frågan").click()


CASES = [
    # The citizen's pages.
    Case("start", None, visit("/")),
    Case("question-form", None, visit("/fraga")),
    Case("question-form-errors", None, submit("/fraga", "Skicka frågan"), 400),
    Case(
        "question-form-some-errors",
        None,
        submit("/fraga", "Skicka frågan", lambda p: p.get_by_label("E-post").fill("inte-e-post")),
        400,
    ),
    Case("question-sent", None, submitted_question),
    Case("question-form-file-errors", None, too_many_files, 400),
    Case("question-sent-with-files", None, submitted_question_with_file),
    Case("status-page-with-files", None, visit("/arende/{s.attached.token}")),
    Case("status-page", None, visit("/arende/{s.answered.token}")),
    Case(
        "status-page-errors", None, submit("/arende/{s.answered.token}", "Skicka meddelande"), 400
    ),
    Case("accessibility-statement", None, visit("/tillganglighet")),
    Case("privacy", None, visit("/personuppgifter")),
    Case("login", None, visit("/logga-in")),
    Case("login-errors", None, submit("/logga-in", "Logga in"), 400),
    Case("not-found", None, visit("/finns-inte"), 404),
    # Kundtjänst.
    Case("inbox", "agent", visit("/inkorg")),
    Case("inbox-filtered", "agent", visit("/inkorg?q=soptunna&channel=web")),
    Case("new-contact", "agent", visit("/ny-kontakt")),
    Case("new-contact-errors", "agent", submit("/ny-kontakt", "Spara", choose_escalate), 400),
    Case("ticket", "agent", visit("/arenden/{s.inbox.reference}")),
    Case("ticket-errors", "agent", submit("/arenden/{s.inbox.reference}", "Skicka svar"), 400),
    Case("search", "agent", visit("/sok?q=Bygga")),
    Case("stale", "agent", visit("/arenden/utan-aktivitet")),
    Case(
        "new-status-link",
        "agent",
        submit("/arenden/{s.inbox.reference}", "Skapa en ny statuslänk"),
    ),
    Case("ticket-closed", "agent", visit("/arenden/{s.closed.reference}")),
    Case("ticket-with-files", "agent", visit("/arenden/{s.attached.reference}")),
    Case("ticket-email-quoted", "agent", visit("/arenden/{s.email.reference}")),
    Case("restricted", "agent", visit("/arenden/{s.secret.reference}")),
    Case("password", "agent", visit("/konto/losenord")),
    Case("password-errors", "agent", submit("/konto/losenord", "Byt lösenord"), 400),
    # A svarsgrupp member.
    Case("queue", "member", visit("/ko/bygglov")),
    Case("mine", "member", visit("/mina")),
    Case("ticket-claimed", "member", visit("/arenden/{s.claimed.reference}")),
    Case("ticket-unclaimed", "member2", visit("/arenden/{s.queued.reference}")),
    Case("queues", "social", visit("/ko/socialtjanst")),
    Case("ticket-confidential", "social", visit("/arenden/{s.secret.reference}")),
    # A manager.
    Case("manager-search", "manager", visit("/sok?q=KT")),
    # The administrator.
    Case("admin", "admin", visit("/admin/")),
    Case("admin-users", "admin", visit("/admin/anvandare")),
    Case("admin-user-new", "admin", visit("/admin/anvandare/ny")),
    Case("admin-user-new-errors", "admin", submit("/admin/anvandare/ny", "Spara"), 400),
    Case("admin-user-edit", "admin", visit("/admin/anvandare/{s.org.users.member}/redigera")),
    Case("admin-user-password", "admin", visit("/admin/anvandare/{s.org.users.member}/losenord")),
    Case("admin-departments", "admin", visit("/admin/forvaltningar")),
    Case("admin-department-edit", "admin", visit("/admin/forvaltningar/{s.department}/redigera")),
    Case("admin-groups", "admin", visit("/admin/grupper")),
    Case("admin-group-new", "admin", visit("/admin/grupper/ny")),
    Case("admin-group-edit", "admin", visit("/admin/grupper/{s.org.groups.social}/redigera")),
    Case("admin-categories", "admin", visit("/admin/kategorier")),
    Case("admin-category-new-errors", "admin", submit("/admin/kategorier/ny", "Spara"), 400),
    Case(
        "admin-category-edit",
        "admin",
        visit("/admin/kategorier/{s.org.categories.bygglov}/redigera"),
    ),
    Case("admin-rules", "admin", visit("/admin/regler")),
    Case("admin-rule-new", "admin", visit("/admin/regler/ny")),
    Case("admin-rule-edit", "admin", visit("/admin/regler/{s.rule}/redigera")),
    Case("admin-rule-delete", "admin", visit("/admin/regler/{s.rule}/ta-bort")),
    Case(
        "admin-group-delete-refused", "admin", visit("/admin/grupper/{s.org.groups.social}/ta-bort")
    ),
    Case("admin-settings", "admin", visit("/admin/installningar")),
    Case("admin-audit-log", "admin", visit("/admin/logg?action=auth")),
    Case("admin-audit-log-errors", "admin", visit("/admin/logg?from=igår&address=x"), 400),
    Case("admin-reads", "admin", visit("/admin/lasningar?arende={s.inbox.reference}")),
    Case("admin-reads-errors", "admin", visit("/admin/lasningar?arende=fel"), 400),
    Case("admin-stuck-claims", "admin", visit("/admin/fastnade-arenden")),
    Case("admin-quarantine", "admin", visit("/admin/karantan")),
    Case("admin-quarantined-mail", "admin", visit("/admin/karantan/{s.quarantined}")),
    Case("admin-api-token-errors", "admin", submit("/admin/api", "Skapa nyckel"), 400),
    # Integrators: the API's reference page.
    Case("api-reference", None, visit("/api/v1/docs")),
]


@pytest.fixture
def scene(app, org) -> SimpleNamespace:
    """Tickets in every state the pages show, and the ids the admin pages need."""
    with app.app_context():
        return SimpleNamespace(
            org=org,
            inbox=scenes.web_question(org),
            answered=scenes.answered(org, subject="Parkeringstillstånd"),
            queued=scenes.escalated(org),
            claimed=scenes.claimed(org, subject="Bygga altan"),
            closed=scenes.closed(org, subject="Ett avslutat ärende"),
            secret=scenes.web_question(org, subject="Försörjningsstöd", category="bistand"),
            attached=scenes.with_files(org, subject="Altanbygge med ritning"),
            department=db.session.scalar(select(Department.id).order_by(Department.id)),
            rule=db.session.scalar(select(RoutingRule.id)),
            quarantined=scenes.quarantined_mail(),
            email=scenes.email_reply(org),
        )


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_no_wcag_21_aa_violations(case, new_page, scene, axe_source):
    page = new_page()
    if case.who:
        log_in(page, getattr(scene.org.emails, case.who))
    statuses = []
    page.on(
        "response",
        lambda r: statuses.append(r.status) if r.request.is_navigation_request() else None,
    )
    case.open(page, scene)
    page.wait_for_load_state()
    assert statuses and statuses[-1] == case.status, statuses
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    check_accessibility(page, axe_source, case.id)
    if case.submits:
        # The errors are announced: an alert at the top, and on public pages the title.
        expect(page.get_by_role("alert").first).to_be_visible()
        if case.who is None:
            expect(page).to_have_title(re.compile(r"^Fel: "))
    elif page.locator("[autofocus]").count():
        # A page for quick logging (Ny kontakt) starts in its first text field.
        assert page.evaluate("() => document.activeElement.hasAttribute('autofocus')")
    else:
        # From the top of any other page, the first Tab reaches the skip link.
        page.keyboard.press("Tab")
        assert active_label(page) == "Hoppa till innehållet"


def test_every_section_of_the_admin_menu_has_no_violations(new_page, scene, axe_source):
    """Every page the administration menu links, including sections added later."""
    page = new_page()
    log_in(page, scene.org.emails.admin)
    page.goto("/admin/")
    menu = page.get_by_role("navigation", name="Administrationsmeny").get_by_role("link")
    paths = [menu.nth(i).get_attribute("href") for i in range(menu.count())]
    assert len(paths) >= 7, paths
    failures = []
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, f"{path}: {response.status}"
        try:
            check_accessibility(page, axe_source, f"admin page {path}")
        except AssertionError as error:
            failures.append(str(error))
    assert not failures, "\n\n".join(failures)


# --- reflow: WCAG 1.4.10, content at 320 CSS pixels without sideways scrolling ------------

# Staff lists are data tables, which 1.4.10 exempts (two-dimensional content); the
# pages below must reflow completely.
REFLOW_PAGES = [
    (None, "/"),
    (None, "/fraga"),
    (None, "/tillganglighet"),
    (None, "/personuppgifter"),
    (None, "/logga-in"),
    (None, "/arende/{s.answered.token}"),
    ("agent", "/ny-kontakt"),
    ("agent", "/arenden/{s.inbox.reference}"),
    ("admin", "/admin/anvandare/ny"),
]


@pytest.mark.parametrize(("who", "path"), REFLOW_PAGES)
def test_pages_reflow_at_320_css_pixels(who, path, new_page, scene):
    page = new_page(viewport={"width": 320, "height": 640})
    if who:
        log_in(page, getattr(scene.org.emails, who))
    page.goto(path.format(s=scene))
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 320, f"{path} is {width} px wide at a 320 px viewport"


# --- the accessibility statement (tillgänglighetsredogörelse) -------------------------------

PUBLIC_PATHS = [
    "/",
    "/fraga",
    "/fraga/skickad",
    "/arende/{s.answered.token}",
    "/tillganglighet",
    "/personuppgifter",
    "/logga-in",
    "/finns-inte",
]


def expect_statement_link(page, where: str) -> None:
    footer = page.get_by_role("contentinfo")
    link = footer.get_by_role("link", name="Tillgänglighetsredogörelse")
    expect(link, f"no statement link on {where}").to_have_attribute("href", "/tillganglighet")


def test_every_public_page_links_the_accessibility_statement(new_page, scene):
    page = new_page()
    for path in PUBLIC_PATHS:
        page.goto(path.format(s=scene))
        expect_statement_link(page, path)
    # The question form shown again with its errors, too.
    page.goto("/fraga")
    page.get_by_role("button", name="Skicka frågan").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect_statement_link(page, "/fraga with errors")


def test_the_statement_says_what_the_law_asks(new_page, screenshot):
    page = new_page()
    page.goto("/")
    page.get_by_role("link", name="Tillgänglighetsredogörelse").click()
    main = page.get_by_role("main")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Tillgänglighetsredogörelse för En väg in"
    )
    # The standard met, and how compliant the service is.
    expect(main).to_contain_text("WCAG 2.1 nivå AA")
    expect(main).to_contain_text("EN 301 549")
    expect(main).to_contain_text(
        "lagen (2018:1937) om tillgänglighet till digital offentlig service"
    )
    # Known gaps, under their own heading.
    expect(page.get_by_role("heading", name="Kända brister")).to_be_visible()
    # How to report a problem: the form, an e-mail address and a phone number.
    report = page.get_by_role("heading", name="Rapportera brister")
    expect(report).to_be_visible()
    expect(main.get_by_role("link", name="frågeformuläret")).to_have_attribute("href", "/fraga")
    expect(main.locator('a[href^="mailto:"]')).to_have_count(1)
    expect(main.locator('a[href^="tel:"]')).to_have_count(1)
    # Supervision: DIGG, with where to complain.
    expect(main).to_contain_text("Myndigheten för digital förvaltning (DIGG)")
    expect(main.get_by_role("link", name="digg.se")).to_have_attribute(
        "href", "https://www.digg.se/"
    )
    screenshot(page)


# --- the check itself --------------------------------------------------------------------


def test_the_axe_check_reports_violations(new_page, axe_source):
    """Guard against a check that silently passes: a page with known faults fails it."""
    page = new_page()
    page.set_content(
        '<html><body><main><h1>Test</h1><input type="text">'
        '<p style="color:#bbb;background:#fff">Svag kontrast</p></main></body></html>'
    )
    with pytest.raises(AssertionError) as failure:
        check_accessibility(page, axe_source, "a page built to fail")
    message = str(failure.value)
    for rule in ("html-has-lang", "label", "color-contrast"):
        assert f"- {rule} " in message, message
