"""What an integration does to a ticket: a message or a note, escalate, resolve."""

from __future__ import annotations

from collections.abc import Callable

from flask.views import MethodView
from flask_babel import gettext as _
from sqlalchemy import select
from webargs.flaskparser import abort as abort_with

from ...core.vocabulary import GroupKind
from ...extensions import db
from ...org.models import Group
from ...permissions import Action
from ...tickets import services as ticket_services
from ...tickets.citizen import citizen_message
from ...tickets.errors import TicketError
from .. import present
from ..auth import require
from ..problems import invalid
from ..schemas.tickets import (
    EscalateSchema,
    EventSchema,
    MessageCreateSchema,
    ResolveSchema,
    TicketSchema,
)
from .acting import act
from .tickets import bp


def _changed(ticket, change: Callable[[], object]):
    """Apply ``change`` (a ticket service), then answer with the ticket as it is now; a
    change the ticket's state does not allow is a 409 and nothing is saved."""
    try:
        change()
    except TicketError as error:
        db.session.rollback()
        abort_with(409, message=str(error))
    body = present.ticket(ticket)
    db.session.commit()
    return present.answer(body)


@bp.route("/tickets/<reference>/messages")
class Messages(MethodView):
    @bp.arguments(MessageCreateSchema)
    @bp.response(201, EventSchema)
    @bp.doc(
        description="Scope tickets:write. kind citizen: a message "
        "from the citizen (it brings a waiting or closed ticket back into play); kind "
        "note: an internal note, never shown to the citizen.",
    )
    def post(self, data, reference):
        token = require("tickets:write")
        action = Action.VIEW if data["kind"] == "citizen" else Action.NOTE
        ticket = act(token, reference, action)
        if data["kind"] == "citizen":
            made = citizen_message(ticket, data["body"])
        else:
            made = ticket_services.add_note(ticket, token.user, data["body"])
        body = present.event(made)
        db.session.commit()
        return present.answer(body, 201)


@bp.route("/tickets/<reference>/escalate")
class Escalate(MethodView):
    @bp.arguments(EscalateSchema)
    @bp.response(200, TicketSchema)
    @bp.doc(
        description="Scope tickets:write. Hands a kundtjänst "
        "ticket to an answer group (by its slug), with a note for its members.",
    )
    def post(self, data, reference):
        token = require("tickets:write")
        ticket = act(token, reference, Action.ESCALATE)
        group = db.session.scalar(
            select(Group).where(
                Group.slug == data["group"], Group.kind == GroupKind.ANSWER, Group.active
            )
        )
        if group is None:
            invalid(("group", _("No such active answer group.")))
        return _changed(
            ticket,
            lambda: ticket_services.escalate(ticket, token.user, group, note=data.get("note")),
        )


@bp.route("/tickets/<reference>/resolve")
class Resolve(MethodView):
    @bp.arguments(ResolveSchema)
    @bp.response(200, TicketSchema)
    @bp.doc(
        description="Scope tickets:write. Closes the ticket with "
        "its outcome; a reply is sent to the citizen as the closing answer.",
    )
    def post(self, data, reference):
        token = require("tickets:write")
        ticket = act(token, reference, Action.RESOLVE)
        return _changed(
            ticket,
            lambda: ticket_services.resolve(
                ticket,
                token.user,
                data["outcome"],
                reply_body=data.get("reply") or None,
                note=data.get("note") or None,
                diarienummer=(data.get("diarienummer") or "").strip() or None,
                referred_to=(data.get("referred_to") or "").strip() or None,
            ),
        )
