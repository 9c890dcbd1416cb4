"""Schemas every resource uses: problems, text rules, references to groups and
subject areas."""

from __future__ import annotations

from datetime import UTC

import marshmallow as ma
from flask import current_app
from marshmallow import fields, validate

from ...core.text import has_direction_control, has_line_break

STRICT = {"unknown": ma.RAISE}


class Strict(ma.Schema):
    """Unknown fields are refused, by name (``Unknown field.``)."""

    class Meta:
        unknown = ma.RAISE


def _no_nul(value: str) -> None:
    if "\x00" in value:
        raise ma.ValidationError("NUL characters are not allowed.")


def _one_line(value: str) -> None:
    _no_nul(value)
    if has_line_break(value) or has_direction_control(value):
        raise ma.ValidationError("Must be one line, without line breaks or direction controls.")


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ma.ValidationError("Must not be blank.")


def line(maximum: int, *, required: bool = False, validate_also=None, **kwargs) -> fields.String:
    checks = [validate.Length(max=maximum), _one_line, *([validate_also] if validate_also else [])]
    if required:
        checks.append(_not_blank)
    return fields.String(required=required, validate=checks, **kwargs)


def text(maximum: int, *, required: bool = False, **kwargs) -> fields.String:
    checks = [validate.Length(max=maximum), _no_nul]
    if required:
        checks.append(_not_blank)
    return fields.String(required=required, validate=checks, **kwargs)


class Instant(fields.AwareDateTime):
    """A moment in ISO 8601, in UTC once read (without an offset: UTC). One that has no
    UTC equivalent (year 1 at +01:00) is refused, not a 500 deep in the database layer."""

    def __init__(self, **kwargs):
        super().__init__(format="iso", default_timezone=UTC, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            return moment.astimezone(UTC)
        except (OverflowError, ValueError) as error:
            raise ma.ValidationError("Out of range.") from error


class CitizenLanguage(fields.String):
    """A citizen's language: one of CITIZEN_LANGUAGES exactly as the setting lists it
    ("fi"; not "FI" or "fi-FI"). The OpenAPI document lists them as its ``enum``
    (`api.setup`)."""

    def _deserialize(self, value, attr, data, **kwargs):
        code = super()._deserialize(value, attr, data, **kwargs)
        offered = tuple(current_app.config["CITIZEN_LANGUAGES"])
        if code not in offered:
            raise ma.ValidationError(f"Must be one of: {', '.join(offered)}.")
        return code


class FieldErrorSchema(Strict):
    field = fields.String(
        required=True, metadata={"description": "Dotted path, e.g. citizen.email"}
    )
    message = fields.String(required=True)


class ProblemSchema(Strict):
    """RFC 9457 problem details."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    instance = fields.String(required=True)
    errors = fields.List(fields.Nested(FieldErrorSchema))


class GroupRefSchema(Strict):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)


class CategoryRefSchema(Strict):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class UserRefSchema(Strict):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
