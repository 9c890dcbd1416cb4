"""Reading the organisation: departments, groups, subject areas and reasons, as the
administration lists show them."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from .models import Category, CouldReason, Department, Group, membership


def departments() -> list[Department]:
    """By name, each with its groups."""
    return list(
        db.session.scalars(
            select(Department).options(selectinload(Department.groups)).order_by(Department.name)
        )
    )


def groups() -> list[Group]:
    """Active first, kundtjänst before the svarsgrupper, then by name; with departments."""
    return list(
        db.session.scalars(
            select(Group)
            .options(selectinload(Group.department))
            .order_by(Group.active.desc(), Group.kind.desc(), Group.name)
        )
    )


def member_counts() -> dict[int, int]:
    """Members per group id."""
    return dict(
        db.session.execute(
            select(membership.c.group_id, func.count()).group_by(membership.c.group_id)
        ).all()
    )


def categories() -> list[Category]:
    """Active first, then by name; with their default groups."""
    return list(
        db.session.scalars(
            select(Category)
            .options(selectinload(Category.default_group))
            .order_by(Category.active.desc(), Category.name)
        )
    )


def reasons() -> list[CouldReason]:
    return list(db.session.scalars(select(CouldReason).order_by(CouldReason.name)))


def counts() -> dict[str, int]:
    """How many departments there are, and active groups, subject areas and reasons."""

    def count(column, *where) -> int:
        return db.session.scalar(select(func.count(column)).where(*where)) or 0

    return {
        "departments": count(Department.id),
        "groups": count(Group.id, Group.active.is_(True)),
        "categories": count(Category.id, Category.active.is_(True)),
        "reasons": count(CouldReason.id, CouldReason.active.is_(True)),
    }


def reachable_group(group: Group) -> Group:
    """``group`` if it is active; else the first active group of its successors (the
    group an administrator named when deactivating it); else kundtjänst. A ticket that
    comes back to life is never left in a group nobody works."""
    seen = set()
    while group is not None and not group.active and group.id not in seen:
        seen.add(group.id)
        group = group.successor
    return group if group is not None and group.active else Group.frontline()
