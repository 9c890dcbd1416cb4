"""Tickets and their timelines as the API answers them (plain dicts; the schemas in
``schemas/`` say what each field is)."""

from __future__ import annotations

from typing import Any

from flask import current_app

from ..tickets.models import Event, Ticket


def ticket_url(reference: str) -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}/api/v1/tickets/{reference}"


def _group(group) -> dict | None:
    return {"id": group.id, "slug": group.slug, "name": group.name} if group else None


def _user(user) -> dict | None:
    return {"id": user.id, "name": user.name} if user else None


def ticket(t: Ticket) -> dict[str, Any]:
    return {
        "reference": t.reference,
        "url": ticket_url(t.reference),
        "channel": t.channel,
        "status": t.status,
        "priority": t.priority,
        "subject": t.subject,
        "description": t.description or "",
        "category": {"id": t.category.id, "name": t.category.name} if t.category else None,
        "group": _group(t.group),
        "claimed_by": _user(t.claimed_by),
        "citizen": {"name": t.citizen_name, "email": t.citizen_email, "phone": t.citizen_phone},
        "confidential": t.confidential,
        "version": t.version,
        "created_at": t.created_at,
        "updated_at": t.updated_at,
        "due_at": t.due_at,
        "resolved_at": t.resolved_at,
        "outcome": t.outcome,
        "first_contact": t.first_contact,
        "diarienummer": t.diarienummer,
        "referred_to": t.referred_to,
    }


def event(e: Event) -> dict[str, Any]:
    return {
        "id": e.id,
        "kind": str(e.kind),
        "at": e.created_at,
        "public": e.public,
        "body": e.body,
        "actor": _user(e.actor),
        "group": _group(e.group),
    }
