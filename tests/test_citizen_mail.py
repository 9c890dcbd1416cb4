"""Mail to citizens: a receipt, every public reply and the closing answer go through
the outbox to a real SMTP server (aiosmtpd), carry the reference in the subject,
continue the thread, and say nothing of a confidential ticket beyond the reference
and what the member chose to send."""

from __future__ import annotations

import re
import threading
from email.utils import parseaddr

import pytest
from sqlalchemy import select

from kundtjanst.auth.models import User
from kundtjanst.core.vocabulary import Channel, Outcome
from kundtjanst.extensions import db
from kundtjanst.mail import services as outbox
from kundtjanst.mail.models import CLOSING, PENDING, RECEIPT, REPLY, SENT, OutgoingMail
from kundtjanst.org.models import Group
from kundtjanst.tickets import services
from kundtjanst.tickets.models import Ticket

from .factories import new_ticket, version_field
from .test_intake import question
from .test_jobs import Inbox, free_port
from .test_outbox import serve

SECRET_SUBJECT = "Ansökan om försörjningsstöd"
SECRET_TEXT = "Jag har inga pengar till hyran denna månad."
SECRET_NOTE = "Tidigare känd hos enheten för vuxna."


@pytest.fixture
def mail_server(app, monkeypatch):
    """A real SMTP server on a free loopback port, the app configured to use it."""
    inbox = Inbox()
    port = free_port()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 2)
    monkeypatch.setitem(app.config, "MAIL_FROM", "Sjöstads kommun <noreply@sjostad.se>")
    monkeypatch.setitem(app.config, "MAIL_REPLY_TO", "kundtjanst@sjostad.se")
    controller = serve(port, inbox)
    inbox.port = port
    yield inbox
    controller.stop()


def send_all(app) -> dict[str, int]:
    with app.app_context():
        return outbox.deliver()


def mails(app, ticket_id: int | None = None) -> list[OutgoingMail]:
    with app.app_context():
        stmt = select(OutgoingMail).order_by(OutgoingMail.id)
        if ticket_id is not None:
            stmt = stmt.where(OutgoingMail.ticket_id == ticket_id)
        found = list(db.session.scalars(stmt))
        db.session.expunge_all()
        return found


def text_and_html(message) -> tuple[str, str]:
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return text, html


def ticket_by_reference(reference: str) -> Ticket:
    return db.session.scalar(select(Ticket).where(Ticket.reference == reference))


def test_a_question_on_the_web_form_gets_a_receipt_by_mail(app, client, org, mail_server):
    client.post("/fraga", data=question(org, email="eva@example.org"))
    reference = re.search(r"KT-\d{4}-\d{6}", client.get("/fraga/skickad").get_data(True))[0]
    assert send_all(app)[SENT] == 1
    ((recipients, message),) = mail_server.messages
    assert recipients == ["eva@example.org"]
    assert message["Subject"] == f"Soptunnan har inte tömts [{reference}]"
    assert message["Thread-Topic"] == message["Subject"]
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Reply-To"] == "kundtjanst@sjostad.se"
    assert parseaddr(message["From"])[1] == "noreply@sjostad.se"
    assert message["Message-ID"].endswith("@sjostad.se>")
    text, html = text_and_html(message)
    assert reference in text and reference in html
    assert "Vår tunna på Storgatan 1" in text  # the summary
    assert "Sjöstads kommun" in text and "kundtjanst@sjostad.se" in text
    # The private link in the mail opens the citizen's status page.
    link = re.search(r"http://127\.0\.0\.1:5000(/arende/[A-Za-z0-9_-]+)", text)[1]
    assert f'href="http://127.0.0.1:5000{link}"' in html
    page = client.get(link)
    assert page.status_code == 200 and reference in page.get_data(True)
    with app.app_context():
        (row,) = mails(app)
        assert row.kind == RECEIPT and row.ticket_id == ticket_by_reference(reference).id


