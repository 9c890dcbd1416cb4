"""Who may do what: role decorators and the secrecy filter every listing uses.

Three layers: ``login_required``; role decorators (``role_required``,
``frontline_required``); and object rules in this module (``can_view`` and
friends), applied through the ticket loaders in ``tickets.queries``.

Secrecy is a query filter (`ticket_scope`), never only an ``if`` in a template:
a confidential group's tickets are visible to its members and nobody else.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import ColumnElement, false, or_

from .auth.models import Role
from .core.vocabulary import Status
from .tickets.models import Ticket

if TYPE_CHECKING:
    from .auth.models import User


def role_required(*roles: Role) -> Callable:
    """Allow only logged-in users with one of ``roles``."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


admin_required = role_required(Role.ADMIN)
manager_required = role_required(Role.MANAGER, Role.ADMIN)


def frontline_required(view: Callable) -> Callable:
    """Allow only members of kundtjänst."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.in_frontline:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def sees_all_open_contents(user: User) -> bool:
    """Kundtjänst and managers see every non-confidential ticket.

    Kundtjänst keeps read access after a hand-off so it can tell a calling
    citizen where the question stands; managers read the tickets behind figures.
    A pure svarsgrupp member sees only their own groups' tickets.
    """
    return user.in_frontline or user.is_manager


def ticket_scope(user: User) -> ColumnElement[bool]:
    """SQL condition: tickets whose contents ``user`` may read."""
    if not user.is_authenticated:
        return false()
    own_groups = Ticket.group_id.in_(sorted(user.group_ids))
    if sees_all_open_contents(user):
        return or_(Ticket.confidential.is_(False), own_groups)
    return own_groups


def can_view(user: User, ticket: Ticket) -> bool:
    """The Python twin of `ticket_scope`, for an already loaded ticket."""
    if not user.is_authenticated:
        return False
    if ticket.group_id in user.group_ids:
        return True
    return sees_all_open_contents(user) and not ticket.confidential


def can_see_metadata(user: User, ticket: Ticket) -> bool:
    """Kundtjänst may see a confidential ticket's reference, status and group."""
    return can_view(user, ticket) or (user.is_authenticated and user.in_frontline)


def is_member(user: User, ticket: Ticket) -> bool:
    return ticket.group_id in user.group_ids


def can_claim(user: User, ticket: Ticket) -> bool:
    return (
        is_member(user, ticket)
        and not ticket.group.is_frontline
        and ticket.status == Status.OPEN
        and ticket.claimed_by_id is None
    )


def can_work(user: User, ticket: Ticket) -> bool:
    """Reply, resolve, escalate or transfer: kundtjänst members on kundtjänst's
    tickets; in a svarsgrupp, the member who claimed it."""
    if not ticket.is_open or not is_member(user, ticket):
        return False
    if ticket.group.is_frontline:
        return True
    return ticket.claimed_by_id == user.id


def can_note(user: User, ticket: Ticket) -> bool:
    """Any member of the ticket's group may add an internal note."""
    return is_member(user, ticket)


def can_release(user: User, ticket: Ticket) -> bool:
    return ticket.is_open and ticket.claimed_by_id == user.id and is_member(user, ticket)
