"""Writing the daily statistics rows: built by the nightly job and the command,
rebuilt for a past day when a ticket's figures on it change afterwards.

Each function flushes; none commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from sqlalchemy import Date, delete, func, insert, literal, select

from ..bulk import insert_rows
from ..core.statistics import COUNTER_NAMES, Period, next_month, runs
from ..core.timeutil import local, utcnow
from ..extensions import db
from ..tickets.signals import first_contact_changed
from .aggregate import count_days
from .models import (
    MONTHLY,
    SLICE,
    StatsDaily,
    StatsDailyAnswerTime,
    StatsDailyCouldReason,
    StatsDay,
)
from .queries import first_ticket_day


def build_days(first: date, last: date) -> int:
    """(Re)write the daily rows of the Stockholm days ``first`` to ``last`` from the
    tickets, in one pass. Flushes; returns the number of rows written.

    The days' markers are locked first: two rebuilds of one day at once (a reopen
    while the nightly job runs) would otherwise each delete the rows they see and
    both insert theirs, counting the day twice. The second now waits for the first
    to commit, then counts, deletes and numbers its revision after it.
    """
    built = {
        d.day: d
        for d in db.session.scalars(
            select(StatsDay)
            .where(StatsDay.day >= first, StatsDay.day <= last)
            .order_by(StatsDay.day)
            .with_for_update()
        )
    }
    counted = count_days(first, last)
    db.session.execute(delete(StatsDaily).where(StatsDaily.day >= first, StatsDaily.day <= last))
    for model in (StatsDailyAnswerTime, StatsDailyCouldReason):
        db.session.execute(delete(model).where(model.day >= first, model.day <= last))
    rows, times, reasons = [], [], []
    for day, slices in counted.items():
        rows += [
            {
                "day": day,
                **dict(zip(SLICE, key, strict=True)),
                **{name: getattr(counters, name) for name in COUNTER_NAMES},
            }
            for key, counters in slices.counters.items()
        ]
        times += [
            {
                "day": day,
                **dict(zip(SLICE, key, strict=True)),
                "minutes": minutes,
                "count": count,
            }
            for (key, minutes), count in slices.answer_time.items()
        ]
        reasons += [
            {
                "day": day,
                **dict(zip(SLICE, key, strict=True)),
                "reason_id": reason_id,
                "count": count,
            }
            for (key, reason_id), count in slices.could_reasons.items()
        ]
    insert_rows(StatsDaily.__table__, rows)
    insert_rows(StatsDailyAnswerTime.__table__, times)
    insert_rows(StatsDailyCouldReason.__table__, reasons)
    sum_months(first, last)
    revision = (db.session.scalar(select(func.max(StatsDay.revision))) or 0) + 1
    now = utcnow()
    for day in Period(first, last).each_day():
        marker = built.get(day)
        if marker is None:
            db.session.add(StatsDay(day=day, built_at=now, revision=revision))
        else:
            marker.built_at, marker.revision = now, revision
    db.session.flush()
    return len(rows)


def sum_months(first: date, last: date) -> None:
    """Rewrite the monthly sums of every month with a day from ``first`` to ``last``
    from its daily rows (in the database: a month is a few thousand rows)."""
    month = first.replace(day=1)
    while month <= last:
        following = next_month(month)
        for daily, monthly, keys, counts in MONTHLY:
            db.session.execute(delete(monthly).where(monthly.month == month))
            columns = [getattr(daily, k) for k in keys]
            sums = [func.sum(getattr(daily, c)) for c in counts]
            query = (
                select(literal(month, Date()), *columns, *sums)
                .where(daily.day >= month, daily.day < following)
                .group_by(*columns)
            )
            db.session.execute(insert(monthly).from_select(["month", *keys, *counts], query))
        month = following


def build_day(day: date) -> int:
    """(Re)write one day's rows. Flushes."""
    return build_days(day, day)


def build_all(days: Iterable[date], chunk_days: int = 62, after_chunk=None) -> int:
    """Build the given days in stretches of at most ``chunk_days``; ``after_chunk``
    (e.g. a commit and a progress bar) is called with each stretch's day count."""
    rows = 0
    for first, last in runs(days):
        while first <= last:
            stop = min(last, first + timedelta(days=chunk_days - 1))
            rows += build_days(first, stop)
            if after_chunk:
                after_chunk((stop - first).days + 1)
            first = stop + timedelta(days=1)
    return rows


def build_until(today: date) -> tuple[int, int]:
    """Rebuild yesterday (late changes included) and every earlier day without rows,
    from the first ticket's day; (days, rows) written."""
    yesterday = today - timedelta(days=1)
    first = first_ticket_day()
    if first is None or first > yesterday:
        return 0, 0
    built = set(db.session.scalars(select(StatsDay.day).where(StatsDay.day >= first)))
    todo = [d for d in Period(first, yesterday).each_day() if d not in built or d == yesterday]
    return len(todo), build_all(todo)


def refresh_if_built(moment: datetime | None) -> None:
    """A ticket's figures on a past day changed (reopened, found to be a repeat):
    rebuild that day's rows if it has them, so both paths still agree."""
    if moment is None:
        return

    day = local(moment).date()
    if db.session.get(StatsDay, day) is not None:
        build_day(day)


def _on_first_contact_changed(_ticket, *, resolved_at: datetime | None = None, **_extra) -> None:
    refresh_if_built(resolved_at)


def subscribe() -> None:
    """Follow the tickets: a resolved ticket whose figures changed (reopened, found to be
    a repeat contact) has its day rebuilt in the same transaction."""
    first_contact_changed.connect(_on_first_contact_changed)
