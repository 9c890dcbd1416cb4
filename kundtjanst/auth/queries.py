"""Reading staff users."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from .models import User


def users_with_groups() -> list[User]:
    """Active users first, then by name, each with their groups."""
    return list(
        db.session.scalars(
            select(User).options(selectinload(User.groups)).order_by(User.active.desc(), User.name)
        )
    )


def active_user_count() -> int:
    return db.session.scalar(select(func.count(User.id)).where(User.active.is_(True))) or 0
