"""A citizen who reads Finnish (or English) asks, follows and gets the answer in it from
start to end: the form, the receipt page, the receipt mail (through a real SMTP
server), the status page, and the answer and closing mails a Swedish-speaking member
sends. When the municipality stops offering the language, or its catalogue is
missing, the mails fall back to Swedish — never to the code's English msgids or to
nothing."""

from __future__ import annotations

import re

from sqlalchemy import select

from kundtjanst.auth.models import User
from kundtjanst.core.vocabulary import Channel
from kundtjanst.extensions import db
from kundtjanst.mail.models import CLOSING, RECEIPT, REPLY, SENT, OutgoingMail
from kundtjanst.tickets import services
from kundtjanst.tickets.models import Ticket

from .conftest import make_app
from .factories import version_field
from .test_citizen_mail import mail_server, send_all, text_and_html  # noqa: F401  (fixture)
from .test_intake import question
from .test_ticket_flow import escalate

FINNISH_HEADING = "Roska-astiaa ei ole tyhjennetty"
FINNISH_QUESTION = "Roska-astiaamme Storgatan 1:ssä ei tyhjennetty tiistaina. Mitä teen?"
FINNISH_ANSWER = "Astia tyhjennetään torstaina. Pahoittelemme viivästystä."
SWEDISH_WORDS = ("Hej", "Vänliga hälsningar", "Vi har tagit emot", "ärende")
ENGLISH_MSGIDS = ("Hello,", "Kind regards", "We have received", "Your question")


def html_lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html)[1]


def reference_on(page: str) -> str:
    return re.search(r"KT-\d{4}-\d{6}", page)[0]


def the_ticket(reference: str) -> Ticket:
    return db.session.scalar(select(Ticket).where(Ticket.reference == reference))


def assert_finnish(text: str, html: str) -> None:
    assert html_lang(html) == "fi"
    for word in SWEDISH_WORDS + ENGLISH_MSGIDS:
        assert word not in text and word not in html, word
    assert text.startswith("Hei,") and "Ystävällisin terveisin" in text
    assert "Asiakaspalvelu" in text  # "Customer service, Sjöstads kommun"


def test_a_finnish_citizens_whole_journey_is_in_finnish(
    app,
    client,
    org,
    login_as,
    mail_server,  # noqa: F811 (the fixture imported above)
):
    # The form, in Finnish by the language link.
    assert client.get("/sprak/fi?next=/fraga").status_code == 302
    form = client.get("/fraga").get_data(as_text=True)
    assert html_lang(form) == "fi" and "Esitä kysymys" in form

    sent = client.post(
        "/fraga",
        data=question(
            org,
            category=str(org.categories.bygglov),
            subject=FINNISH_HEADING,
            question=FINNISH_QUESTION,
            name="Aino Virtanen",
            email="aino@example.fi",
        ),
    )
    assert sent.status_code == 302
    receipt_page = client.get("/fraga/skickad").get_data(as_text=True)
    assert html_lang(receipt_page) == "fi"
    reference = reference_on(receipt_page)
    with app.app_context():
        assert the_ticket(reference).language == "fi"

    # The receipt mail, through the SMTP server: Finnish subject, body and layout.
    assert send_all(app)[SENT] == 1
    ((recipients, receipt),) = mail_server.messages
    assert recipients == ["aino@example.fi"]
    assert receipt["Subject"] == f"{FINNISH_HEADING} [{reference}]"
    text, html = text_and_html(receipt)
    assert_finnish(text, html)
    assert f"Olemme vastaanottaneet kysymyksesi. Viitenumerosi on {reference}." in text
    assert "<title>Olemme vastaanottaneet kysymyksesi</title>" in html
    assert FINNISH_QUESTION in text  # the summary of what they wrote

    # The status page, from the link in the mail, in Finnish.
    link = re.search(r"http://127\.0\.0\.1:5000(/arende/[A-Za-z0-9_-]+)", text)[1]
    status = client.get(link).get_data(as_text=True)
    assert html_lang(status) == "fi"
    assert "Vastaanotettu – käsittelemme kysymystäsi" in status

    # Kundtjänst sends it on; a member (whose pages are Swedish) answers and closes it.
    assert escalate(login_as("agent"), reference, org.groups.bygg).status_code == 302
    member = login_as("member")
    assert member.post(f"/arenden/{reference}/ta").status_code == 302
    answered = member.post(
        f"/arenden/{reference}/svara",
        data={"reply-body": FINNISH_ANSWER, **version_field(member, reference, "reply")},
        follow_redirects=True,
    )
    assert answered.status_code == 200 and html_lang(answered.get_data(as_text=True)) == "sv"
    closed = member.post(
        f"/arenden/{reference}/avsluta",
        data={"resolve-outcome": "answered", **version_field(member, reference, "resolve")},
    )
    assert closed.status_code == 302

    assert send_all(app)[SENT] == 2
    _receipt, (_to, reply), (_to2, closing) = mail_server.messages
    assert reply["Subject"] == closing["Subject"] == f"Re: {FINNISH_HEADING} [{reference}]"
    text, html = text_and_html(reply)
    assert_finnish(text, html)
    assert f"Tässä vastauksemme kysymykseesi {reference}:" in text and FINNISH_ANSWER in text
    assert "<title>Vastaus kysymykseesi</title>" in html
    text, html = text_and_html(closing)
    assert_finnish(text, html)
    assert f"Kysymyksesi {reference} on nyt suljettu." in text
    assert "<title>Kysymyksesi on suljettu</title>" in html

    # The status page shows the answer, still in Finnish.
    status = client.get(link).get_data(as_text=True)
    assert html_lang(status) == "fi" and FINNISH_ANSWER in status
    with app.app_context():
        kinds = [m.kind for m in db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id))]
        assert kinds == [RECEIPT, REPLY, CLOSING]


