"""What a stored mail becomes: a new ticket, a message on the ticket it answers, a
note that an automatic reply came, a bounce recorded on the mail that bounced — or
the quarantine. Flushes, never commits (`fetch` commits each mail; the quarantine's
admin page commits its actions).

No automatic mail answers a mail a machine wrote (`core.mailloop`): such a mail
starts a ticket without a status link, so no receipt goes out, and one that answers a
ticket is only noted on it. The text is the plain-text part, or the HTML part as text;
the raw message stays stored beside whatever it became.
"""

from __future__ import annotations

from datetime import timedelta
from email.utils import parseaddr
from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from .. import locales
from ..attachments.services import store_incoming
from ..audit import services as audit
from ..core import mailloop
from ..core.mailparse import Attachment, ParsedMail, Unparseable, parse
from ..core.timeutil import utcnow
from ..core.vocabulary import Channel, EventKind, Status
from ..extensions import db
from ..lazytext import lazy_gettext as _l
from ..mail.models import OutgoingMail
from ..settings import services as settings
from ..tickets.citizen import citizen_message
from ..tickets.models import Ticket
from ..tickets.services import Contact, create_ticket
from ..tickets.timeline import record
from . import queries
from .models import (
    AUTO_REPLY,
    BOUNCE,
    DISCARDED,
    NEW_TICKET,
    OUR_OWN,
    QUARANTINED,
    REPORT,
    SENDER_LIMIT,
    THREADED,
    UNKNOWN_BOUNCE,
    UNPARSEABLE,
    InboundMail,
)

if TYPE_CHECKING:
    from ..auth.models import User

MAX_TEXT = 100_000  # characters of a mail's text on the ticket; the whole mail is kept
MAX_LISTED_ATTACHMENTS = 50

TICKETS_PER_SENDER = settings.define(
    "mail_tickets_per_sender_per_day",
    20,
    _l("New tickets per e-mail sender and day"),
    _l(
        "How many new tickets mail from one address may start in a day. Later mail from "
        "it waits in the quarantine (Administration → Quarantined e-mail)."
    ),
    1,
    10000,
    _l("tickets"),
)


def our_addresses() -> set[str]:
    """Our own addresses: mail from them, or naming them in X-Loop, is our own."""
    config = current_app.config
    found = {parseaddr(config.get("MAIL_FROM", ""))[1].lower()}
    username = str(config.get("IMAP_USERNAME") or "").lower()
    if "@" in username:
        found.add(username)
    return {address for address in found if address}


def process(row: InboundMail, *, by: User | None = None) -> None:
    """Decide what the stored mail ``row`` becomes, and make it so. ``by``: an
    administrator re-running it from the quarantine (its sender's daily limit and the
    our-own-mail check no longer hold it back)."""
    try:
        mail = parse(row.raw)
    except Unparseable as error:
        quarantine(row, UNPARSEABLE, str(error))
        return
    row.sender = mail.from_address or None
    row.subject = mail.subject[:300] or None
    row.automatic = mailloop.automatic(mail, our_addresses())
    if mail.report is not None:
        _delivery_report(row, mail)
        return
    ticket = queries.thread_of(mail)
    if ticket is not None and _answers(row, mail, ticket):
        return
    if by is None and row.automatic == mailloop.OUR_LOOP:
        quarantine(row, OUR_OWN, _("Our own mail came back, and it answers no ticket."))
        return
    limit = settings.get(TICKETS_PER_SENDER.key)
    sender = mail.from_address
    if by is None and sender and queries.new_tickets_on_the_day(sender, row.received_at) >= limit:
        quarantine(row, SENDER_LIMIT, _("More than %(num)d new tickets today.", num=limit))
        return
    _new_ticket(row, mail, earlier=ticket)


def _answers(row: InboundMail, mail: ParsedMail, ticket: Ticket) -> bool:
    """Put ``mail`` on ``ticket``, the one it answers; False when it must become a new
    ticket instead (a person writing to one closed longer ago than the repeat-contact
    window)."""
    if row.automatic:
        # Not its Message-ID: our next answer continues the citizen's own mail, not
        # their out-of-office reply.
        citizen_message(ticket, _text(mail), at=row.received_at, automatic=True)
        _finish(row, AUTO_REPLY, ticket)
    else:
        window = timedelta(days=settings.get("repeat_contact_window_days"))
        closed_at = ticket.resolved_at
        if ticket.status == Status.RESOLVED and closed_at and row.received_at > closed_at + window:
            return False
        citizen_message(ticket, _text(mail), at=row.received_at, message_id=mail.message_id)
        _finish(row, THREADED, ticket)
    if mail.attachments:
        _attach(ticket, mail.attachments)
    return True