def test_no_address_no_mail(app, client, org, mail_server):
    client.post("/fraga", data=question(org, email=""))
    assert mails(app) == []
    assert send_all(app)[SENT] == 0


def test_replies_and_the_closing_answer_continue_the_thread(app, org, mail_server):
    with app.app_context():
        ticket, _ = new_ticket(subject="Parkeringstillstånd")
        agent = db.session.get(User, org.users.agent)
        services.reply(ticket, agent, "Du ansöker på webben under Parkering.")
        db.session.commit()
        services.resolve(ticket, agent, Outcome.ANSWERED, reply_body="Ansökan är nu beviljad.")
        db.session.commit()
        ticket_id, reference = ticket.id, ticket.reference
    assert send_all(app)[SENT] == 3
    receipt, reply, closing = (m for _, m in mail_server.messages)
    assert [m.kind for m in mails(app, ticket_id)] == [RECEIPT, REPLY, CLOSING]
    # One topic for the whole conversation: the receipt's subject, answered with "Re:".
    assert receipt["Subject"] == f"Parkeringstillstånd [{reference}]"
    assert reply["Subject"] == closing["Subject"] == f"Re: Parkeringstillstånd [{reference}]"
    assert reply["Thread-Topic"] == closing["Thread-Topic"] == receipt["Subject"]
    assert "Auto-Submitted" not in reply and "Auto-Submitted" not in closing
    assert "Du ansöker på webben under Parkering." in text_and_html(reply)[0]
    closing_text = text_and_html(closing)[0]
    assert "Ansökan är nu beviljad." in closing_text and "avslutad" in closing_text
    # Each continues the one before: a mail client shows one conversation.
    assert reply["In-Reply-To"] == receipt["Message-ID"]
    assert reply["References"] == receipt["Message-ID"]
    assert closing["In-Reply-To"] == reply["Message-ID"]
    assert closing["References"].split() == [receipt["Message-ID"], reply["Message-ID"]]


def test_a_question_that_came_by_mail_is_answered_in_the_citizens_own_thread(app, org, mail_server):
    theirs = "<CAFx123@mail.example.org>"
    with app.app_context():
        contact = services.Contact(
            channel=Channel.EMAIL,
            subject="Fråga om bygglov",
            description="Behöver jag bygglov för ett plank?",
            citizen_email="ola@example.org",
            message_id=theirs,
        )
        ticket, _ = services.create_ticket(contact, status_link=True)
        db.session.commit()
        agent = db.session.get(User, org.users.agent)
        services.reply(ticket, agent, "Ja, om det är högre än 1,1 meter.")
        db.session.commit()
    send_all(app)
    receipt, reply = (m for _, m in mail_server.messages)
    assert receipt["In-Reply-To"] == theirs and receipt["References"] == theirs
    assert reply["In-Reply-To"] == theirs
    assert reply["References"].split() == [theirs, receipt["Message-ID"]]


def test_a_closing_without_text_tells_a_written_question_but_not_a_caller(app, org, mail_server):
    with app.app_context():
        agent = db.session.get(User, org.users.agent)
        written, _ = new_ticket(channel=Channel.WEB)
        called, _ = new_ticket(channel=Channel.PHONE, status_link=False)
        for ticket in (written, called):
            services.resolve(ticket, agent, Outcome.ANSWERED)
        db.session.commit()
        written_id, called_id = written.id, called.id
    assert [m.kind for m in mails(app, written_id)] == [RECEIPT, CLOSING]
    assert mails(app, called_id) == []
    send_all(app)
    closing = mail_server.messages[-1][1]
    assert "är nu avslutad" in text_and_html(closing)[0]


