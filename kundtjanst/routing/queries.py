"""Reading the routing rules."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..org.models import Group
from .models import RoutingRule


def active_in_order() -> list[RoutingRule]:
    """The active rules whose group is active, in the order they are tried."""
    return list(
        db.session.scalars(
            select(RoutingRule)
            .join(RoutingRule.group)
            .where(RoutingRule.active.is_(True), Group.active.is_(True))
            .order_by(RoutingRule.position, RoutingRule.id)
        )
    )


def rules_in_order() -> list[RoutingRule]:
    """Every rule in the order they are tried, with the group and subject area each
    names loaded in the same go (the list shows both)."""
    return list(
        db.session.scalars(
            select(RoutingRule)
            .options(selectinload(RoutingRule.group), selectinload(RoutingRule.category))
            .order_by(RoutingRule.position, RoutingRule.id)
        )
    )


def next_position() -> int:
    """Where a new rule goes: after every other."""
    highest = db.session.scalar(select(func.max(RoutingRule.position)))
    return (highest or 0) + 10


def active_count() -> int:
    return (
        db.session.scalar(select(func.count(RoutingRule.id)).where(RoutingRule.active.is_(True)))
        or 0
    )
