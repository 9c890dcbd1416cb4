"""Column types and guards shared by the models."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import DateTime, Enum, TypeDecorator, event


class UTCDateTime(TypeDecorator):
    """An aware datetime, stored as UTC on every backend.

    SQLite keeps no zone, so values come back naive; this type attaches UTC on
    the way out and refuses naive values on the way in, so the application
    never compares naive and aware times.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def str_enum(enum_cls: type[enum.StrEnum], name: str, *, check: bool = True) -> Enum:
    """A portable enum column: a VARCHAR holding the value, with a CHECK constraint
    unless ``check`` is off (for lists that grow with features, like event kinds)."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=check,
        length=20 if check else 30,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class AppendOnly(RuntimeError):
    """Something tried to change or delete a row of an append-only table."""


def append_only(model: type, error: type[AppendOnly], what: str) -> None:
    """Refuse, in the ORM, every UPDATE and DELETE of ``model``'s rows with ``error``.
    (Bulk statements bypass the ORM: retention's deliberate rewrite does; the audit
    log also has a database trigger.)"""

    def refuse(_mapper, _connection, _target):
        raise error(f"{what} is append-only")

    event.listen(model, "before_update", refuse)
    event.listen(model, "before_delete", refuse)
