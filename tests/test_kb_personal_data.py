"""Articles hold no personal data (issue 13, item 8): a text that looks as if it held
a personnummer, an e-mail address or a phone number is not saved until the writer
removes it or confirms it is none; the municipality's own contact details pass; an
import stores the article and warns."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from kundtjanst.core.personaldata import EMAIL, PERSONNUMMER, PHONE, findings
from kundtjanst.extensions import db
from kundtjanst.kb.models import Article

from .test_kb_pages import form_data, page


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sökandens personnummer är 19121212-1212.", [(PERSONNUMMER, "19121212-1212")]),
        (
            "Pnr 121212-1212 och 1212121212",
            [(PERSONNUMMER, "121212-1212"), (PERSONNUMMER, "1212121212")],
        ),
        ("Samordningsnummer 701063-2391", [(PERSONNUMMER, "701063-2391")]),
        ("Mejla anna.svensson@exempel.se", [(EMAIL, "anna.svensson@exempel.se")]),
        ("Ring 070-123 45 67", [(PHONE, "070-123 45 67")]),
        ("Ring +46 70 123 45 67", [(PHONE, "+46 70 123 45 67")]),
        ("Ring 08-123 456 78", [(PHONE, "08-123 456 78")]),
        # Not personal data: a number failing the check digit, dates, sums, laws.
        ("Ärendet 19121212-1213 finns inte", []),
        ("Granskas 2027-03-31, avgift 1 250 kr, lag (2009:724), 3 000 ärenden", []),
        ("Hämtas vecka 12–14, kärl om 190 liter", []),
    ],
)
def test_what_looks_like_personal_data(text, expected):
    assert [(f.kind, f.text) for f in findings(text)] == expected


def test_the_municipalitys_own_details_are_allowed():
    text = "Ring kundtjänst på 0123-45 67 00 eller mejla kundtjanst@sjostad.se."
    assert findings(text) != []
    assert findings(text, ("0123-456700", "KUNDTJANST@sjostad.se")) == []


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Article.id)))


def test_an_article_with_a_personnummer_is_not_saved_until_confirmed(app, org, login_as):
    member = login_as("member")
    data = form_data(org, body="Som exempel: Anna, 19121212-1212, ring 070-123 45 67.")
    refused = member.post("/kunskap/artiklar/ny", data=data)
    assert refused.status_code == 400
    text = page(refused)
    assert "personuppgifter" in text and "19121212-1212" in text and "070-123 45 67" in text
    assert 'name="no_personal_data"' in text
    assert _count(app) == 0
    confirmed = member.post("/kunskap/artiklar/ny", data={**data, "no_personal_data": "y"})
    assert confirmed.status_code == 302
    assert _count(app) == 1


def test_an_edit_is_checked_too_and_own_details_pass(app, org, login_as):
    member = login_as("member")
    own = "Ring kundtjänst på 0123-45 67 00 eller mejla kundtjanst@sjostad.se."
    created = member.post("/kunskap/artiklar/ny", data=form_data(org, body=own))
    assert created.status_code == 302, page(created)
    article_id = int(created.headers["Location"].rstrip("/").split("/")[-1])
    form = page(member.get(f"/kunskap/artiklar/{article_id}/andra"))
    assert 'name="no_personal_data"' not in form
    version = form.split('name="version" type="hidden" value="')[1].split('"')[0]
    edited = member.post(
        f"/kunskap/artiklar/{article_id}/andra",
        data=form_data(org, body=own + " Eller fråga bo.bygg@privat.se.", version=version),
    )
    assert edited.status_code == 400 and "bo.bygg@privat.se" in page(edited)
    with app.app_context():
        assert "privat" not in db.session.get(Article, article_id).body


def test_an_import_stores_the_article_and_warns(app, runner, org, tmp_path):
    path = tmp_path / "artiklar.json"
    item = {
        "title": "Ekonomiskt bistånd",
        "category": "ekonomiskt-bistand",
        "group": "socialtjanst",
        "visibility": "internal",
        "state": "draft",
        "body": "Handläggare: ring 070-123 45 67.",
    }
    path.write_text(json.dumps([item]), encoding="utf-8")
    result = runner.invoke(args=["kb", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "warning    artiklar.json #1: looks like personal data: phone '070-123 45 67'" in (
        result.output
    )
    assert _count(app) == 1
