"""Taking files onto a ticket, and letting them go: from the public form
(`store_uploads`, after the form has checked the limits), from e-mail
(`store_incoming`, which keeps what fits and says what it left out), with the rest of a
ticket's personal data at retention (`delete_for_tickets`), and what a crash left
behind (`sweep_orphans`). Every function flushes and never commits.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from io import BytesIO

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, delete, func, select

from ..extensions import db
from ..tickets.models import Ticket
from . import rules, storage
from .models import Attachment, Source
from .rules import Part


def limits() -> rules.Limits:
    """The limits of the configuration (``KUNDTJANST_ATTACHMENT_*``)."""
    return rules.Limits.of(current_app.config)


def held(ticket: Ticket) -> tuple[int, int]:
    """How many files the ticket holds, and their bytes together."""
    count, total = db.session.execute(
        select(func.count(Attachment.id), func.coalesce(func.sum(Attachment.size), 0)).where(
            Attachment.ticket_id == ticket.id
        )
    ).one()
    return count, int(total)


def _fitting(ticket: Ticket, parts: Sequence[Part]):
    if ticket.id is None:  # a ticket just added: its id names the files' rows
        db.session.flush()
    count, total = held(ticket)
    return rules.within(limits(), [p.size for p in parts], held=count, held_bytes=total)


def _save(ticket: Ticket, part: Part, source: Source) -> Attachment:
    """Write the bytes (the store), then add the row naming them."""
    file_store = storage.store()
    stream = part.stream
    stream.seek(0)
    head = stream.read(rules.HEAD_BYTES)
    content_type = rules.sniff(head, stream)
    stream.seek(0)
    digest = hashlib.sha256()
    size = 0

    def chunks():
        nonlocal size
        while chunk := stream.read(1 << 16):
            digest.update(chunk)
            size += len(chunk)
            yield chunk

    key = storage.new_key()
    file_store.put(key, chunks())
    storage.written(db.session(), file_store, key)
    row = Attachment(
        ticket_id=ticket.id,
        filename=rules.safe_filename(part.filename),
        size=size,
        content_type=content_type,
        sha256=digest.hexdigest(),
        storage_key=key,
        source=source,
    )
    db.session.add(row)
    return row


def store_uploads(ticket: Ticket, parts: Sequence[Part]) -> list[Attachment]:
    """The files sent with the public form, which has already refused any that do not
    fit (`forms.AttachmentsField`). Flushes."""
    kept, refused = _fitting(ticket, parts)
    if refused:
        raise ValueError("the form let through files over the limits")
    rows = [_save(ticket, parts[i], Source.WEB) for i in kept]
    db.session.flush()
    return rows


def store_incoming(
    ticket: Ticket, parts: Iterable[tuple[str | None, str | None, bytes]]
) -> list[str]:
    """Attach an e-mail's files to ``ticket``: each part is ``(filename,
    content_type_claimed, data)``. What fits the limits (with what the ticket already
    holds, in the order given) is stored; the type is read from the bytes and the
    claimed one is not trusted. Returns one note in Swedish for each file left out
    (too large, too many, over the ticket's total), for the importer to put on the
    ticket; an empty list when everything was kept. Flushes."""
    offered = [Part(name, BytesIO(data), len(data)) for name, _claimed, data in parts]
    kept, refused = _fitting(ticket, offered)
    for index in kept:
        _save(ticket, offered[index], Source.EMAIL)
    db.session.flush()
    return [refusal_note(offered[r.index], r.reason) for r in refused]


def refusal_note(part: Part, reason: str) -> str:
    """Why a file was not kept, naming it and its size."""
    chosen = limits()
    name, size = rules.safe_filename(part.filename), rules.human_size(part.size)
    if reason == "too_large":
        return _(
            "The file %(name)s (%(size)s) was not kept: a file may be at most %(max)s.",
            name=name,
            size=size,
            max=rules.human_size(chosen.max_file_bytes),
        )
    if reason == "too_many":
        return _(
            "The file %(name)s (%(size)s) was not kept: a question may have at most "
            "%(count)d attached files.",
            name=name,
            size=size,
            count=chosen.max_files,
        )
    return _(
        "The file %(name)s (%(size)s) was not kept: the files of a question may be at "
        "most %(max)s together.",
        name=name,
        size=size,
        max=rules.human_size(chosen.max_total_bytes),
    )


# --- letting go ---------------------------------------------------------------------


def count_for_tickets(ticket_ids: Select) -> int:
    return db.session.scalar(
        select(func.count(Attachment.id)).where(Attachment.ticket_id.in_(ticket_ids))
    )


def delete_for_tickets(ticket_ids: Select) -> int:
    """Delete the attachments of the tickets ``ticket_ids`` selects: the rows now, the
    bytes once the transaction commits. Flushes; returns how many."""
    rows = db.session.execute(
        select(Attachment.id, Attachment.storage_key).where(Attachment.ticket_id.in_(ticket_ids))
    ).all()
    if not rows:
        return 0
    file_store = storage.store()
    ids = [row.id for row in rows]
    for start in range(0, len(ids), 500):
        db.session.execute(
            delete(Attachment).where(Attachment.id.in_(ids[start : start + 500])),
            execution_options={"synchronize_session": False},
        )
    for row in rows:
        storage.delete_after_commit(db.session(), file_store, row.storage_key)
    db.session.flush()
    return len(rows)


# A file younger than this may belong to a request still running: the sweep leaves it.
SWEEP_GRACE = timedelta(hours=6)


def sweep_orphans(now: datetime) -> int:
    """Delete stored files that no row names and that are older than `SWEEP_GRACE`
    (left by a process that stopped between writing a file and committing its row, or
    after committing a deletion). Returns how many."""
    file_store = storage.store()
    removed = 0
    batch: list[str] = []

    def settle(keys: list[str]) -> int:
        named = set(
            db.session.scalars(
                select(Attachment.storage_key).where(Attachment.storage_key.in_(keys))
            )
        )
        orphans = [key for key in keys if key not in named]
        for key in orphans:
            file_store.delete(key)
        return len(orphans)

    for key in file_store.keys(older_than=now - SWEEP_GRACE):
        batch.append(key)
        if len(batch) == 500:
            removed += settle(batch)
            batch = []
    if batch:
        removed += settle(batch)
    return removed
