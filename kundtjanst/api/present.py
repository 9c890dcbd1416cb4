"""Tickets and their timelines as the API answers them: JSON-ready dicts, sent as
they are (`answer`). The schemas in ``schemas/`` document each field, and the
contract test (tests/test_api_contract.py) checks every answer against them; dumping
fifty tickets through nested marshmallow schemas cost more than the query did."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, json

from ..tickets.models import Event, Ticket


def ticket_url(reference: str) -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}/api/v1/tickets/{reference}"


def group(group) -> dict | None:
    return {"id": group.id, "slug": group.slug, "name": group.name} if group else None


def when(value) -> str | None:
    return value.isoformat() if value is not None else None


def _value(member) -> str | None:
    return member.value if member is not None else None


def answer(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    response = Response(
        json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json"
    )
    if status == 204:
        del response.headers["Content-Type"]
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _user(user) -> dict | None:
    return {"id": user.id, "name": user.name} if user else None


def ticket(t: Ticket) -> dict[str, Any]:
    return {
        "reference": t.reference,
        "url": ticket_url(t.reference),
        "channel": _value(t.channel),
        "status": _value(t.status),
        "priority": _value(t.priority),
        "subject": t.subject,
        "description": t.description or "",
        "category": {"id": t.category.id, "name": t.category.name} if t.category else None,
        "group": group(t.group),
        "claimed_by": _user(t.claimed_by),
        "citizen": {"name": t.citizen_name, "email": t.citizen_email, "phone": t.citizen_phone},
        "language": t.language,
        "confidential": t.confidential,
        "version": t.version,
        "created_at": when(t.created_at),
        "updated_at": when(t.updated_at),
        "due_at": when(t.due_at),
        "resolved_at": when(t.resolved_at),
        "outcome": _value(t.outcome),
        "first_contact": t.first_contact,
        "diarienummer": t.diarienummer,
        "referred_to": t.referred_to,
    }


def event(e: Event) -> dict[str, Any]:
    return {
        "id": e.id,
        "kind": str(e.kind),
        "at": when(e.created_at),
        "public": e.public,
        "body": e.body,
        "actor": _user(e.actor),
        "group": group(e.group),
    }
