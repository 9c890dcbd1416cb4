"""Lookups of groups and categories for forms and views."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..forms import SelectChoice, choice
from .models import Category, Group, GroupKind


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


def category_choices(blank_label) -> list[SelectChoice]:
    return [choice("", blank_label)] + [choice(c.id, c.name) for c in active_categories()]


def group_choices(
    blank_label, kind: GroupKind | None = None, exclude_id: int | None = None
) -> list[SelectChoice]:
    return [choice("", blank_label)] + [
        choice(g.id, g.name) for g in active_groups(kind) if g.id != exclude_id
    ]
