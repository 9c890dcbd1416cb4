"""Call events from the phone system."""

from __future__ import annotations

from marshmallow import fields, validate

from .common import Instant, Strict, line


class CallEventSchema(Strict):
    event = fields.String(required=True, validate=validate.OneOf(["ringing", "answered", "ended"]))
    call_id = line(
        100,
        required=True,
        metadata={"description": "The phone system's id of the call (printable ASCII, no spaces)."},
    )
    number = line(
        64,
        allow_none=True,
        metadata={
            "description": "The caller's number as the phone system has it (070-123 45 67, "
            "+46701234567, 0046…); empty, null or 'anonymous' for a withheld number."
        },
    )
    agent_email = line(254, allow_none=True, metadata={"description": "Required when answered."})
    at = Instant(
        allow_none=True,
        metadata={"description": "When it happened (default: when it arrived)."},
    )


class CallSchema(Strict):
    call_id = fields.String(required=True)
    state = fields.String(required=True)
    number = fields.String(allow_none=True, required=True, metadata={"description": "E.164."})
    agent = fields.String(allow_none=True, required=True, metadata={"description": "E-mail."})
    ringing_at = fields.DateTime(allow_none=True, required=True)
    answered_at = fields.DateTime(allow_none=True, required=True)
    ended_at = fields.DateTime(allow_none=True, required=True)
