"""The administrators' webhook forms: they check the input's shape; what may be
subscribed (known events, existing groups, scopes, the SSRF guard) is decided by
`webhooks.services`."""

from __future__ import annotations

from sqlalchemy import select
from wtforms import SelectMultipleField
from wtforms.validators import StopValidation

from ..choices import groups as group_choices
from ..extensions import db
from ..forms import BaseForm, CheckboxListField, choice, line_field
from ..lazytext import lazy_gettext as _l
from ..org.models import Group
from .models import EVENT_TYPES, SCOPE_PREFIX

EVENT_LABELS = {
    "ticket.created": _l("A question arrived (ticket.created)"),
    "ticket.escalated": _l("Sent to an answer group (ticket.escalated)"),
    "ticket.claimed": _l("Claimed (ticket.claimed)"),
    "ticket.resolved": _l("Closed (ticket.resolved)"),
    "ticket.reopened": _l("Opened again (ticket.reopened)"),
    "ticket.citizen_message": _l("The citizen wrote (ticket.citizen_message)"),
}


def known_choices(form, field) -> None:
    allowed = {c.value for c in field.choices}
    if any(value not in allowed for value in field.data or ()):
        raise StopValidation(_l("Choose one of the options."))


def _text_checkboxes(label) -> SelectMultipleField:
    return SelectMultipleField(label, validate_choice=False, validators=[known_choices])


class SubscriptionChangeForm(BaseForm):
    description = line_field(_l("Description"), max_length=200, optional=True)
    events = _text_checkboxes(_l("Events"))
    groups = CheckboxListField(_l("Only tickets in these groups"))
    scopes = _text_checkboxes(_l("Content of confidential tickets"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.events.choices = [choice(e, EVENT_LABELS[e]) for e in EVENT_TYPES]
        self.groups.choices = group_choices()
        confidential = db.session.scalars(
            select(Group).where(Group.confidential.is_(True)).order_by(Group.name)
        )
        self.scopes.choices = [
            choice(f"{SCOPE_PREFIX}{g.slug}", f"{g.name} ({SCOPE_PREFIX}{g.slug})")
            for g in confidential
        ]


class SubscriptionForm(SubscriptionChangeForm):
    url = line_field(_l("Receiver's address"), _l("Enter the receiver's address."), max_length=2000)


class PauseForm(BaseForm):
    reason = line_field(_l("Why"), max_length=500, optional=True)
