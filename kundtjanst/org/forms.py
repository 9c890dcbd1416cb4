"""The administrators' forms for departments, groups, subject areas and reasons. They
check the input's shape; the domain rules (unique names, the one kundtjänst group …)
are in `org.services`."""

from __future__ import annotations

import re

from wtforms import BooleanField
from wtforms.validators import ValidationError

from ..choices import labelled
from ..core.vocabulary import GroupKind
from ..forms import (
    BaseForm,
    ChoiceField,
    IdSelectField,
    OptionalWholeNumberField,
    WholeNumberField,
    email_validator,
    line_field,
    name_field,
    text_field,
)
from ..labels import GROUP_KIND
from ..lazytext import lazy_gettext as _l

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class DepartmentForm(BaseForm):
    name = name_field(_l("Name"), _l("Enter the department's name."))


class GroupForm(BaseForm):
    slug = line_field(_l("Short name"), _l("Enter a short name."), max_length=60)
    name = name_field(_l("Name"), _l("Enter the group's name."))
    kind = ChoiceField(
        _l("Kind"),
        required=True,
        default=GroupKind.ANSWER.value,
        choices=labelled(GROUP_KIND),
    )
    department_id = IdSelectField(_l("Department"))
    confidential = BooleanField(_l("Confidential: only the group's members may read its tickets"))
    email = line_field(_l("E-mail"), max_length=254, optional=True, validators=[email_validator()])
    sla_hours = OptionalWholeNumberField(
        _l("Time to answer in this group (working hours)"), minimum=1, maximum=1000
    )
    unclaimed_alert_hours = OptionalWholeNumberField(
        _l("Alert when unclaimed for (working hours)"), minimum=1, maximum=1000, default=4
    )
    active = BooleanField(_l("Active"), default=True)
    successor_id = IdSelectField(_l("Successor"))

    def validate_slug(self, field) -> None:
        if not _SLUG.fullmatch(field.data):
            raise ValidationError(
                _l("Use lower-case letters a–z, digits and hyphens, like “bygglov-2”.")
            )


# --- categories -----------------------------------------------------------------


class CategoryForm(BaseForm):
    name = name_field(_l("Name"), _l("Enter the subject area's name."))
    description = text_field(_l("Description"), max_length=2000, optional=True)
    default_group_id = IdSelectField(_l("Default answer group"))
    sla_hours = WholeNumberField(
        _l("Time to answer (working hours)"), minimum=1, maximum=1000, default=16
    )
    answer_sla_hours = WholeNumberField(
        _l("Time to answer in the answer group (working hours)"),
        minimum=1,
        maximum=1000,
        default=24,
    )
    retention_months = WholeNumberField(
        _l("Retention time (months)"), minimum=1, maximum=120, default=24
    )
    confidential = BooleanField(
        _l("Confidential: questions in this subject area fall under secrecy")
    )
    active = BooleanField(_l("Active"), default=True)


# --- the learning loop's reasons ------------------------------------------------


class ReasonForm(BaseForm):
    name = name_field(_l("Reason"), _l("Write the reason."))
    active = BooleanField(_l("Active"), default=True)
