"""Counting tickets into slices, live or into the daily statistics rows.

`count_range` is the one place where tickets become counters. The nightly
snapshot stores its output per day; the dashboard calls it for the days that
have no rows yet (today, normally). Both paths therefore give the same figures.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import case, delete, func, insert, select

from ..extensions import db
from ..tickets.models import Outcome, Status, Ticket
from ..timeutil import local_day_bounds, utcnow
from .definitions import COUNTER_NAMES, Counters, answer_time_bucket
from .measures import MEASURES, group_column
from .models import StatsDaily, StatsDailyAnswerTime, StatsDay

Key = tuple[str, int | None, int | None]  # channel, category id, group id


@dataclass
class Filters:
    """Dashboard filters; ``group_ids`` None means all groups."""

    channel: str | None = None
    category_id: int | None = None
    group_ids: tuple[int, ...] | None = None

    def key(self) -> tuple:
        return (self.channel, self.category_id, self.group_ids)


@dataclass
class Slices:
    """Counters per (channel, category, group), and the answer-time histogram."""

    counters: dict[Key, Counters] = field(default_factory=lambda: defaultdict(Counters))
    answer_time: dict[tuple[Key, int], int] = field(default_factory=lambda: defaultdict(int))


def _ticket_filters(filters: Filters, anchor: str) -> list:
    conditions = []
    if filters.channel:
        conditions.append(Ticket.channel == filters.channel)
    if filters.category_id:
        conditions.append(Ticket.category_id == filters.category_id)
    if filters.group_ids is not None:
        conditions.append(group_column(anchor).in_(filters.group_ids))
    return conditions


def count_range(start: datetime, end: datetime, filters: Filters | None = None) -> Slices:
    """Count the tickets received or resolved in ``[start, end)`` (UTC)."""
    filters = filters or Filters()
    out = Slices()

    received = db.session.execute(
        select(Ticket.channel, Ticket.category_id, Ticket.received_group_id, func.count())
        .where(
            Ticket.created_at >= start,
            Ticket.created_at < end,
            *_ticket_filters(filters, "created"),
        )
        .group_by(Ticket.channel, Ticket.category_id, Ticket.received_group_id)
    )
    for channel, category_id, group_id, count in received:
        out.counters[(str(channel), category_id, group_id)].received += count

    resolved_names = [n for n in COUNTER_NAMES if MEASURES[n].anchor == "resolved"]
    sums = [func.sum(case((MEASURES[n].condition, 1), else_=0)).label(n) for n in resolved_names]
    rows = db.session.execute(
        select(Ticket.channel, Ticket.category_id, Ticket.resolved_group_id, *sums)
        .where(
            Ticket.status == Status.RESOLVED,
            Ticket.resolved_at >= start,
            Ticket.resolved_at < end,
            *_ticket_filters(filters, "resolved"),
        )
        .group_by(Ticket.channel, Ticket.category_id, Ticket.resolved_group_id)
    )
    for row in rows:
        counters = out.counters[(str(row.channel), row.category_id, row.resolved_group_id)]
        for name in resolved_names:
            setattr(counters, name, getattr(counters, name) + int(getattr(row, name) or 0))

    times = db.session.execute(
        select(
            Ticket.channel,
            Ticket.category_id,
            Ticket.resolved_group_id,
            Ticket.answer_minutes,
            func.count(),
        )
        .where(
            Ticket.status == Status.RESOLVED,
            Ticket.resolved_at >= start,
            Ticket.resolved_at < end,
            Ticket.answer_minutes.is_not(None),
            Ticket.outcome.in_((Outcome.ANSWERED, Outcome.REFERRED)),
            *_ticket_filters(filters, "resolved"),
        )
        .group_by(
            Ticket.channel, Ticket.category_id, Ticket.resolved_group_id, Ticket.answer_minutes
        )
    )
    for channel, category_id, group_id, minutes, count in times:
        out.answer_time[((str(channel), category_id, group_id), answer_time_bucket(minutes))] += (
            count
        )
    return out


def count_day(day: date, filters: Filters | None = None) -> Slices:
    start, end = local_day_bounds(day, day)
    return count_range(start, end, filters)


def build_day(day: date) -> int:
    """(Re)write the daily rows of one Stockholm day from the tickets. Flushes."""
    slices = count_day(day)
    db.session.execute(delete(StatsDaily).where(StatsDaily.day == day))
    db.session.execute(delete(StatsDailyAnswerTime).where(StatsDailyAnswerTime.day == day))
    rows = [
        {
            "day": day,
            "channel": key[0],
            "category_id": key[1],
            "group_id": key[2],
            **{name: getattr(counters, name) for name in COUNTER_NAMES},
        }
        for key, counters in slices.counters.items()
    ]
    if rows:
        db.session.execute(insert(StatsDaily), rows)
    times = [
        {
            "day": day,
            "channel": key[0],
            "category_id": key[1],
            "group_id": key[2],
            "minutes": minutes,
            "count": count,
        }
        for (key, minutes), count in slices.answer_time.items()
    ]
    if times:
        db.session.execute(insert(StatsDailyAnswerTime), times)
    revision = (db.session.scalar(select(func.max(StatsDay.revision))) or 0) + 1
    marker = db.session.get(StatsDay, day)
    if marker is None:
        db.session.add(StatsDay(day=day, built_at=utcnow(), revision=revision))
    else:
        marker.built_at = utcnow()
        marker.revision = revision
    db.session.flush()
    return len(rows)


def rebuild(days: Iterable[date]) -> int:
    """Rebuild several days; returns the number of rows written."""
    return sum(build_day(day) for day in days)


def refresh_if_built(moment: datetime | None) -> None:
    """A ticket's figures on a past day changed (reopened, found to be a repeat):
    rebuild that day's rows if it has them, so both paths still agree."""
    if moment is None:
        return
    from ..timeutil import local

    day = local(moment).date()
    if db.session.get(StatsDay, day) is not None:
        build_day(day)