def test_an_english_citizen_asks_and_is_answered_in_english(
    app,
    org,
    login_as,
    mail_server,  # noqa: F811 (the fixture imported above)
):
    client = app.test_client()
    english = {"Accept-Language": "en-GB,en;q=0.9"}
    form = client.get("/fraga", headers=english).get_data(as_text=True)
    assert html_lang(form) == "en" and "Ask a question" in form
    client.post(
        "/fraga",
        data=question(org, subject="Bin not emptied", email="sam@example.org"),
        headers=english,
    )
    reference = reference_on(client.get("/fraga/skickad", headers=english).get_data(True))
    agent = login_as("agent")
    agent.post(
        f"/arenden/{reference}/avsluta",
        data={
            "resolve-outcome": "answered",
            "resolve-reply": "It will be emptied on Thursday.",
            **version_field(agent, reference, "resolve"),
        },
    )
    assert send_all(app)[SENT] == 2
    (_to, receipt), (_to2, closing) = mail_server.messages
    assert receipt["Subject"] == f"Bin not emptied [{reference}]"
    text, html = text_and_html(receipt)
    assert html_lang(html) == "en" and text.startswith("Hello,")
    link = re.search(r"http://127\.0\.0\.1:5000(/arende/[A-Za-z0-9_-]+)", text)[1]
    assert f"We have received your question. Your reference number is {reference}." in text
    assert "Kind regards," in text and "Vänliga hälsningar" not in text
    text, html = text_and_html(closing)
    assert html_lang(html) == "en"
    assert f"Here is our answer to your question {reference}:" in text
    assert "It will be emptied on Thursday." in text
    status = client.get(link, headers=english).get_data(as_text=True)
    assert html_lang(status) == "en" and "It will be emptied on Thursday." in status


def _answer_a_finnish_ticket(app, org) -> int:
    """A Finnish web question, answered by the agent; the mails' ticket id."""
    with app.app_context():
        ticket, _token = services.create_ticket(
            services.Contact(
                channel=Channel.WEB,
                subject=FINNISH_HEADING,
                description=FINNISH_QUESTION,
                citizen_email="aino@example.fi",
                language="fi",
            ),
            status_link=True,
        )
        db.session.commit()
        return ticket.id


def _mails(app, ticket_id: int) -> list[OutgoingMail]:
    with app.app_context():
        found = list(
            db.session.scalars(
                select(OutgoingMail)
                .where(OutgoingMail.ticket_id == ticket_id)
                .order_by(OutgoingMail.id)
            )
        )
        db.session.expunge_all()
        return found


def _answer(app, org, ticket_id: int) -> None:
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        services.reply(ticket, db.session.get(User, org.users.agent), FINNISH_ANSWER)
        db.session.commit()


def _swedish(mail: OutgoingMail) -> None:
    assert mail.body.startswith("Hej!") and "Vänliga hälsningar" in mail.body
    assert html_lang(mail.html_body) == "sv"
    assert "Hei," not in mail.body and "Hello," not in mail.body


def test_mail_falls_back_to_swedish_when_finnish_is_switched_off(app, database_url, org):
    ticket_id = _answer_a_finnish_ticket(app, org)
    (receipt,) = _mails(app, ticket_id)
    assert html_lang(receipt.html_body) == "fi"
    # The municipality leaves the Finnish administrative area: Finnish is switched off.
    swedish_only = make_app(database_url, CITIZEN_LANGUAGES=("sv", "en"))
    try:
        _answer(swedish_only, org, ticket_id)
    finally:
        with swedish_only.app_context():
            db.engine.dispose()  # or the garbage collector closes its connections
    _receipt, reply = _mails(app, ticket_id)
    _swedish(reply)
    assert "Här är vårt svar på din fråga" in reply.body and FINNISH_ANSWER in reply.body
    with app.app_context():
        assert db.session.get(Ticket, ticket_id).language == "fi"  # the ticket keeps it


def test_mail_falls_back_to_swedish_for_a_language_without_a_catalogue(app, org, monkeypatch):
    # German offered, but nobody added its catalogue: the mail is Swedish, not English.
    monkeypatch.setitem(app.config, "CITIZEN_LANGUAGES", ("sv", "en", "fi", "de"))
    with app.app_context():
        ticket, _token = services.create_ticket(
            services.Contact(
                channel=Channel.WEB,
                subject="Mülltonne",
                description="Die Tonne wurde nicht geleert.",
                citizen_email="jonas@example.de",
                language="de",
            ),
            status_link=True,
        )
        db.session.commit()
        ticket_id = ticket.id
        assert ticket.language == "de"
    _answer(app, org, ticket_id)
    receipt, reply = _mails(app, ticket_id)
    _swedish(receipt)
    _swedish(reply)
    assert receipt.subject.startswith("Mülltonne [KT-")
