"""What every figure on the dashboard means, as plain data and pure functions.

No database, no Flask. The counters are additive: the figures for a period
are the sum of the counters of its days, whether those come from the daily
statistics rows or straight from the tickets.

A ticket contributes to the day it was **received** (created) and to the day
it was **resolved**; days are Stockholm calendar days. Shares are over tickets
resolved in the period, withdrawn (avskrivna) tickets excluded:

* first contact          = answered at first contact / resolved
* … by kundtjänst        = first contact and resolved by kundtjänst / resolved
* … by svarsgrupp        = first contact and resolved by a svarsgrupp / resolved
  (the two parts add up to the first-contact share)
* within en väg in       = answered or referred (at any contact) / resolved
* forwarded              = forwarded to a formal case / resolved
* referred               = referred to another authority / resolved
* e-mail within one working day
                         = e-mail and web-form questions whose first answer came
                           within one working day of office hours / e-mail and
                           web-form questions resolved
* could kundtjänst have answered
                         = marked so by the svarsgrupp / resolved by a svarsgrupp
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date, timedelta

# --- counters -----------------------------------------------------------------


@dataclass
class Counters:
    """Additive counts for one slice (a day, a channel, a group, …)."""

    received: int = 0  # created
    resolved: int = 0  # resolved, withdrawn excluded
    withdrawn: int = 0
    first_contact: int = 0
    first_contact_frontline: int = 0
    first_contact_answer: int = 0
    answered: int = 0
    referred: int = 0
    forwarded: int = 0
    resolved_frontline: int = 0
    resolved_answer: int = 0
    async_resolved: int = 0  # e-mail and web form
    async_within_day: int = 0
    sla_breached: int = 0
    could_have_answered: int = 0
    reopened: int = 0

    def add(self, other: Counters) -> None:
        # The dashboard adds thousands of these per view: plain dict access, no fields().
        mine, theirs = self.__dict__, other.__dict__
        for name in COUNTER_NAMES:
            mine[name] += theirs[name]

    @classmethod
    def total(cls, parts: Iterable[Counters]) -> Counters:
        result = cls()
        for part in parts:
            result.add(part)
        return result

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


COUNTER_NAMES = Counters.names()


@dataclass(frozen=True)
class Share:
    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    def as_dict(self) -> dict:
        return {"numerator": self.numerator, "denominator": self.denominator, "share": self.value}


def first_contact_share(c: Counters) -> Share:
    """The headline figure: answered at first contact, of the resolved (not withdrawn)."""
    return Share(c.first_contact, c.resolved)


def shares(c: Counters) -> dict[str, Share]:
    """The headline shares of a set of counters."""
    return {
        "first_contact": first_contact_share(c),
        "first_contact_by_kundtjanst": Share(c.first_contact_frontline, c.resolved),
        "first_contact_by_svarsgrupp": Share(c.first_contact_answer, c.resolved),
        "within_en_vag_in": Share(c.answered + c.referred, c.resolved),
        "forwarded": Share(c.forwarded, c.resolved),
        "referred": Share(c.referred, c.resolved),
        "email_within_one_working_day": Share(c.async_within_day, c.async_resolved),
        "could_have_answered": Share(c.could_have_answered, c.resolved_answer),
    }


# --- time to answer ------------------------------------------------------------

# Working minutes to the first answer are kept at this resolution: every five
# minutes up to a working day, every half hour up to five working days, whole
# working days beyond. Medians read "1 h 25 min", not "1 h 23 min 10 s".
WORKING_DAY_MINUTES = 510  # 08:00–16:30


def answer_time_bucket(minutes: int) -> int:
    """Round working minutes up to the resolution figures are reported in."""
    if minutes <= 0:
        return 0
    if minutes <= WORKING_DAY_MINUTES:
        return math.ceil(minutes / 5) * 5
    if minutes <= 5 * WORKING_DAY_MINUTES:
        return math.ceil(minutes / 30) * 30
    return math.ceil(minutes / WORKING_DAY_MINUTES) * WORKING_DAY_MINUTES


def percentile(histogram: Mapping[int, int], fraction: float) -> int | None:
    """The smallest value with at least ``fraction`` of the observations at or
    below it (the discrete percentile, like SQL's percentile_disc)."""
    total = sum(histogram.values())
    if total == 0:
        return None
    rank = math.ceil(fraction * total)
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= max(rank, 1):
            return value
    return max(histogram)


# --- backlog ---------------------------------------------------------------------

# Open tickets by days (of 24 hours) since they arrived: key, from, up to (not including).
AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("lt1", 0, 1),
    ("1to3", 1, 3),
    ("3to7", 3, 7),
    ("7to30", 7, 30),
    ("gt30", 30, None),
)


# --- periods -----------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    first: date
    last: date  # inclusive

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def each_day(self) -> Iterable[date]:
        day = self.first
        while day <= self.last:
            yield day
            day += timedelta(days=1)


def runs(days: Iterable[date]) -> list[tuple[date, date]]:
    """Consecutive days as (first, last) stretches, so each is counted in one pass."""
    out: list[tuple[date, date]] = []
    for day in sorted(set(days)):
        if out and out[-1][1] + timedelta(days=1) == day:
            out[-1] = (out[-1][0], day)
        else:
            out.append((day, day))
    return out


Stretch = tuple[date, date]


def whole_months(first: date, last: date) -> tuple[Stretch | None, list[Stretch]]:
    """Split the days ``first`` to ``last`` into the calendar months wholly inside
    them — (first day of the first such month, first day of the last), or None —
    and the stretches of days before and after those months."""
    start = first if first.day == 1 else next_month(first)
    end = next_month(last)
    if last + timedelta(days=1) != end:  # ``last`` is not a month's last day
        end = last.replace(day=1)
    if start >= end:
        return None, [(first, last)]
    months = (start, _previous_month(end))
    edges = [(first, start - timedelta(days=1))] if first < start else []
    if end <= last:
        edges.append((end, last))
    return months, edges


def next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _previous_month(month: date) -> date:
    return (month - timedelta(days=1)).replace(day=1)


PRESETS = ("today", "week", "month", "last_month", "year", "last_12_months")


def preset_period(name: str, today: date) -> Period:
    """The named period, in Stockholm dates, up to and including today."""
    if name == "today":
        return Period(today, today)
    if name == "week":
        return Period(today - timedelta(days=today.weekday()), today)
    if name == "month":
        return Period(today.replace(day=1), today)
    if name == "last_month":
        last = today.replace(day=1) - timedelta(days=1)
        return Period(last.replace(day=1), last)
    if name == "year":
        return Period(today.replace(month=1, day=1), today)
    if name == "last_12_months":
        start = (
            today.replace(year=today.year - 1) + timedelta(days=1)
            if not (today.month == 2 and today.day == 29)
            else date(today.year - 1, 3, 1)
        )
        return Period(start, today)
    raise ValueError(name)


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-V{week:02d}"
