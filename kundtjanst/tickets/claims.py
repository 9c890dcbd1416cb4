"""Claims nobody can work: a claimant who was deactivated or left the group holds
tickets the other members can neither claim, release nor transfer. These put them
back in their groups' queues, each with a ``released`` entry on its timeline."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import and_, exists, or_, select

from ..core.vocabulary import OPEN_STATUSES, EventKind, Status
from ..extensions import db
from ..org.models import Group, membership
from .models import Ticket
from .timeline import record

if TYPE_CHECKING:
    from ..auth.models import User


def _unworkable():
    """SQL: an open ticket whose claimant can no longer work it."""
    from ..auth.models import User

    member = exists().where(
        membership.c.user_id == Ticket.claimed_by_id, membership.c.group_id == Ticket.group_id
    )
    claimant_active = exists().where(User.id == Ticket.claimed_by_id, User.active.is_(True))
    group_active = exists().where(Group.id == Ticket.group_id, Group.active.is_(True))
    return and_(
        Ticket.status.in_(OPEN_STATUSES),
        Ticket.claimed_by_id.is_not(None),
        or_(~member, ~claimant_active, ~group_active),
    )


def stuck() -> list[Ticket]:
    """Every open ticket claimed by someone who can no longer work it, oldest first."""
    return list(
        db.session.scalars(select(Ticket).where(_unworkable()).order_by(Ticket.group_entered_at))
    )


def _release(tickets: list[Ticket], actor: User | None) -> int:
    for ticket in tickets:
        claimant = ticket.claimed_by_id
        ticket.claimed_by = None
        ticket.status = Status.OPEN
        record(ticket, EventKind.RELEASED, actor, group=ticket.group, released_user_id=claimant)
    db.session.flush()
    return len(tickets)


def release_unworkable(user: User, actor: User | None = None) -> int:
    """``user`` was deactivated or left groups: the open tickets they claimed and can no
    longer work go back to their groups' queues. Returns how many."""
    tickets = db.session.scalars(
        select(Ticket)
        .where(_unworkable(), Ticket.claimed_by_id == user.id)
        .order_by(Ticket.id)
        .with_for_update(of=Ticket)
    ).all()
    return _release(list(tickets), actor)


def release_stuck(actor: User) -> int:
    """An administrator releases every stuck claim at once. Returns how many."""
    tickets = db.session.scalars(
        select(Ticket).where(_unworkable()).order_by(Ticket.id).with_for_update(of=Ticket)
    ).all()
    return _release(list(tickets), actor)