def test_a_confidential_tickets_mail_carries_only_the_reference_and_the_answer(
    app, org, mail_server
):
    answer = "Välkommen att boka en tid på 0123-45 67 00."
    with app.app_context():
        ticket, _ = new_ticket(
            subject=SECRET_SUBJECT,
            description=SECRET_TEXT,
            category_id=org.categories.bistand,
            citizen_email="kim@example.org",
        )
        assert ticket.confidential
        social = db.session.get(User, org.users.social)
        services.claim(ticket, social)
        services.add_note(ticket, social, SECRET_NOTE)
        services.reply(ticket, social, answer)
        services.resolve(ticket, social, Outcome.ANSWERED, note=SECRET_NOTE)
        db.session.commit()
        reference = ticket.reference
    assert send_all(app)[SENT] == 3
    for _, message in mail_server.messages:
        raw = message.as_string()
        text, html = text_and_html(message)
        assert message["Subject"].removeprefix("Re: ") == f"Din fråga [{reference}]"
        for secret in (SECRET_SUBJECT, SECRET_TEXT, SECRET_NOTE, "Socialtjänst", "Sara"):
            assert secret not in text and secret not in html and secret not in message["Subject"]
        assert "Socialtj" not in raw
    assert answer in text_and_html(mail_server.messages[1][1])[0]


def test_staff_see_on_the_ticket_which_mails_went_out(app, org, login_as, mail_server):
    with app.app_context():
        ticket, _ = new_ticket()
        reference = ticket.reference
    client = login_as("agent")
    page = client.get(f"/arenden/{reference}").get_data(True)
    assert "E-post till medborgaren" in page and "Väntar på att skickas" in page
    send_all(app)
    page = client.get(f"/arenden/{reference}").get_data(True)
    assert "Kvitto" in page and "Skickad" in page and "Väntar på att skickas" not in page


def test_a_reply_typed_on_the_ticket_page_is_mailed(app, org, login_as, mail_server):
    with app.app_context():
        ticket, _ = new_ticket()
        reference = ticket.reference
    client = login_as("agent")
    response = client.post(
        f"/arenden/{reference}/svara",
        data={"reply-body": "Tunnan töms på fredag.", **version_field(client, reference, "reply")},
    )
    assert response.status_code == 302
    send_all(app)
    assert "Tunnan töms på fredag." in text_and_html(mail_server.messages[-1][1])[0]


def test_a_tickets_mails_leave_in_order_after_the_server_was_down(app, org, mail_server):
    """Receipt and reply written while the server is down: when it is up, both arrive,
    the receipt first, although the reply was due before the receipt's next attempt."""
    down = free_port()
    app.config["MAIL_PORT"] = down
    with app.app_context():
        ticket, _ = new_ticket()
        assert outbox.deliver()[PENDING] == 1  # the receipt: connection refused
        agent = db.session.get(User, org.users.agent)
        services.reply(ticket, agent, "Svar ett")
        db.session.commit()
        # The reply is due now, the receipt only after its backoff: the reply waits.
        assert outbox.deliver() == {SENT: 0, PENDING: 0, "failed": 0, "unsent": 0}
        app.config["MAIL_PORT"] = mail_server.port
        for row in db.session.scalars(select(OutgoingMail)):
            row.next_attempt_at = row.created_at
        db.session.commit()
        assert outbox.deliver()[SENT] == 2
    kinds = [m.get_body(("plain",)).get_content() for _, m in mail_server.messages]
    assert "Vi har tagit emot din fråga" in kinds[0] and "Svar ett" in kinds[1]


def test_two_senders_deliver_every_message_exactly_once(app, org, mail_server):
    with app.app_context():
        agent = db.session.get(User, org.users.agent)
        for n in range(15):
            ticket, _ = new_ticket(citizen_email=f"person{n}@example.org")
            services.reply(ticket, agent, f"Svar {n}")
        db.session.commit()
        expected = set(db.session.scalars(select(OutgoingMail.message_id)))
    assert len(expected) == 30
    errors = []

    def sender():
        try:
            with app.app_context():
                outbox.deliver()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    received = [m["Message-ID"] for _, m in mail_server.messages]
    assert sorted(received) == sorted(expected)  # each once, none missing
    with app.app_context():
        assert set(db.session.scalars(select(OutgoingMail.status))) == {SENT}


