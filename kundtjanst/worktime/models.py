"""Office hours per weekday and the days that differ (closed or shortened)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.timeutil import utcnow
from ..dbtypes import UTCDateTime
from ..extensions import db


class OfficeHours(db.Model):
    """One weekday's hours (0 = Monday). No row for a weekday: the default
    (Monday–Friday 08:00–16:30); a row without times: closed that weekday."""

    __tablename__ = "office_hours"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint(
            "(opens_minute IS NULL AND closes_minute IS NULL) OR "
            "(0 <= opens_minute AND opens_minute < closes_minute AND closes_minute <= 1440)",
            name="hours",
        ),
    )

    weekday: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    opens_minute: Mapped[int | None] = mapped_column(Integer)
    closes_minute: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class SpecialDay(db.Model):
    """A date the office is closed (``closes_minute`` None) or closes early."""

    __tablename__ = "special_days"
    __table_args__ = (
        CheckConstraint(
            "closes_minute IS NULL OR (closes_minute > 0 AND closes_minute < 1440)",
            name="closes",
        ),
    )

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    closes_minute: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @property
    def closed(self) -> bool:
        return self.closes_minute is None
