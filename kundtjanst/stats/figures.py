"""The dashboard's figures for a period and filters.

Whole past days come from the daily rows; days without rows (today, or a day
the nightly snapshot has not built yet) are counted from the tickets with the
same code that builds the rows. The part read from the daily rows is cached
per process until the rows change.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import and_, case, func, select, union_all

from ..core.statistics import (
    AGE_BUCKETS,
    COUNTER_NAMES,
    Counters,
    Period,
    Share,
    iso_week,
    percentile,
    runs,
    shares,
    whole_months,
)
from ..core.timeutil import local_today, utcnow
from ..core.vocabulary import OPEN_STATUSES
from ..extensions import db
from ..tickets.models import Ticket
from . import aggregate
from .models import (
    SLICE,
    StatsDaily,
    StatsDailyAnswerTime,
    StatsDailyCouldReason,
    StatsDay,
    StatsMonthly,
    StatsMonthlyAnswerTime,
    StatsMonthlyAnswerTotal,
    StatsMonthlyCouldReason,
)

# What the day-by-day series (the weekly chart) carries.
WEEKLY_COUNTERS = ("received", "resolved", "first_contact")


def _counters() -> defaultdict:
    return defaultdict(Counters)


@dataclass
class Part:
    """Counters of a stretch of days, rolled up every way the dashboard shows.

    Rolled up when read (not kept per channel, subject area and group together),
    so merging a cached part into a view's figures costs a few hundred additions.
    """

    by_channel: dict[str, Counters] = field(default_factory=_counters)
    by_group: dict[int | None, Counters] = field(default_factory=_counters)
    by_category: dict[int | None, Counters] = field(default_factory=_counters)
    by_day: dict[date, Counters] = field(default_factory=_counters)
    answer_time: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    # (subject area, reason) → tickets kundtjänst could have answered
    could_reasons: dict[tuple[int | None, int | None], int] = field(
        default_factory=lambda: defaultdict(int)
    )

    def add_slice(self, key: aggregate.Key, counters: Counters) -> None:
        channel, category_id, group_id, _language = key
        self.by_channel[channel].add(counters)
        self.by_group[group_id].add(counters)
        self.by_category[category_id].add(counters)

    def merge(self, other: Part) -> None:
        for mine, theirs in (
            (self.by_channel, other.by_channel),
            (self.by_group, other.by_group),
            (self.by_category, other.by_category),
            (self.by_day, other.by_day),
        ):
            for key, counters in theirs.items():
                mine[key].add(counters)
        for minutes, count in other.answer_time.items():
            self.answer_time[minutes] += count
        for key, count in other.could_reasons.items():
            self.could_reasons[key] += count


def _daily_filters(filters: aggregate.Filters, model) -> list:
    return aggregate.filter_conditions(
        filters,
        group=model.group_id,
        channel=model.channel,
        category=model.category_id,
        language=model.language,
    )


def _from_daily_rows(first: date, last: date, filters: aggregate.Filters) -> Part:
    """The days ``first`` to ``last`` from the stored rows: whole calendar months from
    the monthly sums, the days before and after them from the daily rows; each
    figure in one query over both."""
    part = Part()
    stretch = first, last, filters
    rows = _stored(StatsDaily, StatsMonthly, (*SLICE, *COUNTER_NAMES), *stretch)
    sums = [func.sum(rows.c[name]).label(name) for name in COUNTER_NAMES]
    # Rolled up by the database, one way at a time: a few dozen rows to add up here
    # instead of every (channel, subject area, group, language) there is.
    for rolled, column in (
        (part.by_channel, rows.c.channel),
        (part.by_category, rows.c.category_id),
        (part.by_group, rows.c.group_id),
    ):
        for key, *counts in db.session.execute(select(column, *sums).group_by(column)):
            rolled[key].add(Counters(**{n: int(c or 0) for n, c in zip(COUNTER_NAMES, counts)}))
    # Without filters, the months' histograms summed over every slice.
    monthly_times = StatsMonthlyAnswerTime if filters.narrows else StatsMonthlyAnswerTotal
    times = _stored(StatsDailyAnswerTime, monthly_times, ("minutes", "count"), *stretch)
    for minutes, count in db.session.execute(
        select(times.c.minutes, func.sum(times.c.count)).group_by(times.c.minutes)
    ):
        part.answer_time[minutes] += int(count)
    reasons = _stored(
        StatsDailyCouldReason,
        StatsMonthlyCouldReason,
        ("category_id", "reason_id", "count"),
        *stretch,
    )
    keys = (reasons.c.category_id, reasons.c.reason_id)
    for category_id, reason_id, count in db.session.execute(
        select(*keys, func.sum(reasons.c.count)).group_by(*keys)
    ):
        part.could_reasons[(category_id, reason_id)] += int(count)
    weekly = WEEKLY_COUNTERS
    for row in db.session.execute(
        select(StatsDaily.day, *[func.sum(getattr(StatsDaily, n)).label(n) for n in weekly])
        .where(StatsDaily.day >= first, StatsDaily.day <= last)
        .where(*_daily_filters(filters, StatsDaily))
        .group_by(StatsDaily.day)
    ):
        part.by_day[row.day].add(Counters(**{n: int(getattr(row, n) or 0) for n in weekly}))
    return part


def _stored(daily, monthly, columns: tuple[str, ...], first: date, last: date, filters):
    """The stored rows (``columns``) of the days ``first`` to ``last`` that match the
    filters: the monthly sums of the whole months, the daily rows of the other days."""
    months, edges = whole_months(first, last)
    parts = [
        select(*[getattr(daily, c) for c in columns]).where(
            daily.day >= lo, daily.day <= hi, *_daily_filters(filters, daily)
        )
        for lo, hi in edges
    ]
    if months is not None:
        parts.append(
            select(*[getattr(monthly, c) for c in columns]).where(
                monthly.month >= months[0],
                monthly.month <= months[1],
                *(_daily_filters(filters, monthly) if filters.narrows else ()),
            )
        )
    return (union_all(*parts) if len(parts) > 1 else parts[0]).subquery()


def _live(first: date, last: date, filters: aggregate.Filters) -> Part:
    part = Part()
    for day, slices in aggregate.count_days(first, last, filters).items():
        for key, counters in slices.counters.items():
            part.add_slice(key, counters)
            part.by_day[day].add(Counters(**{n: getattr(counters, n) for n in WEEKLY_COUNTERS}))
        for (_key, minutes), count in slices.answer_time.items():
            part.answer_time[minutes] += count
        for (key, reason_id), count in slices.could_reasons.items():
            part.could_reasons[(key[1], reason_id)] += count
    return part


# --- the cache of the daily-row part ----------------------------------------------

_CACHE: OrderedDict[tuple, Part] = OrderedDict()
_CACHE_SIZE = 64
_LOCK = threading.Lock()


def _rows_version() -> tuple:
    """Changes with every committed rebuild. The sum, not the highest revision: two
    rebuilds of different days committed side by side may number the same revision,
    but each raises its own day's, so the sum moves with either."""
    count, total = db.session.execute(select(func.count(), func.sum(StatsDay.revision))).one()
    return (db.engine.url.render_as_string(), count, total)


