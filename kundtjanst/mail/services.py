"""Queueing mail with the change that causes it, and delivering the queue.

`queue` adds a row and flushes; the caller's commit makes the message and its cause
durable together. `deliver` claims rows one at a time with a conditional UPDATE
(pending → sending, so of two senders one gets each row), sends, and commits each
row's outcome at once: a message the server accepted is marked sent before the next
is tried. The one window for a duplicate is a sender that dies after the server took
a message and before the row was marked; after `STUCK` the row is sent again, with
the same Message-ID, and mail clients show it once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from ..core.timeutil import utcnow
from ..extensions import db
from . import smtp
from .models import FAILED, PENDING, SENDING, SENT, UNSENT, OutgoingMail

log = logging.getLogger("kundtjanst.mail")

# A row claimed for longer than this was left by a sender that stopped: send it again.
STUCK = timedelta(minutes=10)
MAX_ERROR = 2000


def queue(recipients: Iterable[str | None], subject: str, body: str) -> OutgoingMail | None:
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
    )
    db.session.add(row)
    db.session.flush()
    return row


def _claim(row_id: int, now: datetime) -> OutgoingMail | None:
    claimed = db.session.execute(
        update(OutgoingMail)
        .where(OutgoingMail.id == row_id, OutgoingMail.status == PENDING)
        .values(status=SENDING, claimed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return db.session.get(OutgoingMail, row_id) if claimed == 1 else None


def _backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes between attempts, at most an hour."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def _send(row: OutgoingMail, now: datetime) -> str:
    """Try ``row`` once; its new status."""
    if not smtp.configured():
        log.warning(
            "No MAIL_SERVER set; not sent to %s: %s", ", ".join(row.recipients), row.subject
        )
        row.status = UNSENT
        return UNSENT
    message = smtp.build(row.sender, row.recipients, row.subject, row.body, row.message_id)
    row.attempts += 1
    try:
        smtp.transport(message, row.recipients)
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
    db.session.execute(
        update(OutgoingMail)
        .where(OutgoingMail.status == SENDING, OutgoingMail.claimed_at < now - STUCK)
        .values(status=PENDING)
        .execution_options(synchronize_session=False)
    )
    due = select(OutgoingMail.id).where(OutgoingMail.status == PENDING)
    due = (
        due.where(OutgoingMail.id.in_(list(ids)))
        if ids is not None
        else due.where(OutgoingMail.next_attempt_at <= now)
    )
    counts = {SENT: 0, PENDING: 0, FAILED: 0, UNSENT: 0}
    for row_id in db.session.scalars(due.order_by(OutgoingMail.id)).all():
        row = _claim(row_id, now)
        if row is None:
            continue  # another sender has it
        counts[_send(row, now)] += 1
        db.session.commit()
    return counts
