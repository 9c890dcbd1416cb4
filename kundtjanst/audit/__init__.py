"""The audit log: who did what, when, from where. Append-only.

Every read of a confidential ticket, every change to users, groups, rules and
settings, every export and every retention run leaves an entry. Nothing in the
application updates or deletes an entry.
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_login import current_user

from ..extensions import db
from .models import AuditEntry


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
