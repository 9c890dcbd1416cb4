"""Working time: office hours in Europe/Stockholm minus Swedish holidays and closed days.

Pure functions over a `Calendar` value, with no Flask or database in sight:

* `add_working_time(start, delta)` — the instant ``delta`` of working time after
  ``start`` (an SLA's due time);
* `working_time_between(start, end)` — how much working time lies between two
  instants (negative when ``end`` is before ``start``).

Both take aware datetimes and return aware UTC values. Working time is real
elapsed time inside the office hours, so an interval is measured in UTC and a
day's hours are laid on the wall clock of that day: 08:00–16:30 is eight and a
half hours in winter and in summer, and a Friday-to-Monday sum over a
daylight-saving change needs no special case.

The calendar is closed on

* weekdays without office hours (default: Saturday and Sunday);
* Swedish public holidays and the eves that are days off in practice
  (midsommarafton, julafton, nyårsafton) — the `holidays` package's Sweden with
  the PUBLIC and DE_FACTO categories. ``include_sundays`` is set explicitly
  (to False: Sundays are closed through the weekly hours, and an administrator
  who opens on Sundays means it); its default changed between releases;
* days an administrator closed (e.g. the klämdag after Kristi himmelsfärd);

and closes early on shortened days ("dag före röd dag").

A result of `add_working_time` with a positive ``delta`` always lies in working
time, counting a closing instant as inside: adding a whole day's hours to its
opening gives its closing time, 16:30, not the next morning.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from holidays.constants import DE_FACTO, PUBLIC

from .timeutil import STOCKHOLM

MINUTES_PER_DAY = 24 * 60
ONE_DAY = timedelta(days=1)
# A calendar closed for longer than this in one stretch is taken to be a mistake.
MAX_CLOSED_STRETCH_DAYS = 400

Interval = tuple[datetime, datetime]


@dataclass(frozen=True)
class Hours:
    """Opening and closing time of a day, in minutes after local midnight."""

    opens: int
    closes: int

    def __post_init__(self) -> None:
        if not 0 <= self.opens < self.closes <= MINUTES_PER_DAY:
            raise ValueError(f"office hours must open before they close: {self}")

    @classmethod
    def of(cls, opens: time, closes: time) -> Hours:
        return cls(opens.hour * 60 + opens.minute, closes.hour * 60 + closes.minute)

    @property
    def length(self) -> timedelta:
        return timedelta(minutes=self.closes - self.opens)

    def __str__(self) -> str:
        return f"{clock(self.opens)}–{clock(self.closes)}"


def clock(minute: int | None) -> str:
    """Minutes after midnight as a wall-clock time: 510 → "08:30" ("" for None)."""
    return "" if minute is None else f"{minute // 60:02d}:{minute % 60:02d}"


DEFAULT_HOURS = Hours(8 * 60, 16 * 60 + 30)
# Monday … Sunday; None: closed that weekday.
DEFAULT_WEEK: tuple[Hours | None, ...] = (DEFAULT_HOURS,) * 5 + (None, None)


@lru_cache(maxsize=64)
def swedish_holidays(year: int, language: str = "sv") -> Mapping[date, str]:
    """Public holidays and de-facto days off in Sweden in ``year``, named in
    ``language`` where the holidays package knows it ("en"), else in Swedish."""
    names = next(
        (known for known in holidays.Sweden.supported_languages if known.split("_")[0] == language),
        "sv",
    )
    found = holidays.Sweden(
        years=year, categories=(PUBLIC, DE_FACTO), include_sundays=False, language=names
    )
    return dict(sorted(found.items()))


def is_swedish_holiday(day: date) -> bool:
    return day in swedish_holidays(day.year)


@dataclass(frozen=True)
class Calendar:
    """When the office is open. Build one per request or job and reuse it: it
    remembers the days it has laid out."""

    week: tuple[Hours | None, ...] = DEFAULT_WEEK
    closed_days: frozenset[date] = frozenset()
    # A shortened day closes early: minutes after midnight.
    shortened_days: Mapping[date, int] = field(default_factory=dict)
    public_holidays: bool = True
    tz: ZoneInfo = STOCKHOLM
    _days: dict[date, tuple[Interval, ...]] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )
    # Working time from the first day asked about to each day laid out since
    # (negative before it), so long spans are summed without walking every day.
    _running: dict[date, timedelta] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    def __post_init__(self) -> None:
        if len(self.week) != 7:
            raise ValueError("a week has seven days, Monday first")

    def hours(self, day: date) -> Hours | None:
        """The office hours of a local date, or None when it is closed all day."""
        hours = self.week[day.weekday()]
        if hours is None or day in self.closed_days:
            return None
        if self.public_holidays and is_swedish_holiday(day):
            return None
        closes = self.shortened_days.get(day)
        if closes is not None:
            if closes <= hours.opens:
                return None
            hours = Hours(hours.opens, min(hours.closes, closes))
        return hours

    def is_working_day(self, day: date) -> bool:
        return self.hours(day) is not None

    def intervals(self, day: date) -> tuple[Interval, ...]:
        """The day's working time as UTC intervals (none, or one)."""
        found = self._days.get(day)
        if found is None:
            hours = self.hours(day)
            if hours is None:
                found = ()
            else:
                found = ((self._instant(day, hours.opens), self._instant(day, hours.closes)),)
            self._days[day] = found
        return found

    def whole_days(self, first: date, last: date) -> timedelta:
        """Working time of the whole local days ``first`` to ``last`` (inclusive)."""
        if last < first:
            return timedelta(0)
        return self._running_until(last + ONE_DAY) - self._running_until(first)

    def _running_until(self, day: date) -> timedelta:
        """Working time between the first day laid out here and ``day`` (exclusive)."""
        running = self._running
        found = running.get(day)
        if found is not None:
            return found
        if not running:
            running[day] = timedelta(0)
            return running[day]
        # The known days are consecutive: extend them to ``day``, one day at a time.
        low, high = min(running), max(running)
        while high < day:
            running[high + ONE_DAY] = running[high] + self._length(high)
            high += ONE_DAY
        while low > day:
            running[low - ONE_DAY] = running[low] - self._length(low - ONE_DAY)
            low -= ONE_DAY
        return running[day]

    def _length(self, day: date) -> timedelta:
        return sum((closes - opens for opens, closes in self.intervals(day)), timedelta(0))

    def _instant(self, day: date, minute: int) -> datetime:
        # Aware arithmetic in Python is wall-clock arithmetic: midnight plus 8 h
        # is 08:00 local time whatever the offset that day.
        local = datetime.combine(day, time(), tzinfo=self.tz) + timedelta(minutes=minute)
        return local.astimezone(UTC)

    def local_date(self, instant: datetime) -> date:
        return instant.astimezone(self.tz).date()

    def midnight(self, day: date) -> datetime:
        return datetime.combine(day, time(), tzinfo=self.tz).astimezone(UTC)


