"""The whole e-mail loop, with real servers on both sides, as a newcomer would try it:
a citizen writes to the mailbox (Dovecot), the question is in kundtjänst's inbox, an
agent answers on the ticket page, the answer reaches the citizen (an SMTP server,
aiosmtpd) with the ticket's subject in the citizen's own thread, the citizen replies
from their mail client, and the reply lands on the same ticket."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid

from kundtjanst.core.vocabulary import Channel, EventKind, Status
from kundtjanst.extensions import db

from .factories import version_field
from .inbound_helpers import fetch, kinds, tickets
from .mails import CITIZEN, mail
from .test_citizen_mail import mail_server, send_all, text_and_html  # noqa: F401


def reply_from_a_mail_client(to_message, body: str) -> bytes:
    """What a mail client sends when the citizen presses Reply: "SV:" on the subject,
    In-Reply-To and References continuing the thread, the answer quoted below."""
    reply = EmailMessage()
    reply["From"] = f"Anna Svensson <{CITIZEN}>"
    reply["To"] = to_message["Reply-To"]
    reply["Subject"] = "SV: " + to_message["Subject"]
    reply["Message-ID"] = make_msgid(domain="example.org")
    reply["In-Reply-To"] = to_message["Message-ID"]
    reply["References"] = f"{to_message['References']} {to_message['Message-ID']}"
    quoted = "\n".join("> " + line for line in text_and_html(to_message)[0].splitlines())
    reply.set_content(f"{body}\n\nDen 4 dec. 2026 skrev Kundtjänst:\n{quoted}\n")
    return bytes(reply)


def test_a_question_by_mail_is_answered_by_mail_and_the_reply_lands_on_the_ticket(
    app,
    org,
    mailbox,
    mail_server,  # noqa: F811 (the fixture imported above)
    login_as,
):
    question_id = "<fraga-plank@example.org>"
    mailbox.append(
        mail("Plank mot gatan", "Behöver jag bygglov för ett plank?", message_id=question_id)
    )
    assert fetch(app) == {"waiting": 1, "ticket": 1}
    with app.app_context():
        (ticket,) = tickets()
        assert ticket.channel == Channel.EMAIL and ticket.citizen_email == CITIZEN
        reference = ticket.reference

    agent = login_as("agent")
    assert reference in agent.get("/inkorg").get_data(True)
    answer_text = "Ett plank högre än 1,1 meter behöver bygglov."
    response = agent.post(
        f"/arenden/{reference}/svara",
        data={"reply-body": answer_text, **version_field(agent, reference, "reply")},
    )
    assert response.status_code == 302

    assert send_all(app)["sent"] == 2
    (_, receipt), (recipients, answer) = mail_server.messages
    assert recipients == [CITIZEN]
    assert receipt["Subject"] == f"Plank mot gatan [{reference}]"
    assert answer["Subject"] == f"Re: Plank mot gatan [{reference}]"
    assert answer["In-Reply-To"] == question_id  # the citizen's own thread
    assert answer["References"].split() == [question_id, receipt["Message-ID"]]
    assert answer_text in text_and_html(answer)[0]

    mailbox.append(reply_from_a_mail_client(answer, "Tack! Det blir 1,2 meter, så jag söker."))
    assert fetch(app) == {"waiting": 1, "threaded": 1}
    with app.app_context():
        (same,) = tickets()  # no new ticket
        assert kinds(same)[-1] == EventKind.CITIZEN_MESSAGE
        assert same.status == Status.OPEN  # back in play: the citizen answered
        db.session.expunge_all()
    page = agent.get(f"/arenden/{reference}").get_data(True)
    assert "Det blir 1,2 meter, så jag söker." in page
    assert "Visa citerad historik" in page  # the quoted answer folded away
