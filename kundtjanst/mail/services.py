"""Queueing mail with the change that causes it, and delivering the queue.

`queue` adds a row and flushes; the caller's commit makes the message and its cause
durable together. `deliver` claims rows one at a time (`claiming`: on PostgreSQL with
``SELECT … FOR UPDATE SKIP LOCKED``, elsewhere with a conditional UPDATE pending →
sending; either way, of two senders one gets each row), sends, and commits each
row's outcome at once: a message the server accepted is marked sent before the next
is tried. A ticket's messages leave in the order they were written: a row waits
while an earlier one of the same ticket is still unsent. The one window for a
duplicate is a sender that dies after the server took a message and before the row
was marked; after `STUCK` the row is sent again, with
the same Message-ID, and mail clients show it once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import aliased

from .. import claiming
from ..core.timeutil import utcnow
from ..extensions import db
from . import smtp
from .models import FAILED, NOTICE, PENDING, SENDING, SENT, UNSENT, OutgoingMail

log = logging.getLogger("kundtjanst.mail")

# A row claimed for longer than this was left by a sender that stopped: send it again.
STUCK = timedelta(minutes=10)
MAX_ERROR = 2000
# Without a mail server, how long a message waits before it is looked at again.
NO_SERVER_WAIT = timedelta(hours=1)


def queue(
    recipients: Iterable[str | None],
    subject: str,
    body: str,
    *,
    kind: str = NOTICE,
    ticket_id: int | None = None,
    html: str | None = None,
    reply_to: str | None = None,
    in_reply_to: str | None = None,
    references: str | None = None,
    auto_submitted: bool = False,
) -> OutgoingMail | None:
    """A message to send, or None when no recipient is a valid address. Flushes."""
    to = smtp.valid_addresses(recipients)
    if not to:
        return None
    sender = current_app.config["MAIL_FROM"]
    row = OutgoingMail(
        message_id=smtp.new_message_id(sender),
        sender=sender,
        recipients=to,
        subject=subject,
        body=body,
        status=PENDING,
        attempts=0,
        next_attempt_at=utcnow(),
        kind=kind,
        ticket_id=ticket_id,
        html_body=html,
        reply_to=reply_to,
        in_reply_to=in_reply_to,
        references=references,
        auto_submitted=auto_submitted,
    )
    db.session.add(row)
    db.session.flush()
    return row


def _waiting_for_earlier():
    """A row whose ticket has an earlier message not yet sent waits for it."""
    earlier = aliased(OutgoingMail)
    return (
        select(earlier.id)
        .where(
            earlier.ticket_id == OutgoingMail.ticket_id,
            earlier.id < OutgoingMail.id,
            earlier.status.in_((PENDING, SENDING)),
        )
        .exists()
    )


def _due(now: datetime, ids: Iterable[int] | None) -> list:
    due = [OutgoingMail.status == PENDING, ~_waiting_for_earlier()]
    due.append(
        OutgoingMail.id.in_(list(ids)) if ids is not None else OutgoingMail.next_attempt_at <= now
    )
    return due


def claim_next(now: datetime, ids: Iterable[int] | None = None) -> OutgoingMail | None:
    """Claim the first due row (of ``ids``, if given) for this sender: it is
    ``sending`` and no other sender takes it (`claiming.claim_next`). Commits."""
    return claiming.claim_next(OutgoingMail, _due(now, ids), now, pending=PENDING, sending=SENDING)


def _backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes between attempts, at most an hour."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def _send(row: OutgoingMail, now: datetime, connection: smtp.Connection) -> str:
    """Try ``row`` once; its new status."""
    if not smtp.configured():
        # Nothing is lost: the message waits, and is sent within the hour once a server
        # is set (or at once, retried from /admin/utkorg). The log says so hourly.
        log.warning(
            "No MAIL_SERVER set; not sent to %s: %s (it waits in the outbox)",
            ", ".join(row.recipients),
            row.subject,
        )
        row.status, row.next_attempt_at = PENDING, now + NO_SERVER_WAIT
        return PENDING
    message = smtp.build(row)
    row.attempts += 1
    try:
        connection.send(message, row.recipients)
    except Exception as error:  # SMTP refusals and network errors alike
        row.last_error = f"{type(error).__name__}: {error}"[:MAX_ERROR]
        give_up = now - row.created_at >= timedelta(hours=current_app.config["MAIL_RETRY_HOURS"])
        if smtp.permanent(error) or give_up:
            row.status = FAILED
        else:
            row.status = PENDING
            row.next_attempt_at = now + _backoff(row.attempts)
        log.warning("Not sent (%s): %s to %s", row.status, row.last_error, row.recipients)
        return row.status
    row.status, row.sent_at, row.last_error = SENT, utcnow(), None
    return SENT


def deliver(ids: Iterable[int] | None = None, *, now: datetime | None = None) -> dict[str, int]:
    """Send the rows due now (or just ``ids``, due or not); commits each outcome.
    Returns how many ended in each state."""
    now = now or utcnow()
    claiming.release_stuck(OutgoingMail, now - STUCK, pending=PENDING, sending=SENDING)
    counts = {SENT: 0, PENDING: 0, FAILED: 0, UNSENT: 0}
    connection = smtp.Connection()
    try:
        while (row := claim_next(now, ids)) is not None:
            counts[_send(row, now, connection)] += 1
            db.session.commit()
    finally:
        connection.close()
    return counts


def retry(row: OutgoingMail) -> bool:
    """An administrator asks for a message that waits, failed or was never sent to be
    tried again now, with a full retry time of its own. False for one already sent or
    being sent. Flushes."""
    if row.status not in (PENDING, FAILED, UNSENT):
        return False
    row.status, row.next_attempt_at, row.created_at = PENDING, utcnow(), utcnow()
    db.session.flush()
    return True
