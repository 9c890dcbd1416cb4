"""Staff users. Citizens never log in."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.timeutil import utcnow
from ..core.vocabulary import GroupKind
from ..dbtypes import UTCDateTime, str_enum
from ..extensions import db
from ..org.models import membership

if TYPE_CHECKING:
    from ..org.models import Group


# werkzeug's default method; a hash that does not start with it is upgraded at login.
PASSWORD_METHOD = "scrypt"


class Role(enum.StrEnum):
    STAFF = "staff"
    MANAGER = "manager"
    ADMIN = "admin"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"), default=Role.STAFF)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Part of the id in every session cookie: raising it (new password, logout) ends
    # every session the user has, though sessions live in signed cookies.
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # The language the user works in (one of LANGUAGES), chosen on the account page;
    # None: the default (Swedish).
    language: Mapped[str | None] = mapped_column(String(12))

    groups: Mapped[list[Group]] = relationship(
        secondary=membership, back_populates="members", order_by="Group.name"
    )

    def set_password(self, password: str) -> None:
        """Hash a new password (werkzeug's default, scrypt) and end every session."""
        self.password_hash = generate_password_hash(password)
        self.end_sessions()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def password_needs_rehash(self) -> bool:
        """Hashed with something older than the current algorithm (rehashed at login)."""
        return not self.password_hash.startswith(PASSWORD_METHOD + ":")

    def rehash_password(self, password: str) -> None:
        """The same password hashed with the current algorithm; sessions go on."""
        self.password_hash = generate_password_hash(password)

    def end_sessions(self) -> None:
        self.session_version = (self.session_version or 0) + 1

    def get_id(self) -> str:
        """What Flask-Login keeps in the session: "<id>:<session version>"."""
        return f"{self.id}:{self.session_version or 1}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_manager(self) -> bool:
        return self.role in (Role.MANAGER, Role.ADMIN)

    @property
    def group_ids(self) -> frozenset[int]:
        return frozenset(g.id for g in self.groups if g.active)

    @property
    def in_frontline(self) -> bool:
        """Works in kundtjänst."""
        return any(g.kind == GroupKind.FRONTLINE and g.active for g in self.groups)

    @property
    def answer_groups(self) -> list[Group]:
        """The svarsgrupper whose queues this user works."""
        return [g for g in self.groups if g.kind == GroupKind.ANSWER and g.active]

    def __str__(self) -> str:
        return self.name
