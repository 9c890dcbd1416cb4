"""Counting tickets into slices, live or into the daily statistics rows.

`count_days` is the one place where tickets become counters. The nightly
snapshot stores its output per day (`stats.services.build_days`); the dashboard
calls it for the days that have no rows yet (today, normally). Both paths
therefore give the same figures.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache

from sqlalchemy import and_, case, func, select

from ..core.statistics import COUNTER_NAMES, Counters, answer_time_bucket
from ..core.timeutil import STOCKHOLM, local_day_bounds
from ..core.vocabulary import Outcome, Status
from ..extensions import db
from ..tickets.models import Ticket
from .measures import MEASURES, group_column

Key = tuple[str, int | None, int | None, str]  # channel, category id, group id, language


@dataclass
class Filters:
    """Dashboard filters; ``group_ids`` None means all groups, ``language`` None every
    citizen's language."""

    channel: str | None = None
    category_id: int | None = None
    group_ids: tuple[int, ...] | None = None
    language: str | None = None

    def key(self) -> tuple:
        return (self.channel, self.category_id, self.group_ids, self.language)

    @property
    def narrows(self) -> bool:
        """Whether any filter is set (else every ticket counts)."""
        return self.key() != (None, None, None, None)


@dataclass
class Slices:
    """Counters per (channel, category, group, language), the answer-time histogram,
    and the reasons kundtjänst could have answered."""

    counters: dict[Key, Counters] = field(default_factory=lambda: defaultdict(Counters))
    answer_time: dict[tuple[Key, int], int] = field(default_factory=lambda: defaultdict(int))
    could_reasons: dict[tuple[Key, int | None], int] = field(
        default_factory=lambda: defaultdict(int)
    )


def filter_conditions(
    filters: Filters,
    *,
    group,
    channel=Ticket.channel,
    category=Ticket.category_id,
    language=Ticket.language,
) -> list:
    """SQL conditions for the dashboard's filters, on the given columns (the tickets'
    or a daily table's; ``group`` is the group column the figure counts on)."""
    conditions = []
    if filters.channel:
        conditions.append(channel == filters.channel)
    if filters.category_id:
        conditions.append(category == filters.category_id)
    if filters.group_ids is not None:
        conditions.append(group.in_(filters.group_ids))
    if filters.language:
        conditions.append(language == filters.language)
    return conditions


def _ticket_filters(filters: Filters, anchor: str) -> list:
    return filter_conditions(filters, group=group_column(anchor))


def _utc_offset_spans(first: date, last: date) -> list[tuple[datetime, datetime, int]]:
    """Stretches of UTC time in which Stockholm keeps one offset (in minutes),
    covering the Stockholm days ``first`` to ``last``."""
    start, end = local_day_bounds(first, last)
    spans: list[tuple[datetime, datetime, int]] = []
    span_start = start
    offset = _offset_minutes(start)
    moment = start
    while moment < end:
        step = min(moment + timedelta(hours=1), end)
        if _offset_minutes(step) != offset and step < end:
            spans.append((span_start, step, offset))
            span_start, offset = step, _offset_minutes(step)
        moment = step
    spans.append((span_start, end, offset))
    return spans


def _offset_minutes(moment: datetime) -> int:
    return int(moment.astimezone(STOCKHOLM).utcoffset().total_seconds() // 60)


def local_date(column, first: date, last: date):
    """SQL for the Stockholm calendar date of a UTC timestamp column.

    PostgreSQL converts with the time-zone database; SQLite has none, so the
    offsets in force between ``first`` and ``last`` are spelled out.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone("Europe/Stockholm", column))
    whens = [
        (and_(column >= lo, column < hi), func.date(column, f"{minutes:+d} minutes"))
        for lo, hi, minutes in _utc_offset_spans(first, last)
    ]
    return case(*whens, else_=None)


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@cache
def _resolved_sums() -> tuple[tuple[str, ...], tuple]:
    """The counters anchored on resolution, and one SUM(CASE …) for each: built once,
    as they never change (building them took a millisecond on every dashboard view)."""
    names = tuple(n for n in COUNTER_NAMES if MEASURES[n].anchor == "resolved")
    return names, tuple(func.sum(case((MEASURES[n].condition, 1), else_=0)).label(n) for n in names)


def _by_slice(day, group, conditions: list, *extra, sums: tuple = ()):
    """Rows of (Stockholm date, slice key, *extra values, then the sums or a count),
    grouped by day, channel, subject area, ``group``, language and ``extra``."""
    keys = (day, Ticket.channel, Ticket.category_id, group, Ticket.language, *extra)
    stmt = select(*keys, *(sums or (func.count(),))).where(*conditions).group_by(*keys)
    for day_value, channel, category_id, group_id, language, *rest in db.session.execute(stmt):
        yield (_as_date(day_value), (str(channel), category_id, group_id, language), *rest)


def count_days(first: date, last: date, filters: Filters | None = None) -> dict[date, Slices]:
    """Count the tickets received or resolved on each Stockholm day from ``first``
    to ``last`` (inclusive), in four queries whatever the number of days."""
    filters = filters or Filters()
    start, end = local_day_bounds(first, last)
    out: dict[date, Slices] = defaultdict(Slices)

    created_day = local_date(Ticket.created_at, first, last)
    arrived = [Ticket.created_at >= start, Ticket.created_at < end]
    arrived += _ticket_filters(filters, "created")
    for day, key, count in _by_slice(created_day, Ticket.received_group_id, arrived):
        out[day].counters[key].received += count

    resolved_day = local_date(Ticket.resolved_at, first, last)
    group = Ticket.resolved_group_id
    in_range = [
        Ticket.status == Status.RESOLVED,
        Ticket.resolved_at >= start,
        Ticket.resolved_at < end,
        *_ticket_filters(filters, "resolved"),
    ]
    names, sums = _resolved_sums()
    for day, key, *counts in _by_slice(resolved_day, group, in_range, sums=sums):
        values = out[day].counters[key].__dict__
        for name, count in zip(names, counts, strict=True):
            values[name] += int(count or 0)

    answered = [
        *in_range,
        Ticket.answer_minutes.is_not(None),
        Ticket.outcome.in_((Outcome.ANSWERED, Outcome.REFERRED)),
    ]
    for day, key, minutes, count in _by_slice(resolved_day, group, answered, Ticket.answer_minutes):
        out[day].answer_time[(key, answer_time_bucket(minutes))] += count

    could = [*in_range, MEASURES["could_have_answered"].condition]
    for day, key, reason_id, count in _by_slice(resolved_day, group, could, Ticket.could_reason_id):
        out[day].could_reasons[(key, reason_id)] += count
    return out


def count_day(day: date, filters: Filters | None = None) -> Slices:
    return count_days(day, day, filters).get(day, Slices())
