"""Who may do what: role decorators, the secrecy filter every listing uses, and one
predicate per action on a ticket.

Three layers: ``login_required``; role decorators (``role_required``,
``frontline_required``); and the object rules below, one per `Action`, which the
ticket loader (`tickets.queries.load`) applies before any view acts and the
templates ask through ``may(action, ticket)`` before they show a form. The rules
themselves (who claims, who works a ticket) are `core.lifecycle`'s.

Secrecy is a query filter (`ticket_scope`), never only an ``if`` in a template: a
confidential ticket is readable by the members of its secrecy group, the members of
the group holding it while it is open, and the staff who handled it (created,
claimed or closed it) — nobody else, managers and administrators included
(`core.lifecycle.may_read_secret`).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import ColumnElement, and_, false, or_

from .auth.models import Role
from .core import lifecycle
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


# --- reading: the secrecy filter -------------------------------------------------


def sees_all_open_contents(user: User) -> bool:
    """Kundtjänst and managers see every ticket that is not confidential.

    Kundtjänst keeps read access after a hand-off so it can tell a calling
    citizen where the question stands; managers read the tickets behind figures.
    A pure svarsgrupp member sees only their own groups' tickets.
    """
    return user.in_frontline or user.is_manager


def _secret_readers(user: User) -> ColumnElement[bool]:
    """SQL twin of `core.lifecycle.may_read_secret`, on columns of ``tickets`` only (it
    is part of every listing: no subquery, no join)."""
    own = sorted(user.group_ids)
    return or_(
        Ticket.secrecy_group_id.in_(own),
        and_(Ticket.group_id.in_(own), Ticket.status != Status.RESOLVED),
        Ticket.created_by_id == user.id,
        Ticket.claimed_by_id == user.id,
        Ticket.resolved_by_id == user.id,
    )


def ticket_scope(user: User) -> ColumnElement[bool]:
    """SQL condition: tickets whose contents ``user`` may read."""
    if not user.is_authenticated:
        return false()
    not_secret = Ticket.confidential.is_(False)
    if not sees_all_open_contents(user):
        not_secret = and_(not_secret, Ticket.group_id.in_(sorted(user.group_ids)))
    return or_(not_secret, and_(Ticket.confidential.is_(True), _secret_readers(user)))


def can_view(user: User, ticket: Ticket) -> bool:
    """The Python twin of `ticket_scope`, for an already loaded ticket."""
    if not user.is_authenticated:
        return False
    if not ticket.confidential:
        return sees_all_open_contents(user) or is_member(user, ticket)
    return lifecycle.may_read_secret(
        member_of_secrecy_group=ticket.secrecy_group_id in user.group_ids,
        member_of_group=is_member(user, ticket),
        is_open=ticket.is_open,
        handled=user.id in (ticket.created_by_id, ticket.claimed_by_id, ticket.resolved_by_id),
    )


def can_see_metadata(user: User, ticket: Ticket) -> bool:
    """Kundtjänst may see a confidential ticket's reference, status and group."""
    return can_view(user, ticket) or (user.is_authenticated and user.in_frontline)


def is_member(user: User, ticket: Ticket) -> bool:
    return ticket.group_id in user.group_ids


# --- acting: one predicate per action ----------------------------------------------


class Action(enum.StrEnum):
    VIEW = "view"
    NOTE = "note"
    REPLY = "reply"
    RESOLVE = "resolve"
    ESCALATE = "escalate"
    TRANSFER = "transfer"
    CLAIM = "claim"
    RELEASE = "release"
    REOPEN = "reopen"
    CONFIRM_REPEAT = "confirm_repeat"
    NEW_STATUS_LINK = "new_status_link"
    LIFT_SECRECY = "lift_secrecy"


def can_claim(user: User, ticket: Ticket) -> bool:
    """A member of the ticket's svarsgrupp; whether it can be claimed now (open,
    unclaimed) is the ticket's state, `Ticket.claimable`, which the claim checks too."""
    return lifecycle.may_claim(member=is_member(user, ticket), kind=ticket.group.kind)


def can_work(user: User, ticket: Ticket) -> bool:
    """Reply, resolve or confirm a repeat contact: see `lifecycle.may_work`."""
    return lifecycle.may_work(
        member=is_member(user, ticket),
        kind=ticket.group.kind,
        status=ticket.status,
        claimant=ticket.claimed_by_id,
        user=user.id,
    )


def can_escalate(user: User, ticket: Ticket) -> bool:
    """Only kundtjänst hands a ticket to a svarsgrupp."""
    return can_work(user, ticket) and ticket.group.is_frontline


def can_transfer(user: User, ticket: Ticket) -> bool:
    """A svarsgrupp passes a ticket on (to another group, or back to kundtjänst)."""
    return can_work(user, ticket) and not ticket.group.is_frontline


def can_note(user: User, ticket: Ticket) -> bool:
    """Any member of the ticket's group may add an internal note."""
    return is_member(user, ticket)


def can_release(user: User, ticket: Ticket) -> bool:
    return lifecycle.may_release(
        member=is_member(user, ticket),
        status=ticket.status,
        claimant=ticket.claimed_by_id,
        user=user.id,
    )


def can_reopen(user: User, ticket: Ticket) -> bool:
    return lifecycle.may_reopen(member=is_member(user, ticket), status=ticket.status)


def can_replace_status_link(user: User, ticket: Ticket) -> bool:
    """Kundtjänst, or the ticket's group, gives a citizen who lost the link a new one
    (not once retention has removed the citizen's data)."""
    return ticket.anonymised_at is None and (user.in_frontline or is_member(user, ticket))


def can_lift_secrecy(user: User, ticket: Ticket) -> bool:
    """A member of the group the secret belongs to: the ticket's secrecy group, or when
    it has none, the group holding it."""
    owner = ticket.secrecy_group_id if ticket.secrecy_group_id is not None else ticket.group_id
    return lifecycle.may_lift_secrecy(
        confidential=ticket.confidential, member_of_owner=owner in user.group_ids
    )


RULES: dict[Action, Callable[[User, Ticket], bool]] = {
    Action.VIEW: can_view,
    Action.NOTE: can_note,
    Action.REPLY: can_work,
    Action.RESOLVE: can_work,
    Action.CONFIRM_REPEAT: can_work,
    Action.ESCALATE: can_escalate,
    Action.TRANSFER: can_transfer,
    Action.CLAIM: can_claim,
    Action.RELEASE: can_release,
    Action.REOPEN: can_reopen,
    Action.NEW_STATUS_LINK: can_replace_status_link,
    Action.LIFT_SECRECY: can_lift_secrecy,
}


def allowed(action: Action | str, user: User, ticket: Ticket) -> bool:
    """May ``user`` do ``action`` to ``ticket``? Reading it is part of every action."""
    if not user.is_authenticated or not can_view(user, ticket):
        return False
    return RULES[Action(action)](user, ticket)


def may(action: Action | str, ticket: Ticket) -> bool:
    """The templates' question: may the current user do ``action`` to ``ticket``?"""
    return allowed(action, current_user, ticket)
