"""The audit log's filter form (a GET form: no CSRF token)."""

from __future__ import annotations

import re
from datetime import date

from wtforms import ValidationError
from wtforms.validators import Regexp

from ..core.timeutil import FIRST_DAY, LAST_DAY
from ..forms import BaseForm, IdSelectField, line_field
from ..lazytext import lazy_gettext as _l
from ..tickets.queries import normalise_reference
from .queries import AuditFilter
from .services import search_terms

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _day(text: str | None) -> date | None:
    """A yyyy-mm-dd date within the years the log can hold, or None."""
    if not text or not _DATE.match(text):
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None


def _check_day(form, field) -> None:
    if _day(field.data) is None:
        raise ValidationError(
            _l(
                "Enter a date like 2026-05-15, between the years %(first)d and %(last)d.",
                first=FIRST_DAY.year,
                last=LAST_DAY.year,
            )
        )


class AuditFilterForm(BaseForm):
    class Meta:
        csrf = False

    action = line_field(
        _l("Action"),
        max_length=60,
        optional=True,
        validators=[
            Regexp(
                r"^[a-z_]+(\.[a-z_]+)*\.?$",
                message=_l("Write an action like ticket.read, or its first part like ticket."),
            )
        ],
    )
    user = IdSelectField(_l("User"))
    text = line_field(_l("Target or detail"), max_length=120, optional=True)
    start = line_field(
        _l("From"), name="from", max_length=10, optional=True, validators=[_check_day]
    )
    end = line_field(_l("To"), name="to", max_length=10, optional=True, validators=[_check_day])
    address = line_field(
        _l("Address"),
        max_length=64,
        optional=True,
        validators=[
            Regexp(
                r"^[0-9A-Fa-f:.]+$",
                message=_l("Write an IP address, or its first part like 10.1."),
            )
        ],
    )

    searched = line_field(_l("Searched for"), max_length=200, optional=True)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        first, last = _day(self.start.data), _day(self.end.data)
        if first and last and last < first:
            self.end.errors = [*self.end.errors, _l("The end date is before the start date.")]
            return False
        return valid

    def to_filter(self) -> AuditFilter:
        return AuditFilter(
            action=self.action.data,
            user_id=self.user.data,
            text=self.text.data,
            first=_day(self.start.data),
            last=_day(self.end.data),
            address=self.address.data,
            searched=search_terms(self.searched.data) if self.searched.data else None,
        )


class ReadsForm(BaseForm):
    """Whose reads of which ticket to show (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    arende = line_field(
        _l("Reference"), _l("Write a reference like KT-2026-000123."), max_length=30
    )

    def validate_arende(self, field) -> None:
        if normalise_reference(field.data) is None:
            raise ValidationError(_l("Write a reference like KT-2026-000123."))

    @property
    def reference(self) -> str | None:
        return normalise_reference(self.arende.data or "")
