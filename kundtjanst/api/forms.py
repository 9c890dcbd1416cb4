"""The administrator's form for a new API token."""

from __future__ import annotations

from sqlalchemy import or_, select

from ..auth.models import User
from ..core import apitokens
from ..extensions import db
from ..forms import (
    BaseForm,
    IdSelectField,
    OptionalDateField,
    TextCheckboxListField,
    choice,
    line_field,
)
from ..lazytext import lazy_gettext as _l
from ..org.models import Group
from ..tickets.models import Ticket

SCOPE_LABELS = {
    "tickets:read": _l("Read tickets, subject areas and groups"),
    "tickets:internal": _l("Read tickets' internal timeline (notes, hand-offs)"),
    "tickets:write": _l("Create and work on tickets"),
    "stats:read": _l("Read the statistics"),
    "kb:read": _l("Read public knowledge articles"),
    "calls:write": _l("Send call events from the phone system"),
    "webhooks:manage": _l("Manage webhook subscriptions"),
}


class TokenForm(BaseForm):
    name = line_field(_l("Name"), _l("Give the token a name."), max_length=120)
    user = IdSelectField(_l("Acts as user"))
    scopes = TextCheckboxListField(_l("Scopes"))
    expires = OptionalDateField(_l("Valid until"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scopes.flags.required = True  # the service refuses a token without one
        users = db.session.scalars(select(User).where(User.active).order_by(User.name))
        self.user.choices = [choice("", _l("No user: a named integration"))] + [
            choice(u.id, f"{u.name} ({u.email})") for u in users
        ]
        holders = select(Ticket.secrecy_group_id).where(Ticket.secrecy_group_id.is_not(None))
        secret = db.session.scalars(
            select(Group)
            .where(or_(Group.confidential, Group.id.in_(holders.distinct())))
            .order_by(Group.name)
        )
        self.scopes.choices = [choice(s, f"{s}: {SCOPE_LABELS[s]}") for s in apitokens.SCOPES] + [
            choice(
                apitokens.confidential_scope(g.slug),
                _l(
                    "%(scope)s: confidential tickets of %(group)s (the user must be a member)",
                    scope=apitokens.confidential_scope(g.slug),
                    group=g.name,
                ),
            )
            for g in secret
        ]
