"""The layout in pseudo-locales (tests/pseudo.py), in a real browser (issue 16):

- right to left ("ar", the letters Hebrew): ``dir="rtl"``, the form and the status
  page mirrored (labels on the right), no text over other text, nothing past the
  window's edges, at desktop and mobile widths;
- 40 % longer text ("eo", the letters accented): on the main pages of citizens and
  staff no text is cut off or spills out of its box, at both widths.

The app under test is the live app's configuration with the two pseudo catalogues
added, on the same database.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from kundtjanst.auth.models import User
from kundtjanst.extensions import db

from .. import pseudo
from ..conftest import make_app
from ..factories import PASSWORD
from . import scenes
from .conftest import serve
from .layout import cut_text, label_sides, outside_window, overlaps

pytestmark = pytest.mark.browser

RTL, LONG = "ar", "eo"  # languages Babel knows: Arabic is written right to left
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "mobile": {"width": 360, "height": 740}}
# Staff work at a desk; their lists are data tables, wider than a phone in any
# language (WCAG 1.4.10 exempts them: test_accessibility's reflow test).
STAFF_WIDTHS = {"desktop": WIDTHS["desktop"], "laptop": {"width": 1024, "height": 768}}


@pytest.fixture(scope="module")
def pseudo_server(app, database_url, tmp_path_factory) -> Iterator[str]:
    directory = tmp_path_factory.mktemp("pseudo-translations")
    pseudo.build(directory, RTL, "rtl")
    pseudo.build(directory, LONG, "accented")
    live = make_app(
        database_url,
        WTF_CSRF_ENABLED=True,
        PAGE_SIZE=25,
        BABEL_TRANSLATION_DIRECTORIES=f"translations;{directory}",
        LANGUAGES=("sv", "en", RTL, LONG),
        CITIZEN_LANGUAGES=("sv", "en", "fi", RTL, LONG),
    )
    with serve(live) as base:
        yield base
    with live.app_context():
        db.engine.dispose()


@pytest.fixture
def scene(app, org) -> SimpleNamespace:
    with app.app_context():
        return SimpleNamespace(
            org=org,
            inbox=scenes.web_question(org),
            answered=scenes.answered(org, subject="Parkeringstillstånd"),
            queued=scenes.escalated(org),
            claimed=scenes.claimed(org, subject="Bygga altan"),
        )


def pseudo_page(new_page, base: str, code: str, viewport: dict):
    """A citizen's page that has chosen ``code`` by its language link."""
    page = new_page(base_url=base, viewport=viewport)
    page.goto("/")
    page.locator(f'.language-links a[hreflang="{code}"]').click()
    expect(page.locator("html")).to_have_attribute("lang", code)
    return page


def text(msgid: str, code: str) -> str:
    return pseudo.pseudo(msgid, "rtl" if code == RTL else "accented")


def assert_laid_out(page, what: str, folder: Path) -> None:
    """No text over other text, none past the window's edges; a screenshot to look at."""
    page.screenshot(path=folder / f"{what}.png", full_page=True)
    problems = overlaps(page) + outside_window(page)
    assert not problems, f"{what} ({page.url}):\n" + "\n".join(problems)


# --- right to left ------------------------------------------------------------------------


def assert_mirrored(page, what: str) -> None:
    """Each label's text starts at the right edge of its field (inline-start in a
    right-to-left page), on the right half of the window; the brand is at the right of
    the header, the language links at its left."""
    width = page.evaluate("() => document.documentElement.clientWidth")
    sides = label_sides(page)
    assert sides, f"{what}: no labelled field"
    for side in sides:
        label, control = side["text"], side["field"]
        assert abs(label["right"] - control["right"]) <= 3, f"{what}: {side}"
        assert label["right"] > width / 2, f"{what}: {side['label']} is on the left"
    brand = page.locator(".brand").bounding_box()
    languages = page.locator(".language-links").bounding_box()
    if abs(brand["y"] - languages["y"]) < brand["height"]:  # on one line
        assert brand["x"] > languages["x"], f"{what}: the brand is left of the language links"
    else:  # the links wrapped under the brand (a narrow window)
        assert brand["x"] + brand["width"] > width - 40, f"{what}: the brand is not at the right"


@pytest.mark.parametrize("size", WIDTHS)
def test_right_to_left_form_and_status_page(size, new_page, pseudo_server, scene, tmp_path):
    page = pseudo_page(new_page, pseudo_server, RTL, WIDTHS[size])
    expect(page.locator("html")).to_have_attribute("dir", "rtl")

    page.goto("/fraga")
    expect(page.get_by_role("heading", level=1)).to_have_text(text("Ask a question", RTL))
    assert_laid_out(page, f"form-{size}", tmp_path)
    assert_mirrored(page, f"the form at {size} width")

    page.get_by_role("button", name=text("Send question", RTL)).click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert_laid_out(page, f"form-errors-{size}", tmp_path)
    assert_mirrored(page, f"the form with errors at {size} width")

    page.goto(f"/arende/{scene.answered.token}")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", level=2).first).to_have_text(text("Messages", RTL))
    assert_laid_out(page, f"status-{size}", tmp_path)
    assert_mirrored(page, f"the status page at {size} width")
    # The conversation's rule is on the inline-start side too: at each message's right.
    side = page.evaluate(
        """() => { const s = getComputedStyle(document.querySelector('.conversation li'));
                   return [s.borderRightWidth, s.borderLeftWidth]; }"""
    )
    assert side[0] != "0px" and side[1] == "0px", side


