"""Loading the ticket a call is about, and asking whether the token may act on it."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from webargs.flaskparser import abort as abort_with

from ...permissions import Action, allowed
from .. import queries
from ..models import ApiToken


def loaded(token: ApiToken, reference: str, *, for_update: bool = False):
    """The ticket, if the token may read it; else 404 (its existence is not revealed)."""
    ticket = queries.ticket(token, reference, for_update=for_update)
    if ticket is None:
        abort(404)
    return ticket


def act(token: ApiToken, reference: str, action: Action):
    """The ticket, locked until the call commits, if the token may do ``action``: a
    user's token what the user may (the pages' rules); an integration's token what
    kundtjänst's system may, on tickets it can read."""
    ticket = loaded(token, reference, for_update=True)
    if token.user is not None and not allowed(action, token.user, ticket):
        abort_with(403, message=_("The token's user may not do that to this ticket."))
    return ticket