DEFAULT_CALENDAR = Calendar()


def _utc(instant: datetime, name: str) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")
    return instant.astimezone(UTC)


def add_working_time(
    start: datetime, delta: timedelta, calendar: Calendar | None = None
) -> datetime:
    """The instant when ``delta`` of working time has passed after ``start`` (UTC).

    ``delta`` zero gives ``start`` itself; a negative ``delta`` is an error.
    """
    cal = calendar or DEFAULT_CALENDAR
    at = _utc(start, "start")
    if delta < timedelta(0):
        raise ValueError("delta must not be negative")
    if not delta:
        return at
    remaining = delta
    day = cal.local_date(at)
    closed_stretch = 0
    while True:
        spans = cal.intervals(day)
        for opens, closes in spans:
            if closes <= at:
                continue
            begin = max(opens, at)
            available = closes - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
        closed_stretch = 0 if spans else closed_stretch + 1
        if closed_stretch > MAX_CLOSED_STRETCH_DAYS:
            raise ValueError("the calendar has no working time for more than a year")
        day += timedelta(days=1)


def working_time_between(
    start: datetime, end: datetime, calendar: Calendar | None = None
) -> timedelta:
    """Working time from ``start`` to ``end``; negative when ``end`` comes first."""
    cal = calendar or DEFAULT_CALENDAR
    a = _utc(start, "start")
    b = _utc(end, "end")
    if b < a:
        return -working_time_between(b, a, cal)
    first = cal.local_date(a)
    last = cal.local_date(b)
    # The first and last days in part; every day between them whole.
    total = cal.whole_days(first + ONE_DAY, last - ONE_DAY)
    for day in (first, last) if last > first else (first,):
        for opens, closes in cal.intervals(day):
            lo = max(opens, a)
            hi = min(closes, b)
            if hi > lo:
                total += hi - lo
    return total


def next_working_time(instant: datetime, calendar: Calendar | None = None) -> datetime:
    """``instant`` if the office is open then, otherwise the next opening (UTC)."""
    cal = calendar or DEFAULT_CALENDAR
    at = _utc(instant, "instant")
    day = cal.local_date(at)
    for _ in range(MAX_CLOSED_STRETCH_DAYS + 2):
        for opens, closes in cal.intervals(day):
            if at < closes:
                return max(opens, at)
        day += timedelta(days=1)
    raise ValueError("the calendar has no working time for more than a year")


def is_working_time(instant: datetime, calendar: Calendar | None = None) -> bool:
    """Is the office open at ``instant`` (opening inclusive, closing exclusive)?"""
    cal = calendar or DEFAULT_CALENDAR
    at = _utc(instant, "instant")
    return any(opens <= at < closes for opens, closes in cal.intervals(cal.local_date(at)))