def _new_ticket(row: InboundMail, mail: ParsedMail, *, earlier: Ticket | None) -> None:
    contact = Contact(
        channel=Channel.EMAIL,
        subject=mail.subject[:200] or _("(no subject)"),
        description=_text(mail),
        citizen_name=mail.from_name or None,
        citizen_email=mail.from_address or None,
        received_at=row.received_at,
        message_id=mail.message_id or None,
        language=_language(mail, earlier),
    )
    # A machine's mail gets no receipt (the status link is what sends one).
    ticket, _token = create_ticket(contact, status_link=row.automatic is None)
    if earlier is not None:
        row.earlier_ticket_id = earlier.id
    _finish(row, NEW_TICKET, ticket)
    if mail.attachments:
        _attach(ticket, mail.attachments)


def _language(mail: ParsedMail, earlier: Ticket | None) -> str | None:
    """The citizen's language: the mail's Content-Language when it names one citizens
    are offered; else that of the closed ticket the mail answers, if it is still
    offered; else None (the default, Swedish)."""
    found = locales.from_tags(mail.languages)
    if found is None and earlier is not None and earlier.language in locales.citizen_languages():
        found = earlier.language
    return found


def _attach(ticket: Ticket, parts: list[Attachment]) -> None:
    """Store a mail's attachments with its ticket, under the web form's limits (per
    ticket); what did not fit is noted on the ticket (an internal note), so staff can
    ask for it. The whole mail, files included, stays in `InboundMail.raw`."""
    left_out = store_incoming(ticket, [(p.filename, p.content_type, p.data) for p in parts])
    if not left_out:
        return
    lines = [f"- {note}" for note in left_out[:MAX_LISTED_ATTACHMENTS]]
    if len(left_out) > MAX_LISTED_ATTACHMENTS:
        lines.append(_("… and %(num)d more.", num=len(left_out) - MAX_LISTED_ATTACHMENTS))
    heading = ngettext(
        "%(num)d attachment of the e-mail was left out:",
        "%(num)d attachments of the e-mail were left out:",
        len(left_out),
    )
    body = heading + "\n" + "\n".join(lines)
    record(ticket, EventKind.NOTE, None, body=body, group=ticket.group, left_out=len(left_out))
    db.session.flush()


def _text(mail: ParsedMail) -> str:
    if len(mail.text) <= MAX_TEXT:
        return mail.text
    return mail.text[:MAX_TEXT] + "\n\n" + _("[The text was cut; the whole e-mail is kept.]")


def _delivery_report(row: InboundMail, mail: ParsedMail) -> None:
    """A bounce about our mail marks it undeliverable and tells its ticket; a report
    that only delays, or about mail we do not know, changes nothing."""
    report = mail.report
    rows = (
        list(
            db.session.scalars(
                select(OutgoingMail).where(OutgoingMail.message_id.in_(report.original_ids[:20]))
            )
        )
        if report.original_ids
        else []
    )
    if not rows:
        quarantine(row, UNKNOWN_BOUNCE, _("A delivery report about a mail we did not send."))
        return
    if not report.failed:
        _finish(row, REPORT, None)
        return
    reason = report.reason or _("The receiving server gave no reason.")
    ticket = None
    for outgoing in rows:
        if outgoing.undeliverable_at is not None:
            continue
        outgoing.undeliverable_at, outgoing.undeliverable_reason = row.received_at, reason
        if outgoing.ticket_id is not None:
            ticket = queries.locked_ticket(outgoing.ticket_id)
            record(
                ticket,
                EventKind.MAIL_UNDELIVERABLE,
                None,
                body=reason,
                group=ticket.group,
                at=row.received_at,
                outbox_id=outgoing.id,
                mail_kind=outgoing.kind,
            )
    _finish(row, BOUNCE, ticket)


def _finish(row: InboundMail, status: str, ticket: Ticket | None) -> None:
    row.status, row.processed_at = status, utcnow()
    row.reason = row.error = None
    if ticket is not None:
        row.ticket_id = ticket.id
    db.session.flush()


def quarantine(row: InboundMail, reason: str, error: str | None = None) -> None:
    """Hold ``row`` for an administrator; nothing is dropped."""
    row.status, row.reason, row.processed_at = QUARANTINED, reason, utcnow()
    row.error = (error or "")[:4000] or None
    db.session.flush()


def rerun(row: InboundMail, user: User) -> None:
    """An administrator reads a quarantined mail again (as if it had just come)."""
    process(row, by=user)
    row.handled_by_id = user.id
    audit.record("inbound.rerun", target=f"inbound_mail:{row.id}", status=row.status)
    db.session.flush()


def discard(row: InboundMail, user: User) -> None:
    """An administrator decides a quarantined mail is nothing to act on. It is kept
    (an e-mail to the municipality is a public document), marked discarded."""
    row.status, row.handled_by_id, row.processed_at = DISCARDED, user.id, utcnow()
    audit.record("inbound.discard", target=f"inbound_mail:{row.id}", sender=row.sender)
    db.session.flush()