# --- 40 % longer text -----------------------------------------------------------------------


def log_in_as(page, email: str) -> None:
    """Staff log in on the login page in the pseudo-language the cookie chose."""
    page.goto("/logga-in")
    page.get_by_label(text("E-mail", LONG)).fill(email)
    page.get_by_label(text("Password", LONG)).fill(PASSWORD)
    page.get_by_role("button", name=text("Log in", LONG)).click()
    expect(page.get_by_role("button", name=text("Log out", LONG))).to_be_visible()


def assert_nothing_cut(page, what: str, folder: Path, widths: dict = WIDTHS) -> None:
    """At each width: no text cut off or spilling out of its box, none past the
    window's edges; a screenshot to look at."""
    for size, viewport in widths.items():
        page.set_viewport_size(viewport)
        page.screenshot(path=folder / f"{what}-{size}.png", full_page=True)
        problems = cut_text(page) + outside_window(page)
        assert not problems, f"{what} at {size} width ({page.url}):\n" + "\n".join(problems)


def test_longer_text_is_not_cut_on_the_citizens_pages(new_page, pseudo_server, scene, tmp_path):
    page = pseudo_page(new_page, pseudo_server, LONG, WIDTHS["desktop"])
    page.goto("/fraga")
    assert_nothing_cut(page, "form", tmp_path)
    page.get_by_role("button", name=text("Send question", LONG)).click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert_nothing_cut(page, "form-errors", tmp_path)

    page.get_by_label(text("Subject area", LONG)).select_option(label="Avfall")
    page.get_by_label(text("Heading", LONG), exact=True).fill("Glasigloo full")
    page.get_by_label(text("Your question", LONG)).fill("Glasigloon vid torget är full.")
    page.get_by_role("button", name=text("Send question", LONG)).click()
    expect(page.locator("#reference")).to_be_visible()
    assert_nothing_cut(page, "receipt", tmp_path)

    page.goto(f"/arende/{scene.answered.token}")
    assert_nothing_cut(page, "status", tmp_path)
    page.goto("/fragor-och-svar")
    assert_nothing_cut(page, "faq", tmp_path)
    page.goto("/logga-in")
    assert_nothing_cut(page, "login", tmp_path)


STAFF_PAGES = [
    ("inbox", "agent", "/inkorg"),
    ("ticket", "agent", "/arenden/{s.inbox.reference}"),
    ("queue", "member", "/ko/bygglov"),
    ("ticket-claimed", "member", "/arenden/{s.claimed.reference}"),
    ("dashboard", "manager", "/statistik"),
]


@pytest.mark.parametrize("who", ["agent", "member", "manager"])
def test_longer_text_is_not_cut_on_the_staff_pages(
    who, app, new_page, pseudo_server, scene, tmp_path
):
    with app.app_context():
        db.session.get(User, getattr(scene.org.users, who)).language = LONG
        db.session.commit()
    page = pseudo_page(new_page, pseudo_server, LONG, WIDTHS["desktop"])
    log_in_as(page, getattr(scene.org.emails, who))
    for what, _who, path in (p for p in STAFF_PAGES if p[1] == who):
        response = page.goto(path.format(s=scene))
        assert response.status == 200, f"{path}: {response.status}"
        expect(page.locator("html")).to_have_attribute("lang", LONG)
        assert_nothing_cut(page, what, tmp_path, STAFF_WIDTHS)


# --- the measurements themselves ----------------------------------------------------------


def test_the_measurements_find_what_they_look_for(new_page):
    """Guard against checks that silently pass: a page built with each fault."""
    page = new_page(viewport={"width": 400, "height": 600})
    page.set_content(
        '<html dir="rtl"><body style="margin:0">'
        '<p id="a" style="position:absolute;top:10px">Överlappar</p>'
        '<p id="b" style="position:absolute;top:14px">Överlappar också</p>'
        '<p id="c" style="position:absolute;top:80px;left:350px;white-space:nowrap">'
        "Utanför fönstret</p>"
        '<p id="d" style="position:absolute;top:120px;width:40px;overflow:hidden;'
        'white-space:nowrap">Avklippt text</p>'
        '<select id="e" style="position:absolute;top:160px;width:60px">'
        "<option>Alla ämnesområden</option></select>"
        '<div style="position:absolute;top:200px;width:300px;text-align:left">'
        '<label for="f">Till vänster</label><input id="f" style="display:block;width:100%">'
        "</div></body></html>"
    )
    assert any("#a" in found and "#b" in found for found in overlaps(page))
    assert any("#c" in found for found in outside_window(page))
    cut = cut_text(page)
    assert any(found.startswith("<p#d>") for found in cut), cut
    assert any(found.startswith("<select#e>") for found in cut), cut
    (side,) = label_sides(page)
    assert side["field"]["right"] - side["text"]["right"] > 100, side
