"""Tickets: the list's filters, a ticket, its timeline, and what creates or changes one."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from ...core.vocabulary import Channel, Outcome, Priority, Status
from ...forms import MAX_ID
from .common import (
    CategoryRefSchema,
    CitizenLanguage,
    GroupRefSchema,
    Instant,
    Strict,
    UserRefSchema,
    line,
    text,
)

SUBJECT_MAX = 200
TEXT_MAX = 20_000


def _enum(enum, **kwargs) -> fields.Enum:
    return fields.Enum(enum, by_value=True, **kwargs)


def _id(**kwargs) -> fields.Integer:
    return fields.Integer(strict=True, validate=validate.Range(1, MAX_ID), **kwargs)


def _when(**kwargs) -> Instant:
    return Instant(**kwargs)


class TicketListArgsSchema(Strict):
    status = _enum(Status, metadata={"description": "Only tickets with this status."})
    group = line(60, metadata={"description": "Only tickets now in this group (its slug)."})
    channel = _enum(Channel)
    category = fields.Integer(
        validate=validate.Range(1, MAX_ID), metadata={"description": "Subject area id."}
    )
    updated_since = _when(
        metadata={
            "description": "Only tickets changed at or after this time (ISO 8601; "
            "without an offset, UTC). Use the previous answer's sync_from."
        }
    )
    cursor = line(200, metadata={"description": "From the previous page's next link."})
    limit = fields.Integer(
        validate=validate.Range(1, 200), metadata={"description": "Page size (default 50)."}
    )
    total = fields.Boolean(
        load_default=False, metadata={"description": "Also count every matching ticket."}
    )


class CitizenSchema(Strict):
    name = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)


class TicketSchema(Strict):
    reference = fields.String(required=True, metadata={"example": "KT-2026-000123"})
    url = fields.String(required=True)
    channel = _enum(Channel, required=True)
    status = _enum(Status, required=True)
    priority = _enum(Priority, required=True)
    subject = fields.String(required=True)
    description = fields.String(required=True)
    category = fields.Nested(CategoryRefSchema, allow_none=True, required=True)
    group = fields.Nested(GroupRefSchema, required=True)
    claimed_by = fields.Nested(UserRefSchema, allow_none=True, required=True)
    citizen = fields.Nested(CitizenSchema, required=True)
    language = fields.String(
        required=True,
        metadata={
            "description": "The citizen's language (a code of CITIZEN_LANGUAGES, e.g. sv, "
            "en, fi): every mail to the citizen is written in it.",
            "example": "sv",
        },
    )
    confidential = fields.Boolean(required=True)
    version = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    due_at = fields.DateTime(allow_none=True, required=True)
    resolved_at = fields.DateTime(allow_none=True, required=True)
    outcome = _enum(Outcome, allow_none=True, required=True)
    first_contact = fields.Boolean(allow_none=True, required=True)
    diarienummer = fields.String(allow_none=True, required=True)
    referred_to = fields.String(allow_none=True, required=True)


class EventSchema(Strict):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    at = fields.DateTime(required=True)
    public = fields.Boolean(required=True, metadata={"description": "Seen by the citizen."})
    body = fields.String(allow_none=True, required=True)
    actor = fields.Nested(UserRefSchema, allow_none=True, required=True)
    group = fields.Nested(GroupRefSchema, allow_none=True, required=True)


class TicketDetailSchema(TicketSchema):
    timeline = fields.List(
        fields.Nested(EventSchema),
        required=True,
        metadata={
            "description": "The public timeline; with tickets:internal also the internal "
            "entries (notes, hand-offs)."
        },
    )


class CreatedTicketSchema(TicketSchema):
    status_url = fields.String(
        required=True,
        metadata={"description": "The citizen's status link. Given once, here only."},
    )


class TicketPageSchema(Strict):
    items = fields.List(fields.Nested(TicketSchema), required=True)
    next = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "The next page, or null at the end."},
    )
    total = fields.Integer(metadata={"description": "Only when asked for (total=true)."})
    sync_from = fields.DateTime(
        required=True,
        metadata={
            "description": "Pass as updated_since next time: every change after it is "
            "in a later sync (some may come twice, none is missed)."
        },
    )


class CitizenInSchema(Strict):
    name = line(120, allow_none=True)
    email = fields.Email(allow_none=True, validate=validate.Length(max=254))
    phone = line(40, allow_none=True, validate_also=validate.Regexp(r"^\+?[0-9 ()\-]{5,40}$"))


class TicketCreateSchema(Strict):
    channel = _enum(Channel, required=True)
    subject = line(SUBJECT_MAX, required=True)
    text = text(TEXT_MAX, required=True, metadata={"description": "The question."})
    category = _id(allow_none=True, metadata={"description": "Subject area id."})
    priority = _enum(Priority, load_default=Priority.NORMAL)
    citizen = fields.Nested(CitizenInSchema, load_default=dict)
    language = CitizenLanguage(
        metadata={
            "description": "The language the citizen wrote in, one of the languages the "
            "municipality offers citizens (CITIZEN_LANGUAGES). The receipt and every answer "
            "mailed to the citizen are in it; routing rules may look at it. Default sv."
        }
    )


class IdempotencyHeaderSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    key = line(
        255,
        data_key="Idempotency-Key",
        metadata={
            "description": "Any unique text: a retry with the same key and body "
            "gets the first answer, never a second ticket (kept 48 hours)."
        },
    )


class MessageCreateSchema(Strict):
    kind = fields.String(
        required=True,
        validate=validate.OneOf(["citizen", "note"]),
        metadata={"description": "citizen: a message from the citizen; note: an internal note."},
    )
    body = text(TEXT_MAX, required=True)


class EscalateSchema(Strict):
    group = line(60, required=True, metadata={"description": "The answer group's slug."})
    note = text(5000, allow_none=True)


class ResolveSchema(Strict):
    outcome = _enum(Outcome, required=True)
    reply = text(
        TEXT_MAX, allow_none=True, metadata={"description": "The closing answer to the citizen."}
    )
    note = text(5000, allow_none=True)
    diarienummer = line(60, allow_none=True, metadata={"description": "Required when forwarded."})
    referred_to = line(200, allow_none=True, metadata={"description": "Required when referred."})

    @ma.validates_schema
    def _details(self, data, **kwargs):
        if (
            data.get("outcome") == Outcome.FORWARDED
            and not (data.get("diarienummer") or "").strip()
        ):
            raise ma.ValidationError("Required when the outcome is forwarded.", "diarienummer")
        if data.get("outcome") == Outcome.REFERRED and not (data.get("referred_to") or "").strip():
            raise ma.ValidationError("Required when the outcome is referred.", "referred_to")