def _cached_daily_rows(first: date, last: date, filters: aggregate.Filters) -> Part:
    key = (_rows_version(), first, last, filters.key())
    with _LOCK:
        cached = _CACHE.get(key)
        if cached is not None:
            _CACHE.move_to_end(key)
    if cached is None:
        cached = _from_daily_rows(first, last, filters)
        with _LOCK:
            _CACHE[key] = cached
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
    return cached


def built_days(first: date, last: date) -> set[date]:
    return set(
        db.session.scalars(select(StatsDay.day).where(StatsDay.day >= first, StatsDay.day <= last))
    )


def collect(period: Period, filters: aggregate.Filters, *, use_rows: bool = True) -> Part:
    """All counters for the period: daily rows where built, live elsewhere."""
    today = local_today()
    built = built_days(period.first, period.last) if use_rows else set()
    built = {d for d in built if d < today}
    part = Part()
    if built:
        first, last = min(built), max(built)
        if current_app.config.get("STATS_CACHE", True):
            part.merge(_cached_daily_rows(first, last, filters))
        else:
            part.merge(_from_daily_rows(first, last, filters))
    unbuilt = [day for day in period.each_day() if day not in built]
    for first, last in runs(unbuilt):
        part.merge(_live(first, last, filters))
    return part


def clear_cache() -> None:
    with _LOCK:
        _CACHE.clear()


