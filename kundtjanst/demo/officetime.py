"""Office time for the demo: when Sjöstad's kundtjänst is open, and UTC conversion.

Everything here works on naive Europe/Stockholm wall-clock times, which is
fast and monotonic as long as no time falls in the night hour a daylight-saving
change repeats or skips — the generator never puts anything between midnight
and six in the morning.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import holidays
from holidays.constants import DE_FACTO, PUBLIC

from ..core.timeutil import STOCKHOLM

OPENS = 8 * 60  # minutes after midnight
CLOSES = 16 * 60 + 30
MIDNIGHT = time()


class OfficeCalendar:
    """Working days (Monday–Friday minus Swedish holidays and the eves taken off)."""

    def __init__(self, first: date, last: date):
        years = range(first.year, last.year + 2)
        closed = holidays.Sweden(years=years, categories=(PUBLIC, DE_FACTO), include_sundays=False)
        self.closed = frozenset(closed)
        self._next: dict[date, date] = {}
        self._offsets: dict[date, timedelta] = {}

    def is_workday(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.closed

    def next_workday(self, day: date) -> date:
        """The first working day after ``day``."""
        found = self._next.get(day)
        if found is None:
            found = day + timedelta(days=1)
            while not self.is_workday(found):
                found += timedelta(days=1)
            self._next[day] = found
        return found

    def add_work(self, start: datetime, minutes: float) -> datetime:
        """``start`` plus ``minutes`` of office time (08:00–16:30 on working days)."""
        day = start.date()
        at = start.hour * 60 + start.minute + start.second / 60
        if not self.is_workday(day) or at >= CLOSES:
            day, at = self.next_workday(day), OPENS
        elif at < OPENS:
            at = OPENS
        while minutes > CLOSES - at:
            minutes -= CLOSES - at
            day, at = self.next_workday(day), OPENS
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
