"""SLA clocks, one per stage, counted in working time.

A ticket's life has stages: kundtjänst's time before the hand-off, then the
svarsgrupp's time after it (again after a transfer, and again after a reopen).
Each stage has its own target in working hours:

* in kundtjänst: the subject area's ``sla_hours``;
* in a svarsgrupp: the subject area's ``answer_sla_hours``;
* a group's own ``sla_hours``, when set, wins over both;
* without a subject area: 16 and 24 working hours.

When a stage starts, ``due_at`` is set to its start plus the target in working
time; when it ends (hand-off, transfer, resolution) the working time it took is
added to ``frontline_seconds`` or ``answer_seconds``, so neither line is blamed
for the other's minutes. A stage that ran past its due time counts once in
``sla_breach_count`` — recorded by the SLA watch while the ticket is open, or
here at the stage's end if the watch had not seen it yet.

`mark_breach` and `alert_unclaimed` are what the scheduled SLA jobs (`tickets.jobs`)
do to one ticket: each records its timeline entry once per stage.

The clock runs while a ticket waits for the citizen: the group still holds it
and may close it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ..core.timeutil import utcnow
from ..core.vocabulary import EventKind
from ..core.workingtime import Calendar, add_working_time, working_time_between
from ..worktime.queries import current_calendar
from .timeline import record

if TYPE_CHECKING:
    from ..org.models import Category, Group
    from .models import Ticket

DEFAULT_FRONTLINE_HOURS = 16
DEFAULT_ANSWER_HOURS = 24


def target_hours(group: Group, category: Category | None) -> int:
    """The working hours a stage in ``group`` has, for a question about ``category``."""
    if group.sla_hours:
        return group.sla_hours
    if group.is_frontline:
        return category.sla_hours if category else DEFAULT_FRONTLINE_HOURS
    return category.answer_sla_hours if category else DEFAULT_ANSWER_HOURS


def due_time(start: datetime, hours: int, calendar: Calendar | None = None) -> datetime:
    return add_working_time(start, timedelta(hours=hours), calendar or current_calendar())


def start_stage(ticket: Ticket, now: datetime, calendar: Calendar | None = None) -> None:
    """The ticket has entered its (current) group, or was reopened there: start the clock."""
    ticket.stage_started_at = now
    ticket.due_at = due_time(now, target_hours(ticket.group, ticket.category), calendar)
    ticket.sla_breached_at = None
    ticket.unclaimed_alerted_at = None


def end_stage(ticket: Ticket, now: datetime, calendar: Calendar | None = None) -> None:
    """The ticket leaves its group's hands (hand-off, transfer, resolution): stop the clock."""
    if ticket.stage_started_at is None:
        return
    spent = working_time_between(ticket.stage_started_at, now, calendar or current_calendar())
    seconds = max(int(spent.total_seconds()), 0)
    if ticket.group.is_frontline:
        ticket.frontline_seconds = (ticket.frontline_seconds or 0) + seconds
    else:
        ticket.answer_seconds = (ticket.answer_seconds or 0) + seconds
    if ticket.due_at is not None and now > ticket.due_at and ticket.sla_breached_at is None:
        ticket.sla_breach_count = (ticket.sla_breach_count or 0) + 1
    ticket.stage_started_at = None


@dataclass(frozen=True)
class Clock:
    """What a listing shows: working time left (negative: overdue by that much)."""

    left: timedelta
    overdue: bool

    @property
    def hours(self) -> int:
        return int(abs(self.left).total_seconds()) // 3600

    @property
    def minutes(self) -> int:
        return int(abs(self.left).total_seconds()) % 3600 // 60


def clock(
    ticket: Ticket, now: datetime | None = None, calendar: Calendar | None = None
) -> Clock | None:
    """The ticket's SLA clock now, or None for a closed ticket or one without a due time."""
    if ticket.due_at is None or not ticket.is_open:
        return None
    now = now or utcnow()
    cal = calendar or current_calendar()
    if now > ticket.due_at:
        return Clock(-working_time_between(ticket.due_at, now, cal), True)
    return Clock(working_time_between(now, ticket.due_at, cal), False)


def mark_breach(ticket: Ticket, now: datetime) -> bool:
    """The ticket's current stage has passed its due time while it is open (waiting
    for the citizen included: the group holds it): record that once per stage, on
    the timeline and in ``sla_breach_count``. False when there is nothing to record."""
    if not ticket.is_open or ticket.due_at is None or ticket.due_at >= now:
        return False
    if ticket.sla_breached_at is not None:
        return False
    ticket.sla_breached_at = now
    ticket.sla_breach_count = (ticket.sla_breach_count or 0) + 1
    record(
        ticket,
        EventKind.SLA_BREACHED,
        group=ticket.group,
        at=now,
        stage=ticket.group.kind.value,
        due_at=ticket.due_at.isoformat(),
    )
    return True


def alert_unclaimed(ticket: Ticket, now: datetime, calendar: Calendar | None = None) -> bool:
    """The ticket has lain unclaimed in its svarsgrupp's queue for the group's alert
    time (working hours since it entered the group): record the alert once per stage.
    False when it is not due, or already alerted, or the group sets no alert time."""
    hours = ticket.group.unclaimed_alert_hours
    if hours is None or ticket.group.is_frontline or not ticket.claimable:
        return False
    if ticket.unclaimed_alerted_at is not None or ticket.stage_started_at is None:
        return False
    waited = working_time_between(ticket.stage_started_at, now, calendar or current_calendar())
    if waited < timedelta(hours=hours):
        return False
    ticket.unclaimed_alerted_at = now
    record(ticket, EventKind.UNCLAIMED_ALERT, group=ticket.group, at=now, hours=hours)
    return True
