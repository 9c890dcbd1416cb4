"""The audit log: who did what, when, from where. Append-only.

Every read of a confidential ticket, every change to users, groups, rules and
settings, every export and every retention run leaves an entry. Nothing in the
application updates or deletes an entry, and the database refuses to (a trigger
on ``audit_entries``, see the migration ``audit_log_append_only``).

Entries name their target (``user:12``, ``group:3``, a ticket reference) and
never carry a citizen's personal data: no names, e-mail addresses, phone numbers
or free text from tickets. Retention anonymises tickets, and it cannot rewrite
this table.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from flask import current_app, has_request_context, request
from flask_login import current_user
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from .models import AuditEntry, TicketRead


def record(
    action: str, *, target: str | None = None, user_id: int | None = None, **details: Any
) -> AuditEntry:
    """Append an entry. ``action`` is a dotted name like ``ticket.read`` or
    ``retention.run``; ``target`` names the object (e.g. a ticket reference).
    The acting user and address come from the request when there is one."""
    address = None
    if has_request_context():
        address = request.remote_addr
        if user_id is None and current_user.is_authenticated:
            user_id = current_user.id
    entry = AuditEntry(
        action=action,
        target=target,
        user_id=user_id,
        address=address,
        details={k: v for k, v in details.items() if v is not None},
    )
    db.session.add(entry)
    return entry


# --- changes ---------------------------------------------------------------------


def plain(value: Any) -> Any:
    """A value as JSON can hold it: enums by value, dates as ISO text."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return str(value)


def fields(obj: Any, names: Iterable[str]) -> dict[str, Any]:
    """The named attributes of ``obj``, plain, to compare before and after a change."""
    return {name: plain(getattr(obj, name)) for name in names}


def record_change(
    kind: str,
    id_: int,
    before: dict[str, Any],
    after: dict[str, Any],
    *,
    user_id: int | None = None,
    **extra: Any,
) -> AuditEntry | None:
    """``<kind>.create`` (nothing before), ``<kind>.delete`` (nothing after) or
    ``<kind>.update``, with ``changes`` as ``{field: [old, new]}``. An update that
    changes nothing is not recorded."""
    if not before:
        action = "create"
    elif not after:
        action = "delete"
    else:
        action = "update"
    changes = {
        key: [before.get(key), after.get(key)]
        for key in [*before, *(k for k in after if k not in before)]
        if before.get(key) != after.get(key)
    }
    extra = {k: v for k, v in extra.items() if v is not None}
    if not changes and not extra:
        return None
    return record(
        f"{kind}.{action}", target=f"{kind}:{id_}", user_id=user_id, changes=changes, **extra
    )


# --- reads of confidential tickets -------------------------------------------------


def confidential_read(ticket: Any) -> None:
    """A ticket's page was shown: recorded as ``ticket.read`` when it is confidential."""
    if ticket.confidential:
        record("ticket.read", target=ticket.reference)


def confidential_metadata(reference: str) -> None:
    """Kundtjänst saw a confidential ticket's reference, status and group (no contents)."""
    record("ticket.metadata", target=reference)


def confidential_listed(tickets: Iterable[Any], listing: str | None = None) -> None:
    """A list showed tickets (reference and subject): the confidential ones shown are
    recorded as one ``ticket.list`` entry naming the list (the page's path)."""
    references = sorted({t.reference for t in tickets if t.confidential})
    if references:
        where = listing if listing is not None else request.path
        record("ticket.list", target=where[:120], references=references)


def ticket_read(ticket: Any, user_id: int, day: date) -> None:
    """``user_id`` was shown ``ticket`` on ``day``: at most one row a day (any ticket;
    a confidential one also gets `confidential_read`'s audit entry)."""
    conn = db.session.connection()
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(
        dialect.insert(TicketRead.__table__)
        .values(ticket_id=ticket.id, user_id=user_id, day=day)
        .on_conflict_do_nothing()
    )


def search_terms(text: str) -> str:
    """A search's words, as a keyed hash: whether somebody searched for a name can be
    checked (hash it again), but the log does not hold the name."""
    words = " ".join(text.casefold().split())
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, words.encode(), hashlib.sha256).hexdigest()[:32]


def committed(rendered: Any) -> Any:
    """Commit what was recorded for a page once it has been rendered, and return the
    page: a read is committed with the page that shows it, on GET as well."""
    db.session.commit()
    return rendered
