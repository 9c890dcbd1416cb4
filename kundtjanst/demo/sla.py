"""SLA clocks for demo tickets, as `tickets.sla` and the scheduled jobs would have left them.

The generator plays a ticket's life on a `TicketSim`; `SlaPlanner` walks the
finished timeline once, stage by stage, with the real working-time functions:

* a stage starts on arrival, on entering a group and on reopening, and ends on
  leaving the group or on resolution; its due time is its start plus the stage's
  target in working hours, and its working time goes to ``frontline_seconds``
  or ``answer_seconds``;
* a stage still running at its due time is a breach: the SLA watch would have
  put an ``sla_breached`` entry on the timeline then;
* an escalation lying unclaimed in its svarsgrupp's queue past the group's
  alert time gets the ``unclaimed_alert`` entry the alert job would have added.

Times are naive Europe/Stockholm wall-clock times, as in `TicketSim`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from ..core.timeutil import STOCKHOLM
from ..core.vocabulary import EventKind, GroupKind
from ..core.workingtime import Calendar, add_working_time, working_time_between
from ..extensions import db
from ..org.models import Category, Group
from ..tickets.sla import DEFAULT_ANSWER_HOURS, DEFAULT_FRONTLINE_HOURS
from .timeline import EventRow, TicketSim

_LEAVES = (EventKind.ESCALATED, EventKind.TRANSFERRED, EventKind.RESOLVED)


class SlaPlanner:
    """Targets and alert times read once from the database, then applied per ticket."""

    def __init__(
        self, calendar: Calendar, now: datetime, to_utc: Callable[[datetime], datetime]
    ) -> None:
        self.calendar = calendar
        self.now = now
        self.to_utc = to_utc
        self.frontline_id: int | None = None
        self.group_hours: dict[int, int | None] = {}
        self.alert_hours: dict[int, int | None] = {}
        for group in db.session.scalars(select(Group)):
            if group.is_frontline:
                self.frontline_id = group.id
            self.group_hours[group.id] = group.sla_hours
            self.alert_hours[group.id] = None if group.is_frontline else group.unclaimed_alert_hours
        self.category_hours = {
            c.id: (c.sla_hours, c.answer_sla_hours) for c in db.session.scalars(select(Category))
        }

    def after(self, start: datetime, hours: int) -> datetime:
        """``start`` plus working hours, both naive Stockholm times."""
        due = add_working_time(self.to_utc(start), timedelta(hours=hours), self.calendar)
        return due.astimezone(STOCKHOLM).replace(tzinfo=None)

    def target(self, group: int, category: int | None) -> int:
        if self.group_hours.get(group):
            return self.group_hours[group]
        frontline_h, answer_h = self.category_hours.get(
            category, (DEFAULT_FRONTLINE_HOURS, DEFAULT_ANSWER_HOURS)
        )
        return frontline_h if group == self.frontline_id else answer_h

    def apply(self, sim: TicketSim, category: int | None) -> tuple[list[EventRow], dict[str, Any]]:
        """The timeline with the SLA entries merged in, and the ticket's SLA columns."""
        routed = next((row[3] for row in sim.events if row[0] == EventKind.ROUTED), None)
        plan = _Stages(self, category, routed or sim.frontline_id)
        plan.begin(sim.created_at)
        extra: list[EventRow] = []
        for kind, at, _actor, group, _body, _data in sim.events:
            if kind in _LEAVES:
                extra += plan.close(at)
                if kind != EventKind.RESOLVED:
                    plan.group = group
                    plan.claimed = False
                    plan.begin(at)
            elif kind == EventKind.REOPENED:
                plan.begin(at)
            elif kind == EventKind.CLAIMED:
                extra += plan.claim(at)
            elif kind == EventKind.RELEASED:
                plan.claimed = False
                plan.unclaimed_since = at
        if plan.start is not None:
            extra += plan.running(self.now)
        if not extra:
            return sim.events, plan.columns()
        # SLA entries come after the staff's entries of the same instant.
        rows = [(row[1], 0, i, row) for i, row in enumerate(sim.events)]
        rows += [(row[1], 1, i, row) for i, row in enumerate(extra)]
        return [row for *_, row in sorted(rows, key=lambda r: r[:3])], plan.columns()


class _Stages:
    """One ticket's stages, walked in time order."""

    def __init__(self, planner: SlaPlanner, category: int | None, group: int) -> None:
        self.p = planner
        self.category = category
        self.group = group
        self.claimed = False
        self.start: datetime | None = None
        self.due: datetime | None = None
        self.alert_at: datetime | None = None
        self.unclaimed_since: datetime | None = None
        self.breached_at: datetime | None = None
        self.alerted_at: datetime | None = None
        self.frontline = 0
        self.answer = 0
        self.breaches = 0

    def begin(self, at: datetime) -> None:
        self.start = at
        self.due = self.p.after(at, self.p.target(self.group, self.category))
        hours = self.p.alert_hours.get(self.group)
        self.alert_at = self.p.after(at, hours) if hours else None
        self.unclaimed_since = None if self.claimed else at
        self.breached_at = None
        self.alerted_at = None

    def _alert_before(self, until: datetime) -> list[EventRow]:
        """The alert, if the ticket lay unclaimed past the alert time before ``until``."""
        if self.alert_at is None or self.alerted_at or self.unclaimed_since is None:
            return []
        at = max(self.alert_at, self.unclaimed_since)
        if at >= until:
            return []
        self.alerted_at = at
        hours = self.p.alert_hours[self.group]
        return [(EventKind.UNCLAIMED_ALERT, at, None, self.group, None, {"hours": hours})]

    def _breach_before(self, until: datetime) -> list[EventRow]:
        if self.due is None or self.breached_at or self.due >= until:
            return []
        self.breached_at = self.due
        self.breaches += 1
        stage = GroupKind.FRONTLINE if self.group == self.p.frontline_id else GroupKind.ANSWER
        data = {"stage": stage.value, "due_at": self.p.to_utc(self.due).isoformat()}
        return [(EventKind.SLA_BREACHED, self.due, None, self.group, None, data)]

    def claim(self, at: datetime) -> list[EventRow]:
        found = self._alert_before(at)
        self.claimed = True
        self.unclaimed_since = None
        return found

    def close(self, at: datetime) -> list[EventRow]:
        found = self._alert_before(at) + self._breach_before(at)
        start, end = self.p.to_utc(self.start), self.p.to_utc(at)
        seconds = int(working_time_between(start, end, self.p.calendar).total_seconds())
        if self.group == self.p.frontline_id:
            self.frontline += seconds
        else:
            self.answer += seconds
        self.start = None
        self.unclaimed_since = None
        return found

    def running(self, now: datetime) -> list[EventRow]:
        """The current stage, still open now."""
        return self._alert_before(now) + self._breach_before(now)

    def columns(self) -> dict[str, Any]:
        def utc(at: datetime | None) -> datetime | None:
            return self.p.to_utc(at) if at is not None else None

        running = self.start is not None
        return {
            "due_at": utc(self.due),
            "stage_started_at": utc(self.start),
            "frontline_seconds": self.frontline,
            "answer_seconds": self.answer,
            "sla_breached_at": utc(self.breached_at) if running else None,
            "sla_breach_count": self.breaches,
            "unclaimed_alerted_at": utc(self.alerted_at) if running else None,
        }