# --- what the dashboard shows ----------------------------------------------------------


@dataclass
class Figures:
    period: Period
    total: Counters
    shares: dict[str, Share]
    median_minutes: int | None
    p90_minutes: int | None
    by_channel: dict[str, Counters]
    by_group: dict[int | None, Counters]
    by_category: dict[int | None, Counters]
    weekly: list[tuple[str, Counters]]
    answer_time: dict[int, int]
    # (subject area, reason) → questions the svarsgrupp marked "kundtjänst could have answered"
    could_reasons: dict[tuple[int | None, int | None], int]


def figures(period: Period, filters: aggregate.Filters, *, use_rows: bool = True) -> Figures:
    part = collect(period, filters, use_rows=use_rows)
    total = Counters.total(part.by_channel.values())
    weeks: dict[str, Counters] = {}
    for day in period.each_day():
        week = iso_week(day)
        weeks.setdefault(week, Counters())
        if day in part.by_day:
            weeks[week].add(part.by_day[day])
    histogram = dict(part.answer_time)
    return Figures(
        period=period,
        total=total,
        shares=shares(total),
        median_minutes=percentile(histogram, 0.5),
        p90_minutes=percentile(histogram, 0.9),
        by_channel=dict(part.by_channel),
        by_group=dict(part.by_group),
        by_category=dict(part.by_category),
        weekly=list(weeks.items()),
        answer_time=histogram,
        could_reasons=dict(part.could_reasons),
    )


# --- the backlog (always live: it is about now) ------------------------------------------


@dataclass
class Backlog:
    by_group: dict[int, dict[str, int]]
    overdue: dict[int, int]

    @property
    def total(self) -> int:
        return sum(sum(b.values()) for b in self.by_group.values())


def backlog_conditions(filters: aggregate.Filters) -> list:
    """Open tickets, filtered on the group that has them now."""
    return [
        Ticket.status.in_(OPEN_STATUSES),
        *aggregate.filter_conditions(filters, group=Ticket.group_id),
    ]


def age_condition(key: str, now: datetime):
    """Open tickets of one age bucket (days of 24 hours since they arrived)."""
    low, high = next((lo, hi) for k, lo, hi in AGE_BUCKETS if k == key)
    condition = Ticket.created_at <= now - timedelta(days=low)
    if high is not None:
        condition = and_(condition, Ticket.created_at > now - timedelta(days=high))
    return condition


def overdue_condition(now: datetime):
    return and_(Ticket.due_at.is_not(None), Ticket.due_at < now)


def backlog(filters: aggregate.Filters, now: datetime | None = None) -> Backlog:
    """Open tickets per current group and age (days of 24 hours since arrival)."""
    now = now or utcnow()
    conditions = backlog_conditions(filters)
    buckets = [
        func.sum(case((age_condition(key, now), 1), else_=0)).label(key)
        for key, _low, _high in AGE_BUCKETS
    ]
    overdue_sum = func.sum(case((overdue_condition(now), 1), else_=0)).label("overdue")
    by_group: dict[int, dict[str, int]] = {}
    overdue: dict[int, int] = {}
    for row in db.session.execute(
        select(Ticket.group_id, *buckets, overdue_sum).where(*conditions).group_by(Ticket.group_id)
    ):
        by_group[row.group_id] = {key: int(getattr(row, key) or 0) for key, _, _ in AGE_BUCKETS}
        overdue[row.group_id] = int(row.overdue or 0)
    return Backlog(by_group=by_group, overdue=overdue)
