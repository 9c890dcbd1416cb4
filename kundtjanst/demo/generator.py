"""Demo tickets one by one: a contact drawn, its course planned, its steps played.

`TicketGenerator` draws every ticket from one `random.Random`, so a seed gives
the same tickets every time (for the same "now"). A ticket's contact comes from
`contact`, its course from `planning` as a list of steps — escalate, claim,
reply, resolve … with increasing times — and the steps that have happened by
"now" (or before the ticket was left lying, for the recent backlog) are played
here on a `TicketSim`, which keeps the ticket's fields and timeline in step
exactly as the real operations do.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from ..core.routing import first_match
from ..core.timeutil import STOCKHOLM
from ..core.vocabulary import Channel, GroupKind, Status
from ..core.workingtime import Calendar
from .arrivals import Arrivals
from .contact import new_contact
from .municipality import Municipality
from .officetime import OfficeCalendar
from .planning import Planner, Step
from .timeline import TicketSim

WAIT = timedelta(minutes=30)  # a pause in a timeline where a ticket can be left lying


def _left_lying(age_days: float, sim: TicketSim) -> float:
    """How likely a ticket this old is still waiting where it waits now.

    Kundtjänst works its inbox within a day or two; citizens take their time to
    answer; a svarsgrupp queue holds a few weeks of backlog.
    """
    if sim.status == Status.WAITING:
        limits = ((14, 0.6), (30, 0.25), (90, 0.02))
    elif sim.stage == GroupKind.FRONTLINE:
        limits = ((2, 0.6), (5, 0.2), (90, 0.004))
    else:
        limits = ((10, 0.85), (30, 0.55), (60, 0.2), (180, 0.03))
    for days, chance in limits:
        if age_days < days:
            return chance
    return 0.0


class TicketGenerator:
    """Draws, plans and plays tickets for one municipality, one random stream, one "now"."""

    def __init__(
        self,
        org: Municipality,
        rng: random.Random,
        now: datetime,
        calendar: Calendar,
        days: int = 365,
    ):
        self.org = org
        self.rng = rng
        self.now = now.astimezone(STOCKHOLM).replace(tzinfo=None, microsecond=0)
        self.start = self.now - timedelta(days=days)
        self.calendar = OfficeCalendar(calendar)
        self.arrivals = Arrivals(rng, self.calendar, self.start, self.now, org.category_ids)
        self.planner = Planner(org, rng, self.calendar)

    def ticket(self, created: datetime, channel: Channel) -> tuple[TicketSim, dict[str, Any]]:
        """Draw, plan and play one ticket; return its simulation and its other columns."""
        org = self.org
        topic_key = self.arrivals.topic(created.month)
        contact = new_contact(self.rng, org, created, channel, topic_key)
        rule = first_match(org.rules, contact.facts())
        sim = TicketSim(org, channel)
        sim.create(
            created,
            contact.created_by,
            rule,
            contact.priority,
            org.rule_names.get(rule.id, "") if rule else "",
            contact.category_id,
        )
        self._play(sim, created, self.planner.plan(contact, sim.group_id))
        return sim, contact.columns()

    def _play(self, sim: TicketSim, created: datetime, steps: list[Step]) -> None:
        """Play the steps that have happened: those before now, and before the ticket
        was left lying somewhere (the backlog of recent tickets)."""
        age = (self.now - created).total_seconds() / 86400
        before = created
        for at, op, kwargs in steps:
            if at > self.now:
                return
            if at - before > WAIT and self.rng.random() < _left_lying(age, sim):
                return
            getattr(sim, op)(at, **kwargs)
            before = at
