from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..core.timeutil import utcnow
from ..dbtypes import UTCDateTime
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


class AuditLogIsAppendOnly(RuntimeError):
    """Raised by the ORM guards below; the database's trigger refuses the same in SQL."""


@event.listens_for(AuditEntry, "before_update")
def _refuse_update(mapper, connection, target):
    raise AuditLogIsAppendOnly("the audit log is append-only")


@event.listens_for(AuditEntry, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise AuditLogIsAppendOnly("the audit log is append-only")
