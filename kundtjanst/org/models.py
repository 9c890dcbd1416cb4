"""Departments (förvaltningar), groups and categories (ämnesområden)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    false,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.vocabulary import GroupKind
from ..dbtypes import str_enum
from ..extensions import db

if TYPE_CHECKING:
    from ..auth.models import User

membership = Table(
    "memberships",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("group_id", ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Department(db.Model):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)

    groups: Mapped[list[Group]] = relationship(back_populates="department", order_by="Group.name")

    def __str__(self) -> str:
        return self.name


class Group(db.Model):
    __tablename__ = "groups"
    __table_args__ = (
        # There is exactly one way in: at most one kundtjänst group.
        Index(
            "uq_groups_one_frontline",
            "kind",
            unique=True,
            postgresql_where=text("kind = 'frontline'"),
            sqlite_where=text("kind = 'frontline'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[GroupKind] = mapped_column(str_enum(GroupKind, "group_kind"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    email: Mapped[str | None] = mapped_column(String(254))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Working hours to answer in this group, instead of the subject area's target.
    sla_hours: Mapped[int | None] = mapped_column(Integer)
    # Alert the group when an escalation lies unclaimed this many working hours (None: never).
    unclaimed_alert_hours: Mapped[int | None] = mapped_column(Integer, default=4)
    # Where its tickets go when one comes back to life after the group was deactivated.
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"))

    department: Mapped[Department | None] = relationship(back_populates="groups")
    successor: Mapped[Group | None] = relationship(remote_side="Group.id")
    members: Mapped[list[User]] = relationship(
        secondary=membership, back_populates="groups", order_by="User.name"
    )

    @property
    def is_frontline(self) -> bool:
        return self.kind == GroupKind.FRONTLINE

    @classmethod
    def frontline(cls) -> Group:
        """Kundtjänst: where every question lands unless a rule says otherwise."""
        group = db.session.scalar(
            select(cls).where(cls.kind == GroupKind.FRONTLINE).order_by(cls.id).limit(1)
        )
        if group is None:
            raise LookupError("no kundtjänst (frontline) group is configured")
        return group

    def __str__(self) -> str:
        return self.name


class Category(db.Model):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    default_group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"))
    sla_hours: Mapped[int] = mapped_column(Integer, default=16)  # kundtjänst's target
    # The svarsgrupp's target, in working hours after the hand-off.
    answer_sla_hours: Mapped[int] = mapped_column(Integer, default=24, server_default="24")
    retention_months: Mapped[int] = mapped_column(Integer, default=24)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Questions in this area fall under secrecy (OSL) whoever answers them.
    confidential: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    default_group: Mapped[Group | None] = relationship()

    def __str__(self) -> str:
        return self.name


class CouldReason(db.Model):
    """Why kundtjänst could have answered: the learning loop's reasons, an
    administrator's list (a svarsgrupp picks one when closing an escalation)."""

    __tablename__ = "could_reasons"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __str__(self) -> str:
        return self.name
