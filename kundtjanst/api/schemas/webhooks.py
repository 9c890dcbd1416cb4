"""Webhook subscriptions through the API."""

from __future__ import annotations

from marshmallow import fields, validate

from ...webhooks.models import EVENT_TYPES
from .common import Strict, line


class WebhookCreateSchema(Strict):
    url = line(2000, required=True, metadata={"description": "https://… of the receiver."})
    events = fields.List(
        fields.String(validate=validate.OneOf(EVENT_TYPES)),
        required=True,
        validate=validate.Length(min=1, max=len(EVENT_TYPES)),
    )
    groups = fields.List(
        line(60),
        allow_none=True,
        validate=validate.Length(max=200),
        metadata={"description": "Only tickets of these groups (slugs); null or absent: all."},
    )
    scopes = fields.List(
        line(80),
        validate=validate.Length(max=50),
        metadata={
            "description": "confidential:<slug>: confidential tickets' subjects in the "
            "payload. Only scopes the token itself has."
        },
    )
    description = line(200, allow_none=True)


class WebhookSchema(Strict):
    id = fields.Integer(required=True)
    url = fields.String(required=True)
    description = fields.String(allow_none=True, required=True)
    events = fields.List(fields.String(), required=True)
    groups = fields.List(fields.String(), allow_none=True, required=True)
    scopes = fields.List(fields.String(), required=True)
    paused_at = fields.DateTime(allow_none=True, required=True)
    pause_reason = fields.String(allow_none=True, required=True)
    created_at = fields.DateTime(required=True)
    created_by = fields.String(allow_none=True, required=True)


class WebhookCreatedSchema(WebhookSchema):
    secret = fields.String(
        required=True,
        metadata={"description": "The signing secret (whsec_…). Shown here only, once."},
    )


class SecretSchema(Strict):
    secret = fields.String(required=True)
    previous_valid_until = fields.DateTime(
        allow_none=True,
        required=True,
        metadata={"description": "The old secret signs too until then."},
    )


class NoBodySchema(Strict):
    """An action that takes nothing: an empty object, or no body at all."""
