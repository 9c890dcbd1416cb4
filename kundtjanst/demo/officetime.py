"""Office time for the demo: the generator's fast path over `core.workingtime`.

Which days the office is closed and what its hours are come from the
`core.workingtime.Calendar` in force, the one the seed's SLA clocks use too (as
long as nobody changed it: Monday–Friday 08:00–16:30, closed on Swedish holidays
and the eves taken off). `OfficeCalendar` only does the arithmetic faster, on
naive Europe/Stockholm wall-clock times, with each day's hours looked up once.
That is fast and monotonic as long as no time falls in the night hour a
daylight-saving change repeats or skips — the generator never puts anything
between midnight and six in the morning.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from ..core.timeutil import STOCKHOLM
from ..core.workingtime import ONE_DAY, Calendar, Hours

MIDNIGHT = time()


class OfficeCalendar:
    """Working days and office hours of a `Calendar`, remembered day by day."""

    def __init__(self, calendar: Calendar):
        self.calendar = calendar
        self._hours: dict[date, Hours | None] = {}
        self._next: dict[date, tuple[date, Hours]] = {}
        self._offsets: dict[date, timedelta] = {}

    def hours(self, day: date) -> Hours | None:
        """The day's office hours, or None when the office is closed."""
        if day in self._hours:
            return self._hours[day]
        found = self._hours[day] = self.calendar.hours(day)
        return found

    def is_workday(self, day: date) -> bool:
        return self.hours(day) is not None

    def _next_workday(self, day: date) -> tuple[date, Hours]:
        """The first working day after ``day``, and its hours."""
        found = self._next.get(day)
        if found is None:
            following = day + ONE_DAY
            while (hours := self.hours(following)) is None:
                following += ONE_DAY
            found = self._next[day] = (following, hours)
        return found

    def add_work(self, start: datetime, minutes: float) -> datetime:
        """``start`` plus ``minutes`` of office time."""
        day = start.date()
        at = start.hour * 60 + start.minute + start.second / 60
        hours = self.hours(day)
        if hours is None or at >= hours.closes:
            day, hours = self._next_workday(day)
            at = hours.opens
        elif at < hours.opens:
            at = hours.opens
        while minutes > hours.closes - at:
            minutes -= hours.closes - at
            day, hours = self._next_workday(day)
            at = hours.opens
        seconds = round((at + minutes) * 60)
        return datetime.combine(day, MIDNIGHT) + timedelta(seconds=seconds)

    def to_utc(self, local: datetime) -> datetime:
        """A naive Stockholm time as an aware UTC datetime."""
        day = local.date()
        offset = self._offsets.get(day)
        if offset is None:
            noon = datetime.combine(day, time(12), tzinfo=STOCKHOLM)
            offset = self._offsets[day] = noon.utcoffset() or timedelta(0)
        return (local - offset).replace(tzinfo=UTC)


def awake(at: datetime) -> datetime:
    """Move a citizen's message out of the night: nobody writes between 22 and 7 here."""
    if at.hour < 7:
        return at.replace(hour=7 + at.hour % 3)
    if at.hour >= 22:
        return at + timedelta(hours=10)
    return at
