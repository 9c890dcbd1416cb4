"""/api/v1/tickets: list (filters, cursor paging), read, create (Idempotency-Key),
messages and notes, escalate, resolve."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, request
from flask.views import MethodView
from flask_babel import gettext as _
from marshmallow import RAISE
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ...core.timeutil import utcnow
from ...extensions import db
from ...org.models import Category
from ...replica import replica_reads
from ...tickets import services as ticket_services
from ...web import public_url
from .. import idempotency, present, queries
from ..auth import require
from ..blueprints import blueprint
from ..paging import Cursor
from ..problems import invalid
from ..schemas.tickets import (
    CreatedTicketSchema,
    IdempotencyHeaderSchema,
    TicketCreateSchema,
    TicketDetailSchema,
    TicketListArgsSchema,
    TicketPageSchema,
)
from .acting import loaded

bp = blueprint("api-tickets", "Tickets: list, read, create, and work on them.")

# Changes committed shortly before a sync began may become visible only after it:
# the next sync starts this much earlier (a change may come twice, none is missed).
SYNC_MARGIN = timedelta(minutes=2)
_FILTERS = ("status", "group", "channel", "category", "updated_since")


def _next_link(args: dict, cursor: Cursor) -> str:
    query = {k: v for k, v in request.args.items() if k in (*_FILTERS, "limit", "total")}
    query["cursor"] = cursor.encode()
    return public_url(request.endpoint, **query)


@bp.route("/tickets")
class Tickets(MethodView):
    @bp.arguments(TicketListArgsSchema, location="query", unknown=RAISE)
    @bp.response(200, TicketPageSchema)
    @bp.doc(
        description="Scope tickets:read. Ordered by id; "
        "a ticket changed while you page keeps its place, so none comes twice or is "
        "skipped. The next page is in `next` and in the Link header.",
    )
    @replica_reads
    def get(self, args):
        token = require("tickets:read")
        cursor = None
        if args.get("cursor"):
            cursor = Cursor.decode(args["cursor"])
            if cursor is None:
                invalid(("cursor", _("The cursor is not valid.")))
        size = args.get("limit") or current_app.config["API_PAGE_SIZE"]
        sync_from = utcnow() - SYNC_MARGIN
        filters = {k: args.get(k) for k in _FILTERS}
        rows, more = queries.page(token, filters, cursor, size)
        body = {
            "items": [present.ticket(t) for t in rows],
            "next": _next_link(args, Cursor(rows[-1].id)) if more else None,
            "sync_from": sync_from.isoformat(),
        }
        if args.get("total"):
            body["total"] = queries.count(token, filters)
        headers = {"Link": f'<{body["next"]}>; rel="next"'} if body["next"] else {}
        return present.answer(body, 200, headers)

    @bp.arguments(IdempotencyHeaderSchema, location="headers")
    @bp.arguments(TicketCreateSchema)
    @bp.response(201, CreatedTicketSchema, headers={"Location": {"schema": {"type": "string"}}})
    @bp.doc(
        description="Scope tickets:write. For an e-service or "
        "a chat platform. With an Idempotency-Key, a retry never makes a second ticket. "
        "A citizen with an e-mail address gets a receipt with the status link.",
    )
    def post(self, headers, data):
        token = require("tickets:write")
        key = headers.get("key")
        fingerprint = idempotency.fingerprint(request.get_json())
        if key:
            earlier = idempotency.find(token, key)
            if earlier is not None:
                return _replay(earlier, fingerprint)
        try:
            claimed = idempotency.claim(token, key, fingerprint) if key else None
            body = _create(token, data)
            if claimed is not None:
                idempotency.answered(claimed, 201, body)
            db.session.commit()
        except IntegrityError:  # the same key, at the same moment: answer as the first did
            db.session.rollback()
            earlier = idempotency.find(token, key) if key else None
            if earlier is None:
                raise
            return _replay(earlier, fingerprint)
        return present.answer(body, 201, {"Location": body["url"]})


def _replay(earlier, fingerprint: str):
    if earlier.request_hash != fingerprint:
        invalid(("Idempotency-Key", _("This Idempotency-Key was used with a different request.")))
    headers = {"Location": earlier.response.get("url", ""), "Idempotent-Replayed": "true"}
    return present.answer(earlier.response, earlier.status or 201, headers)


def _create(token, data: dict) -> dict:
    category = None
    if data.get("category") is not None:
        category = db.session.scalar(
            select(Category).where(Category.id == data["category"], Category.active)
        )
        if category is None:
            invalid(("category", _("No such active subject area.")))
    citizen = data.get("citizen") or {}
    contact = ticket_services.Contact(
        channel=data["channel"],
        subject=data["subject"].strip(),
        description=data["text"],
        category=category,
        citizen_name=(citizen.get("name") or "").strip() or None,
        citizen_email=citizen.get("email") or None,
        citizen_phone=(citizen.get("phone") or "").strip() or None,
        priority=data["priority"],
        language=data.get("language"),
    )
    ticket, status_token = ticket_services.create_ticket(
        contact, actor=token.user, status_link=True
    )
    body = present.ticket(ticket)
    body["status_url"] = public_url("intake.status", token=status_token)
    return body


@bp.route("/tickets/<reference>")
class TicketResource(MethodView):
    @bp.response(200, TicketDetailSchema)
    @bp.doc(
        description="Scope tickets:read; the internal "
        "timeline needs tickets:internal too. 404 for a ticket the token may not read.",
    )
    def get(self, reference):
        token = require("tickets:read")
        ticket = loaded(token, reference)
        body = present.ticket(ticket)
        internal = "tickets:internal" in token.scopes
        body["timeline"] = [present.event(e) for e in queries.timeline(ticket, internal=internal)]
        return present.answer(body)


from . import ticket_actions  # noqa: E402, F401  (messages, escalate, resolve)
