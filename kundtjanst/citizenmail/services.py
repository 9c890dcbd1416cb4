"""What the citizen is told by e-mail, queued in the outbox in the same transaction as
its cause. Tickets announce a new question and every answer (`tickets.signals`); this
listens, so tickets never import it.

Only a citizen who gave an e-mail address gets mail. Every mail about a ticket has
one topic, its subject with the reference in brackets (``Soptunnan har inte tömts
[KT-2026-000123]``): the receipt carries it as it is, every answer as ``Re: …``, and
``Thread-Topic`` names it, so mail clients that group by subject (Outlook) keep one
conversation, and the tag threads the citizen's reply back to the ticket. When the
question came by e-mail, In-Reply-To and References continue the citizen's own
thread. Reply-To is the municipality's mailbox. A receipt says
``Auto-Submitted: auto-generated`` (RFC 3834), so autoresponders leave it alone.

A confidential ticket's mail carries its reference and the text the member chose to
send — never the subject, the question or anything else written under secrecy.

Every mail is written in the citizen's language (`Ticket.language`), subject and
body, whoever causes it and whatever language their own page is in; in Swedish when
that language is no longer offered to citizens or has no catalogue
(`locales.mail_language`), never in the msgids.
"""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from .. import locales
from ..core.text import one_line
from ..core.vocabulary import Channel
from ..extensions import db
from ..lazytext import lazy_gettext as _l
from ..mail import services as outbox
from ..mail.models import CLOSING, RECEIPT, REPLY, OutgoingMail
from ..tickets.models import Ticket
from ..tickets.signals import answered, question_received

# A closing with nothing typed still tells the citizen when they asked in writing; a
# caller or visitor heard it at once.
WRITTEN = frozenset({Channel.EMAIL, Channel.WEB, Channel.LETTER})
SUMMARY_CHARACTERS = 600
# How many of our earlier messages a References header names (the thread's start and
# its latest messages are what mail clients use).
REFERENCES_KEPT = 8


def subscribe() -> None:
    question_received.connect(_on_question_received)
    answered.connect(_on_answered)


def _on_question_received(ticket: Ticket, *, status_token: str, **_extra) -> None:
    receipt(ticket, status_token)


def _on_answered(ticket: Ticket, *, body: str | None, closing: bool, **_extra) -> None:
    answer(ticket, body, closing=closing)


def summary(text: str) -> str:
    """The start of the question, for the receipt."""
    text = (text or "").strip()
    if len(text) <= SUMMARY_CHARACTERS:
        return text
    return text[:SUMMARY_CHARACTERS].rstrip() + " …"


def status_link(token: str) -> str:
    """The citizen's private link: BASE_URL and the status page's path, built without
    a request (a mail can be written by a job)."""
    path = current_app.url_map.bind("").build("intake.status", {"token": token})
    return current_app.config["BASE_URL"].rstrip("/") + path


def receipt(ticket: Ticket, status_token: str) -> OutgoingMail | None:
    """The question arrived: its reference, a summary and the private status link."""
    values = {
        "link": status_link(status_token),
        "summary": None if ticket.confidential else summary(ticket.description),
    }
    return _queue(ticket, RECEIPT, _l("We have received your question"), "receipt", values)


def answer(ticket: Ticket, body: str | None, *, closing: bool) -> OutgoingMail | None:
    """A public reply, or the closing answer (with the reply written when closing, or a
    short note that the question is closed when the citizen asked in writing)."""
    if not body and not (closing and ticket.channel in WRITTEN):
        return None
    title = _l("Answer to your question") if body else _l("Your question has been closed")
    kind = CLOSING if closing else REPLY
    return _queue(ticket, kind, title, "answer", {"body": body, "closing": closing})


def topic(ticket: Ticket) -> str:
    """The subject every mail about ``ticket`` shares: its own (a confidential one's
    is never sent) and its reference."""
    subject = _("Your question") if ticket.confidential else one_line(ticket.subject)
    return f"{subject} [{ticket.reference}]"


def _thread(ticket: Ticket) -> tuple[str | None, str | None]:
    """In-Reply-To and References: the citizen's latest message when they wrote by
    e-mail, else our latest to them; References from the thread's start on."""
    ours = db.session.scalars(
        select(OutgoingMail.message_id)
        .where(OutgoingMail.ticket_id == ticket.id)
        .order_by(OutgoingMail.id.desc())
        .limit(REFERENCES_KEPT)
    ).all()[::-1]
    chain = [ticket.mail_root_id, *ours, ticket.mail_last_id]
    seen: list[str] = []
    for message_id in chain:
        if message_id and message_id not in seen:
            seen.append(message_id)
    parent = ticket.mail_last_id or (ours[-1] if ours else None)
    return parent, " ".join(seen) or None


def _queue(ticket: Ticket, kind: str, title, template: str, values: dict) -> OutgoingMail | None:
    """Write the mail in the citizen's language (``title``: a lazy text) and queue it."""
    if not ticket.citizen_email:
        return None
    config = current_app.config
    language = locales.mail_language(ticket.language)
    with force_locale(language):
        subject = topic(ticket) if kind == RECEIPT else f"Re: {topic(ticket)}"
        values = {
            **values,
            "ticket": ticket,
            "title": str(title),
            "municipality": config["MUNICIPALITY"],
            "contact_email": config["CONTACT_EMAIL"],
            "contact_phone": config["CONTACT_PHONE"],
            "show_subject": not ticket.confidential,
        }
        text = render_template(f"mail/{template}.txt", **values)
        html = render_template(f"mail/{template}.html", **values)
    in_reply_to, references = _thread(ticket)
    return outbox.queue(
        [ticket.citizen_email],
        subject,
        text,
        kind=kind,
        ticket_id=ticket.id,
        html=html,
        reply_to=config.get("MAIL_REPLY_TO") or config["CONTACT_EMAIL"],
        in_reply_to=in_reply_to,
        references=references,
        auto_submitted=kind == RECEIPT,
    )
