"""Lookups of groups and categories for forms and views."""

from __future__ import annotations

from sqlalchemy import select

from ..core.vocabulary import GroupKind
from ..extensions import db
from .models import Category, Group


def active_categories() -> list[Category]:
    return list(
        db.session.scalars(
            select(Category).where(Category.active.is_(True)).order_by(Category.name)
        )
    )


def active_groups(kind: GroupKind | None = None) -> list[Group]:
    stmt = select(Group).where(Group.active.is_(True)).order_by(Group.name)
    if kind is not None:
        stmt = stmt.where(Group.kind == kind)
    return list(db.session.scalars(stmt))
