"""The audit log (append-only in the ORM and, by trigger, in the database) and the
record of who was shown which ticket on which day."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..core.timeutil import utcnow
from ..dbtypes import AppendOnly, UTCDateTime, append_only
from ..extensions import db


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    address: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str | None] = mapped_column(String(120))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    user: Mapped[User | None] = relationship()

    __table_args__ = (
        Index("ix_audit_entries_created_at", "created_at"),
        Index("ix_audit_entries_action", "action"),
        Index("ix_audit_entries_user_id_created_at", "user_id", "created_at"),
    )


class AuditLogIsAppendOnly(AppendOnly):
    """Raised by the ORM guard; the database's trigger refuses the same in SQL."""


append_only(AuditEntry, AuditLogIsAppendOnly, "the audit log")


class TicketRead(db.Model):
    """Somebody was shown a ticket's page on a day: one row per user, ticket and day,
    so a register extract or "who looked at my question?" can be answered without a
    row per page view. Like the audit log it names people and tickets, never contents."""

    __tablename__ = "ticket_reads"

    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)  # Stockholm date

    user: Mapped[User | None] = relationship()
