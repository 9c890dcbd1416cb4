"""Taking a question from the public form exactly once, and its receipt.

`ask` creates the ticket for a submission id the first time and returns the
receipt every time after; the caller commits. Two posts of one id at the same
moment both try to insert the receipt: the database's key lets one through, and
`ask_once` (which commits) gives the other the first one's receipt.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError

from ..attachments import services as attachments
from ..core.timeutil import utcnow
from ..extensions import db
from ..tickets import services as tickets
from .models import Receipt

SUBMISSION = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
# How long a receipt row stays (a replay within this time still finds it).
KEEP = timedelta(days=7)


def new_submission_id() -> str:
    return secrets.token_urlsafe(32)


def receipt(submission: str) -> Receipt | None:
    return db.session.get(Receipt, submission) if SUBMISSION.match(submission or "") else None


def ask(
    contact: tickets.Contact, submission: str, files: Sequence[attachments.Part] = ()
) -> Receipt:
    """The receipt of ``submission``: the existing one, or a new ticket's (with
    ``files`` attached; a replay stores them no second time). Flushes."""
    found = receipt(submission)
    if found is not None:
        return found
    ticket, token = tickets.create_ticket(contact, status_link=True)
    attachments.store_uploads(ticket, files)
    minutes = current_app.config["RECEIPT_MINUTES"]
    made = Receipt(
        submission=submission,
        ticket_id=ticket.id,
        reference=ticket.reference,
        status_token=token,
        created_at=ticket.created_at,
        shows_until=ticket.created_at + timedelta(minutes=minutes),
    )
    db.session.add(made)
    db.session.flush()
    return made


def ask_once(
    contact: tickets.Contact, submission: str, files: Sequence[attachments.Part] = ()
) -> Receipt:
    """`ask`, committed; when a simultaneous post of the same id won, its receipt (the
    files this post wrote are deleted with its rollback: `attachments.storage`)."""
    try:
        made = ask(contact, submission, files)
        db.session.commit()
        return made
    except IntegrityError:
        db.session.rollback()
        found = receipt(submission)
        if found is None:
            raise
        return found


def show_token_once(found: Receipt, now: datetime | None = None) -> str | None:
    """The status link's token, if the receipt may still show it; then never again
    (the row forgets it). Flushes."""
    token = found.status_token
    if token is None or (now or utcnow()) >= found.shows_until:
        return None
    found.status_token = None
    db.session.flush()
    return token


def tidy(now: datetime) -> dict[str, int]:
    """Wipe the tokens of receipts past their showing time; remove old receipts."""
    wiped = db.session.execute(
        update(Receipt)
        .where(Receipt.status_token.is_not(None), Receipt.shows_until <= now)
        .values(status_token=None)
    ).rowcount
    removed = db.session.execute(delete(Receipt).where(Receipt.created_at < now - KEEP)).rowcount
    db.session.flush()
    return {"tokens_wiped": wiped, "receipts_removed": removed}
