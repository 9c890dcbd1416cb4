"""The working-time calendar in force (office hours, closed and shortened days, as
administered at /admin/arbetstid), turned into the pure `core.workingtime.Calendar`
and built once per request or job."""

from __future__ import annotations

from datetime import date

from flask import g, has_app_context
from sqlalchemy import select

from ..core.workingtime import DEFAULT_WEEK, Calendar, Hours
from ..extensions import db
from .models import OfficeHours, SpecialDay


def week() -> tuple[Hours | None, ...]:
    """Monday … Sunday as stored, the default where nothing is."""
    days = list(DEFAULT_WEEK)
    for row in db.session.scalars(select(OfficeHours)):
        if 0 <= row.weekday <= 6:
            if row.opens_minute is None or row.closes_minute is None:
                days[row.weekday] = None
            else:
                days[row.weekday] = Hours(row.opens_minute, row.closes_minute)
    return tuple(days)


def build_calendar() -> Calendar:
    closed: set[date] = set()
    shortened: dict[date, int] = {}
    for special in db.session.scalars(select(SpecialDay)):
        if special.closes_minute is None:
            closed.add(special.day)
        else:
            shortened[special.day] = special.closes_minute
    return Calendar(week=week(), closed_days=frozenset(closed), shortened_days=shortened)


def current_calendar() -> Calendar:
    """The calendar in force, built once per application context (request, job)."""
    if not has_app_context():
        return build_calendar()
    if "working_calendar" not in g:
        g.working_calendar = build_calendar()
    return g.working_calendar


def forget_calendar() -> None:
    if has_app_context():
        g.pop("working_calendar", None)


def special_days(first: date | None = None) -> list[SpecialDay]:
    stmt = select(SpecialDay).order_by(SpecialDay.day)
    if first is not None:
        stmt = stmt.where(SpecialDay.day >= first)
    return list(db.session.scalars(stmt))
