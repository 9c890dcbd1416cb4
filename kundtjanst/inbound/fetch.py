"""One pass over the mailbox: store, decide, commit, then flag — one message at a time.

For every message waiting (all of them, fetched in batches):

1. its bytes are stored as a row of their own and committed, before anything reads
   them. The row's (Message-ID, content hash) is unique: when the insert fails, the
   mail is already here (a second fetcher, an earlier pass that died before flagging,
   the same mail from another mailbox) and is not made a ticket again;
2. what it becomes is decided (`services.process`) and committed with the row's new
   state. A mail that breaks the reading or the placing goes to the quarantine with
   the error; one bad message never stops the rest;
3. only then is it flagged ``\\Seen`` (or moved) on the server.

A pass that dies between 1 and 2 leaves the row "processing"; after `STUCK` another
pass takes it over (a conditional UPDATE decides which).
"""

from __future__ import annotations

import logging
import os
import time
import traceback
from collections import Counter
from datetime import timedelta

from flask import current_app
from sqlalchemy import update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..core.mailparse import content_hash, message_id_of
from ..core.timeutil import utcnow
from ..extensions import db
from . import queries, services
from .models import DONE, FAILED, PROCESSING, InboundMail
from .source import Fetched, MailSource, NotConfigured, configured_source

log = logging.getLogger("kundtjanst.inbound")

STUCK = timedelta(minutes=10)
ATTEMPTS = 3  # a simultaneous change to the same ticket is tried again this often
# Tests only: pause this many seconds after the commit, before the flag (a crash there).
PAUSE_BEFORE_FLAG = "KUNDTJANST_TEST_PAUSE_BEFORE_FLAG"


def run_pass(source: MailSource | None = None) -> dict[str, int | str]:
    """Fetch and handle every waiting message; counts by what each became."""
    try:
        source = source or configured_source(current_app.config)
    except NotConfigured:
        return {"mailbox": "not configured"}
    counts: Counter[str] = Counter()
    with source:
        uids = source.waiting()
        for fetched in source.fetch(uids):
            try:
                outcome = handle(fetched, source.name)
            except Exception:  # not even stored (the database refused it): next pass
                db.session.rollback()
                log.exception("Incoming mail UID %s could not be stored", fetched.uid)
                outcome = "not stored"
            counts[outcome] += 1
            if outcome in DONE or outcome == "duplicate":
                _pause_for_tests()
                source.done(fetched.uid)
    return {"waiting": len(uids), **dict(sorted(counts.items()))}


def handle(fetched: Fetched, mailbox: str) -> str:
    """Store and place one message; what became of it (a `models` status, "duplicate"
    for one stored before, or "busy" for one another fetcher is placing now)."""
    row, ours = _store(fetched, mailbox)
    if not ours:
        if row.status in DONE:
            return "duplicate"
        if not _take_over(row):
            return "busy"
    return _place(row.id)


def _store(fetched: Fetched, mailbox: str) -> tuple[InboundMail, bool]:
    message_id, digest = message_id_of(fetched.raw), content_hash(fetched.raw)
    row = InboundMail(
        message_id=message_id,
        content_hash=digest,
        raw=fetched.raw,
        size=len(fetched.raw),
        mailbox=mailbox[:500],
        uid=fetched.uid,
        received_at=fetched.received_at,
        status=PROCESSING,
        claimed_at=utcnow(),
    )
    db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = queries.stored(message_id, digest)
        if existing is None:  # removed meanwhile? store it again next pass
            raise
        return existing, False
    return row, True


def _take_over(row: InboundMail) -> bool:
    """A row left "processing" by a pass that stopped: take it over (one fetcher does)."""
    now = utcnow()
    taken = db.session.execute(
        update(InboundMail)
        .where(
            InboundMail.id == row.id,
            InboundMail.status == PROCESSING,
            InboundMail.claimed_at < now - STUCK,
        )
        .values(claimed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return taken == 1


def _place(row_id: int) -> str:
    for attempt in range(1, ATTEMPTS + 1):
        row = db.session.get(InboundMail, row_id)
        try:
            services.process(row)
            db.session.commit()
            return row.status
        except (StaleDataError, DBAPIError) as error:
            db.session.rollback()
            if attempt < ATTEMPTS and _retryable(error):
                time.sleep(0.05 * attempt)
                continue
            return _failed(row_id, error)
        except Exception as error:  # anything in a hostile mail: quarantine, go on
            db.session.rollback()
            return _failed(row_id, error)
    raise AssertionError("unreachable")


def _retryable(error: Exception) -> bool:
    """A simultaneous change (the ticket's version moved, a deadlock, a lock)."""
    if isinstance(error, StaleDataError):
        return True
    text = str(error).lower()
    return any(word in text for word in ("deadlock", "could not serialize", "locked"))


def _failed(row_id: int, error: Exception) -> str:
    log.exception("Incoming mail %s could not be placed", row_id, exc_info=error)
    row = db.session.get(InboundMail, row_id)
    detail = "".join(traceback.format_exception_only(type(error), error)).strip()
    services.quarantine(row, FAILED, detail)
    db.session.commit()
    return row.status


def _pause_for_tests() -> None:
    seconds = os.environ.get(PAUSE_BEFORE_FLAG)
    if seconds:
        time.sleep(float(seconds))
