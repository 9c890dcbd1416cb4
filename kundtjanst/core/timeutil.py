"""Time helpers: everything is stored in UTC and shown in Europe/Stockholm."""

from __future__ import annotations

import calendar as month_calendar
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")

# The dates anyone may ask about (statistics, exports, the audit log); beyond them
# the day arithmetic (weeks, time zones) would leave what a date can hold, and no
# ticket or log entry is that old or that new.
FIRST_DAY = date(1990, 1, 1)
LAST_DAY = date(2099, 12, 31)


def utcnow() -> datetime:
    """The current time as an aware UTC datetime (use as a callable default)."""
    return datetime.now(UTC)


def local(dt: datetime) -> datetime:
    """An aware datetime in Stockholm time."""
    return dt.astimezone(STOCKHOLM)


def local_today() -> date:
    return utcnow().astimezone(STOCKHOLM).date()


def local_day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """UTC instants covering the Stockholm dates ``first`` to ``last`` inclusive.

    Days are 23 or 25 hours long around daylight-saving changes; building the
    bounds from local midnights gets that right.
    """
    start = datetime.combine(first, time.min, tzinfo=STOCKHOLM)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=STOCKHOLM)
    return start.astimezone(UTC), end.astimezone(UTC)


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant as an aware UTC datetime; one without a zone is taken as UTC.
    Raises ValueError for anything else."""
    at = datetime.fromisoformat(text)
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def months_before(instant: datetime, months: int) -> datetime:
    """The same Stockholm wall-clock time ``months`` calendar months earlier (the day
    clamped to the month's length: 31 March − 1 month = 28/29 February)."""
    local = instant.astimezone(STOCKHOLM)
    index = local.year * 12 + local.month - 1 - months
    year, month = divmod(index, 12)
    day = min(local.day, month_calendar.monthrange(year, month + 1)[1])
    return local.replace(year=year, month=month + 1, day=day).astimezone(UTC)
