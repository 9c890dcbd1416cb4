"""The administrators' changes to the working-time calendar: the office hours and the
closed and shortened days. Each flushes, none commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ..audit import services as audit
from ..core.errors import InvalidChange
from ..core.timeutil import utcnow
from ..core.workingtime import Hours, clock
from ..extensions import db
from ..lazytext import lazy_gettext as _l
from .models import OfficeHours, SpecialDay
from .queries import forget_calendar, week


def save_week(days: list[Hours | None], user_id: int | None = None) -> None:
    """Store all seven weekdays' hours. Saving the week in force changes nothing
    and is not recorded."""
    if len(days) != 7:
        raise ValueError("seven days, Monday first")
    if all(d is None for d in days):
        raise InvalidChange(_l("The office must be open on at least one weekday."))
    if tuple(days) == week():
        return
    stored = {row.weekday: row for row in db.session.scalars(select(OfficeHours))}
    for weekday, hours in enumerate(days):
        row = stored.get(weekday)
        if row is None:
            row = OfficeHours(weekday=weekday)
            db.session.add(row)
        row.opens_minute = hours.opens if hours else None
        row.closes_minute = hours.closes if hours else None
        row.updated_at = utcnow()
        row.updated_by_id = user_id
    audit.record(
        "calendar.week",
        user_id=user_id,
        week=[str(h) if h else None for h in days],  # Monday first: "08:00–16:30"
    )
    db.session.flush()
    forget_calendar()


@dataclass
class SpecialDayData:
    day: date
    closes_minute: int | None  # None: closed all day
    note: str


def add_special_day(data: SpecialDayData, user_id: int | None = None) -> SpecialDay:
    if db.session.get(SpecialDay, data.day) is not None:
        raise InvalidChange(_l("That date is already in the list. Remove it first."), "day")
    if data.closes_minute is not None and not 0 < data.closes_minute < 24 * 60:
        raise InvalidChange(_l("Enter a closing time like 13:00."), "closes")
    special = SpecialDay(
        day=data.day, closes_minute=data.closes_minute, note=data.note, created_by_id=user_id
    )
    db.session.add(special)
    _record_day("calendar.day_added", special, user_id)
    db.session.flush()
    forget_calendar()
    return special


def remove_special_day(special: SpecialDay, user_id: int | None = None) -> None:
    _record_day("calendar.day_removed", special, user_id)
    db.session.delete(special)
    db.session.flush()
    forget_calendar()


def _record_day(action: str, special: SpecialDay, user_id: int | None) -> None:
    audit.record(
        action,
        target=special.day.isoformat(),
        user_id=user_id,
        closes=clock(special.closes_minute) or None,
        note=special.note or None,
    )
