"""The ticket remembers the citizen's language: recorded on every way in (the form, the
API, e-mail, "Ny kontakt"), shown to staff (a fact on the ticket, a badge in the
lists, ``lang`` on what the citizen wrote), matched by routing rules — and anything
else sent for it refused clearly, with nothing stored."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from kundtjanst import locales
from kundtjanst.audit.models import AuditEntry
from kundtjanst.auth.models import User
from kundtjanst.core.mailparse import languages, parse
from kundtjanst.core.routing import RuleSpec, TicketFacts, matches
from kundtjanst.core.vocabulary import Channel
from kundtjanst.extensions import db
from kundtjanst.mail.models import OutgoingMail
from kundtjanst.routing.models import RoutingRule
from kundtjanst.tickets import services
from kundtjanst.tickets.models import Ticket

from .api_helpers import bearer, make_token, ticket_body
from .inbound_helpers import fetch
from .mails import mail
from .test_admin import rule_form
from .test_intake import question
from .test_new_contact import contact

HOSTILE = ["de", "", "x" * 5000, "fi\x00", "FI", "fi-FI", " fi", "sv;DROP TABLE tickets"]


def in_language(raw: bytes, header: str | None) -> bytes:
    """``raw`` with a Content-Language header (the email package's set_content drops
    one given before the content)."""
    return raw if header is None else f"Content-Language: {header}\r\n".encode() + raw


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def tickets(app) -> list[Ticket]:
    with app.app_context():
        found = list(db.session.scalars(select(Ticket).order_by(Ticket.id)))
        db.session.expunge_all()
        return found


def make(app, language: str | None, **changes) -> Ticket:
    values = {
        "channel": Channel.WEB,
        "subject": "Roska-astia",
        "description": "Astiaa ei tyhjennetty.",
        "citizen_email": "aino@example.fi",
        "language": language,
    }
    values.update(changes)
    actor = values.pop("actor", None)
    with app.app_context():
        ticket, _token = services.create_ticket(
            services.Contact(**values),
            actor=db.session.get(User, actor) if actor else None,
            status_link=True,
        )
        db.session.commit()
        db.session.refresh(ticket)
        db.session.expunge_all()
        return ticket


def finnish_rule(app, org, **changes) -> int:
    with app.app_context():
        rule = RoutingRule(
            position=5, name="Suomeksi", language="fi", group_id=org.groups.bygg, **changes
        )
        db.session.add(rule)
        db.session.commit()
        return rule.id


# --- the pure parts ----------------------------------------------------------------


def test_a_rule_on_language_matches_that_language_only():
    facts = {"channel": "web", "category_id": None, "subject": "x", "description": "y"}
    rule = RuleSpec(id=1, group_id=9, language="fi")
    assert matches(rule, TicketFacts(**facts, language="fi"))
    assert not matches(rule, TicketFacts(**facts, language="sv"))
    assert not matches(rule, TicketFacts(**facts))  # not known: no language rule matches
    assert matches(RuleSpec(id=2, group_id=9, channel="web"), TicketFacts(**facts, language="fi"))


@pytest.mark.parametrize(
    ("header", "tags"),
    [
        ("fi-FI", ["fi-FI"]),
        ("fi, sv", ["fi", "sv"]),
        ("", []),
        ("   ", []),
        ("<script>, fi", ["fi"]),
        ("x" * 500, []),
        (", ".join(["en"] * 50), ["en"] * 10),
    ],
)
def test_content_language_is_read_as_language_tags(header, tags):
    assert languages(header) == tags


@pytest.mark.parametrize(
    ("tags", "found"),
    [
        (["fi-FI"], "fi"),
        (["FI"], "fi"),
        (["sv-FI"], "sv"),
        (["de-DE", "en-GB"], "en"),
        (["de"], None),
        ([], None),
    ],
)
def test_a_mails_tags_name_a_citizen_language(app, tags, found):
    with app.app_context():
        assert locales.from_tags(tags) == found


# --- the form, the API, e-mail, "Ny kontakt" ----------------------------------------


@pytest.mark.parametrize(
    ("headers", "language"),
    [({}, "sv"), ({"Accept-Language": "en"}, "en"), ({"Accept-Language": "fi-FI"}, "fi")],
)
def test_the_form_records_the_pages_language(app, client, org, headers, language):
    assert client.post("/fraga", data=question(org), headers=headers).status_code == 302
    (ticket,) = tickets(app)
    assert ticket.language == language


def test_the_api_takes_and_shows_the_language(app, client, org):
    with app.app_context():
        token = make_token()
    made = client.post("/api/v1/tickets", json=ticket_body(language="fi"), headers=bearer(token))
    assert made.status_code == 201, made.json
    assert made.json["language"] == "fi"
    plain = client.post("/api/v1/tickets", json=ticket_body(), headers=bearer(token))
    assert plain.json["language"] == "sv"
    read = client.get(f"/api/v1/tickets/{made.json['reference']}", headers=bearer(token))
    assert read.json["language"] == "fi"
    listed = client.get("/api/v1/tickets", headers=bearer(token)).json["items"]
    assert [t["language"] for t in listed] == ["fi", "sv"]
    with app.app_context():  # the receipt is Finnish
        receipt = db.session.scalar(select(OutgoingMail).order_by(OutgoingMail.id))
        assert receipt.body.startswith("Hei,")


def test_the_openapi_document_lists_the_citizen_languages(client):
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    assert schemas["TicketCreate"]["properties"]["language"]["enum"] == ["sv", "en", "fi"]
    assert "language" not in schemas["TicketCreate"].get("required", [])
    assert "language" in schemas["Ticket"]["required"]


@pytest.mark.parametrize("value", [*HOSTILE, None, 5, ["fi"], {"code": "fi"}])
def test_the_api_refuses_any_other_language(app, client, org, value):
    with app.app_context():
        token = make_token()
    answer = client.post("/api/v1/tickets", json=ticket_body(language=value), headers=bearer(token))
    assert answer.status_code == 422
    assert answer.mimetype == "application/problem+json"
    (error,) = answer.json["errors"]
    assert error["field"] == "language"
    if isinstance(value, str):
        assert error["message"] == "Must be one of: sv, en, fi."
        assert "x" * 100 not in answer.get_data(as_text=True)  # not echoed
    assert count(app, Ticket) == 0


def test_new_contact_offers_the_citizens_language_swedish_first(login_as, org):
    page = login_as("agent").get("/ny-kontakt").get_data(as_text=True)
    select_ = re.search(r'<select[^>]*name="language"[^>]*>(.*?)</select>', page, re.S)[1]
    options = re.findall(r'<option(?: selected)? value="([^"]*)"', select_)
    assert options == ["sv", "en", "fi"]
    assert '<option selected value="sv">Svenska</option>' in select_
    assert '<option value="fi">Finska</option>' in select_


def test_new_contact_records_the_language_and_answers_in_it(app, login_as, org):
    agent = login_as("agent")
    data = contact(org, language="fi", email="aino@example.fi", answer="Astia tyhjennetään.")
    assert agent.post("/ny-kontakt", data=data).status_code == 302
    (ticket,) = tickets(app)
    assert ticket.language == "fi" and ticket.channel == Channel.PHONE
    with app.app_context():
        closing = db.session.scalar(select(OutgoingMail))
        assert closing.body.startswith("Hei,") and 'lang="fi"' in closing.html_body


def test_new_contact_without_the_field_is_swedish(app, login_as, org):
    """A page opened before the field existed still saves, as Swedish."""
    assert login_as("agent").post("/ny-kontakt", data=contact(org)).status_code == 302
    assert tickets(app)[0].language == "sv"


@pytest.mark.parametrize("value", HOSTILE)
def test_new_contact_refuses_any_other_language(app, login_as, org, value):
    response = login_as("agent").post("/ny-kontakt", data=contact(org, language=value))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'class="error-summary"' in page and 'href="#language"' in page
    assert "Välj ett av alternativen." in page or "Innehåller tecken som inte är tillåtna" in page
    assert "x" * 100 not in page.split("</select>")[0].split('name="language"')[-1]
    assert count(app, Ticket) == 0


@pytest.mark.parametrize(
    ("header", "language"),
    [("fi-FI", "fi"), ("FI", "fi"), ("en-US", "en"), ("de-DE", "sv"), (None, "sv")],
)
def test_an_e_mail_question_takes_its_content_language(app, org, mailbox, header, language):
    raw = mail("Roska-astiaa ei tyhjennetty", "Hei! Astiaamme ei tyhjennetty tiistaina.")
    mailbox.append(in_language(raw, header))
    assert fetch(app)["ticket"] == 1
    (ticket,) = tickets(app)
    assert ticket.language == language
    with app.app_context():  # the receipt, written by the job, in the citizen's language
        receipt = db.session.scalar(select(OutgoingMail))
        assert f'<html lang="{language}"' in receipt.html_body


def test_a_mails_content_language_is_parsed():
    assert parse(in_language(mail(), "fi-FI, sv")).languages == ["fi-FI", "sv"]
    assert parse(mail()).languages == []


# --- routing on language -------------------------------------------------------------


def test_a_finnish_question_goes_to_the_finnish_rules_group(app, org, client, login_as):
    admin = login_as("admin")
    saved = admin.post(
        "/admin/regler/ny",
        data=rule_form(org, name="Suomenkieliset", language="fi", group_id=org.groups.bygg),
        follow_redirects=True,
    )
    assert saved.status_code == 200
    assert "Språk: Finska" in saved.get_data(as_text=True)  # the rules list
    client.get("/sprak/fi?next=/fraga")
    assert client.post("/fraga", data=question(org, subject="Roska-astia")).status_code == 302
    swedish = app.test_client()
    assert swedish.post("/fraga", data=question(org)).status_code == 302
    with app.app_context():
        token = make_token()
    client.post("/api/v1/tickets", json=ticket_body(language="fi"), headers=bearer(token))
    client.post("/api/v1/tickets", json=ticket_body(language="en"), headers=bearer(token))
    finnish, other, api_finnish, api_english = tickets(app)
    assert (finnish.language, finnish.group_id) == ("fi", org.groups.bygg)
    assert (other.language, other.group_id) == ("sv", org.groups.kundtjanst)
    assert api_finnish.group_id == org.groups.bygg
    assert api_english.group_id == org.groups.kundtjanst
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "rule.create"))
        assert entry.details["changes"]["language"] == [None, "fi"]


def test_new_contact_kept_open_is_routed_by_language(app, org, login_as):
    finnish_rule(app, org)
    agent = login_as("agent")
    agent.post("/ny-kontakt", data=contact(org, language="fi", action="open", answer=""))
    agent.post("/ny-kontakt", data=contact(org, language="sv", action="open", answer=""))
    finnish, swedish = tickets(app)
    assert finnish.group_id == org.groups.bygg and swedish.group_id == org.groups.kundtjanst


def test_a_rule_may_have_language_as_its_only_condition_and_edits_keep_it(app, org, login_as):
    admin = login_as("admin")
    assert admin.post("/admin/regler/ny", data=rule_form(org, language="en")).status_code == 302
    with app.app_context():
        rule = db.session.scalar(select(RoutingRule).where(RoutingRule.name == "Skolfrågor"))
        assert rule.language == "en"
        rule_id = rule.id
    form = admin.get(f"/admin/regler/{rule_id}/redigera").get_data(as_text=True)
    assert '<option selected value="en">Engelska</option>' in form
    edited = admin.post(
        f"/admin/regler/{rule_id}/redigera", data=rule_form(org, language="", keywords="skola")
    )
    assert edited.status_code == 302
    with app.app_context():
        assert db.session.get(RoutingRule, rule_id).language is None
        update = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "rule.update"))
        assert update.details["changes"]["language"] == ["en", None]


def test_a_rule_in_a_language_no_longer_offered_can_still_be_edited(
    app, org, login_as, monkeypatch
):
    rule_id = finnish_rule(app, org)
    monkeypatch.setitem(app.config, "CITIZEN_LANGUAGES", ("sv", "en"))
    admin = login_as("admin")
    form = admin.get(f"/admin/regler/{rule_id}/redigera").get_data(as_text=True)
    assert '<option selected value="fi">Finska (inaktiv)</option>' in form
    kept = admin.post(
        f"/admin/regler/{rule_id}/redigera",
        data=rule_form(org, name="Suomeksi", language="fi", group_id=org.groups.bygg),
    )
    assert kept.status_code == 302
    # A new rule cannot choose it.
    refused = admin.post("/admin/regler/ny", data=rule_form(org, language="fi"))
    assert refused.status_code == 400
    assert count(app, RoutingRule) == 2


@pytest.mark.parametrize("value", [v for v in HOSTILE if v])
def test_a_rule_refuses_any_other_language(app, org, login_as, value):
    response = login_as("admin").post(
        "/admin/regler/ny", data=rule_form(org, keywords="skola", language=value)
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'class="error-summary"' in page
    assert "Välj ett av alternativen." in page
    assert count(app, RoutingRule) == 1  # the org's own rule only
