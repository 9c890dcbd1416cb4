"""Subject areas, groups, statistics and public articles."""

from __future__ import annotations

from marshmallow import fields, validate

from ...core.statistics import PRESETS
from ...core.vocabulary import Channel, GroupKind
from ...forms import MAX_ID
from .common import CategoryRefSchema, GroupRefSchema, Strict


class CategorySchema(Strict):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    description = fields.String(allow_none=True, required=True)
    active = fields.Boolean(required=True)
    confidential = fields.Boolean(required=True)
    default_group = fields.Nested(GroupRefSchema, allow_none=True, required=True)


class GroupSchema(Strict):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.Enum(GroupKind, by_value=True, required=True)
    confidential = fields.Boolean(required=True)
    active = fields.Boolean(required=True)


class StatisticsArgsSchema(Strict):
    period = fields.String(
        validate=validate.OneOf([*PRESETS, "custom"]),
        metadata={"description": "A named period (default month), or custom with from/to."},
    )
    from_ = fields.Date(data_key="from", metadata={"description": "First day (Stockholm)."})
    to = fields.Date(metadata={"description": "Last day (Stockholm)."})
    channel = fields.Enum(Channel, by_value=True)
    group = fields.Integer(
        validate=validate.Range(1, MAX_ID), metadata={"description": "Group id."}
    )
    department = fields.Integer(validate=validate.Range(1, MAX_ID))
    category = fields.Integer(validate=validate.Range(1, MAX_ID))
    language = fields.String(
        validate=validate.Length(1, 12),
        metadata={
            "description": "The citizen's language: one of the languages offered to "
            "citizens (sv, en, fi by default)."
        },
    )


class ShareSchema(Strict):
    numerator = fields.Integer(required=True)
    denominator = fields.Integer(required=True)
    share = fields.Float(allow_none=True, required=True, metadata={"description": "0–1, or null."})


class StatisticsFiltersSchema(Strict):
    channel = fields.String(allow_none=True, required=True)
    category = fields.Integer(allow_none=True, required=True)
    groups = fields.List(fields.Integer(), allow_none=True, required=True)
    language = fields.String(allow_none=True, required=True)


class WeekShareSchema(ShareSchema):
    week = fields.String(required=True)


class SelfServiceSchema(Strict):
    total = fields.Integer(required=True)
    by_category = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)


class BacklogSchema(Strict):
    total = fields.Integer(required=True)
    overdue = fields.Integer(required=True)
    by_group = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(keys=fields.String(), values=fields.Integer()),
        required=True,
        metadata={"description": "Open tickets per group id, per age bucket."},
    )


def _share(description: str):
    return fields.Nested(ShareSchema, required=True, metadata={"description": description})


class StatisticsSchema(Strict):
    """The same document as /statistik.json; the README's "Statistics" section defines
    each figure."""

    from_ = fields.String(data_key="from", attribute="from", required=True)
    to = fields.String(required=True)
    filters = fields.Nested(StatisticsFiltersSchema, required=True)
    target = fields.Float(required=True, metadata={"description": "First-contact target, 0–1."})
    received = fields.Integer(required=True)
    resolved = fields.Integer(required=True)
    withdrawn = fields.Integer(required=True)
    answered = fields.Integer(required=True)
    sla_breached = fields.Integer(required=True)
    reopened = fields.Integer(required=True)
    median_answer_working_minutes = fields.Integer(allow_none=True, required=True)
    p90_answer_working_minutes = fields.Integer(allow_none=True, required=True)
    first_contact = _share("Answered at first contact, of the resolved (not withdrawn).")
    first_contact_by_kundtjanst = _share("Of those, by kundtjänst.")
    first_contact_by_svarsgrupp = _share("Of those, by an answer group.")
    within_en_vag_in = _share("Answered or referred within en väg in.")
    forwarded = _share("Forwarded to a formal case.")
    referred = _share("Referred to another authority.")
    email_within_one_working_day = _share("Written questions answered within a working day.")
    could_have_answered = _share("Escalations kundtjänst could have answered.")
    weekly_first_contact = fields.List(fields.Nested(WeekShareSchema), required=True)
    self_service = fields.Nested(SelfServiceSchema, required=True)
    backlog = fields.Nested(BacklogSchema, required=True)


class ArticleListArgsSchema(Strict):
    category = fields.Integer(
        validate=validate.Range(1, MAX_ID), metadata={"description": "Subject area id."}
    )


class ArticleSchema(Strict):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    summary = fields.String(required=True)
    body = fields.String(required=True, metadata={"description": "Markdown."})
    body_html = fields.String(required=True, metadata={"description": "Rendered and sanitised."})
    categories = fields.List(fields.Nested(CategoryRefSchema), required=True)
    url = fields.String(required=True, metadata={"description": "The citizens' page."})
    updated_at = fields.DateTime(required=True)