def test_a_groups_own_address_never_reaches_the_citizens_mail(app, org, mail_server):
    """The receipt goes to the citizen only; the group's address is not in it."""
    with app.app_context():
        group = db.session.get(Group, org.groups.kundtjanst)
        group.email = "intern-kundtjanst@sjostad.se"
        db.session.commit()
        new_ticket()
    send_all(app)
    ((recipients, message),) = mail_server.messages
    assert recipients == ["medborgare@example.org"]
    assert "intern-kundtjanst" not in message.as_string()


def test_without_a_mail_server_mail_waits_and_is_sent_when_one_is_set(
    app, org, login_as, monkeypatch
):
    """`make run` as it comes: the receipt waits (shown as such), then an administrator
    sets a server and tries it again from the outbox page: it is sent, once."""
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    with app.app_context():
        ticket, _ = new_ticket()
        reference = ticket.reference
        assert outbox.deliver()[PENDING] == 1
        assert outbox.deliver()[PENDING] == 0  # not looked at again for an hour
    (row,) = mails(app)
    assert row.status == PENDING and row.attempts == 0 and row.last_error is None
    agent_page = login_as("agent").get(f"/arenden/{reference}").get_data(True)
    assert "Väntar på att skickas" in agent_page and "Ingen e-postserver är inställd" in agent_page
    admin = login_as("admin")
    listing = admin.get("/admin/utkorg").get_data(True)
    assert "Ingen e-postserver är inställd" in listing and f"mail-{row.id}" in listing

    inbox = Inbox()
    port = free_port()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    controller = serve(port, inbox)
    try:
        response = admin.post(f"/admin/utkorg/{row.id}/forsok-igen", data={})
        assert response.status_code == 302
        assert admin.post(f"/admin/utkorg/{row.id}/forsok-igen", data={}).status_code == 302
    finally:
        controller.stop()
    assert len(inbox.messages) == 1  # the second retry found it sent
    (row,) = mails(app)
    assert row.status == SENT


def test_the_outbox_page_takes_hostile_parameters(app, org, login_as):
    admin = login_as("admin")
    for query in ("?status=%3Cscript%3E", "?status=sent", "?page=-1", "?page=99999999999"):
        response = admin.get("/admin/utkorg" + query)
        assert response.status_code == 200
        assert "<script>" not in response.get_data(True)
    assert admin.post("/admin/utkorg/999999/forsok-igen", data={}).status_code == 404


def test_hostile_text_from_the_form_cannot_change_the_receipts_headers(
    app, client, org, mail_server
):
    """A name with a header in it is refused on the form; a subject like a spreadsheet
    formula goes into the subject as text, on one line, and adds no header or
    recipient."""
    refused = client.post(
        "/fraga", data=question(org, name="Eva\r\nBcc: spion@example.org", email="eva@example.org")
    )
    assert refused.status_code == 400 and mails(app) == []
    bidi = client.post("/fraga", data=question(org, subject="Hej \u202eRe: Bcc: spion@x.org"))
    assert bidi.status_code == 400 and mails(app) == []  # direction controls are refused
    hostile = "=cmd|' /C calc'!A0 Re: Bcc: spion@example.org"
    client.post("/fraga", data=question(org, subject=hostile, email="eva@example.org"))
    send_all(app)
    ((recipients, message),) = mail_server.messages
    assert recipients == ["eva@example.org"]
    assert "Bcc" not in message and "spion" not in message["To"]
    assert message["Subject"].startswith(f"{hostile} [KT-")
    assert sorted(message.keys()) == sorted(
        [
            "From",
            "To",
            "Subject",
            "Date",
            "Message-ID",
            "Reply-To",
            "Auto-Submitted",
            "X-Loop",
            "Thread-Topic",
            "Content-Type",
            "MIME-Version",
        ]
    )
