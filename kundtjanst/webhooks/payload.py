"""A delivery's body: a thin Standard Webhooks event about a ticket.

It says what happened and where the ticket stands — never the citizen's name, e-mail
address or phone number, never a message or a note: integrators fetch contents
through the API with their token. A confidential ticket's subject is left out unless
the subscription holds the scope ``confidential:<its secrecy group's slug>``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from flask import current_app

from ..tickets.models import Event, Ticket
from .models import SCOPE_PREFIX, WebhookSubscription


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _value(enum_value) -> str | None:
    return enum_value.value if enum_value is not None else None


def may_see_content(subscription: WebhookSubscription, ticket: Ticket) -> bool:
    """Not confidential, or the subscription holds the secrecy group's scope."""
    if not ticket.confidential:
        return True
    group = ticket.secrecy_group
    return group is not None and f"{SCOPE_PREFIX}{group.slug}" in (subscription.scopes or ())


def data(ticket: Ticket, event: Event, *, content: bool) -> dict:
    base = current_app.config["BASE_URL"].rstrip("/")
    group, category = ticket.group, ticket.category
    out = {
        "reference": ticket.reference,
        "url": f"{base}/api/v1/tickets/{ticket.reference}",
        "status": _value(ticket.status),
        "channel": _value(ticket.channel),
        "priority": _value(ticket.priority),
        "group": {"id": group.id, "slug": group.slug, "name": group.name},
        "category": {"id": category.id, "name": category.name} if category else None,
        "confidential": bool(ticket.confidential),
    }
    if content:
        out["subject"] = ticket.subject
    out.update(
        {
            "outcome": _value(ticket.outcome),
            "first_contact": ticket.first_contact,
            "created_at": iso(ticket.created_at),
            "resolved_at": iso(ticket.resolved_at),
            "event": {"id": event.id, "kind": _value(event.kind), "at": iso(event.created_at)},
        }
    )
    return out


def body(event_type: str, ticket: Ticket, event: Event, *, content: bool) -> str:
    """The JSON text sent, built once and kept as it is."""
    message = {
        "type": event_type,
        "timestamp": iso(event.created_at),
        "data": data(ticket, event, content=content),
    }
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"))
