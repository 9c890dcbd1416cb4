"""Demo tickets in bulk: a year of Sjöstad's questions with their timelines.

`generate_tickets` lets a `TicketGenerator` plan and play each ticket and
writes the rows in batches (COPY on PostgreSQL, SQLAlchemy Core elsewhere),
with ids assigned here so events can point at their tickets without a round
trip. References are reserved a year's block at a time, so the counter stays
right for the tickets staff create afterwards. `first_contact` comes from the
real rule applied to each generated timeline.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text

from ..bulk import insert_rows
from ..core import lifecycle
from ..core.statistics import WORKING_DAY_MINUTES
from ..core.vocabulary import ARRIVAL_KINDS, BOOKKEEPING, GroupKind, Outcome, Status
from ..core.workingtime import working_time_between
from ..extensions import db
from ..tickets.models import Event, Ticket
from ..tickets.references import format_reference, reserve_block
from ..worktime.queries import current_calendar
from .generator import TicketGenerator
from .municipality import Municipality
from .sla import SlaPlanner
from .timeline import EventRow, TicketSim

BATCH = 5000  # tickets per INSERT, with their events


@dataclass
class SeedResult:
    tickets: int = 0
    events: int = 0
    open: int = 0
    withdrawn: int = 0
    first_contact: int = 0
    by_stage: Counter = field(default_factory=Counter)
    first_by_stage: Counter = field(default_factory=Counter)
    channels: Counter = field(default_factory=Counter)

    @property
    def resolved(self) -> int:
        return self.tickets - self.open

    @property
    def counted(self) -> int:
        """Resolved and not withdrawn: the base of the first-contact share."""
        return self.resolved - self.withdrawn

    @property
    def first_contact_share(self) -> float:
        return self.first_contact / self.counted if self.counted else 0.0


def _next_id(column) -> int:
    return (db.session.scalar(select(func.max(column))) or 0) + 1


def _reset_id_sequences() -> None:
    """PostgreSQL hands out ids from a sequence our explicit ids did not advance."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in ("tickets", "events"):
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            )
        )


# Share of the svarsgrupp's answered escalations it marks "kundtjänst could have answered".
COULD_HAVE_ANSWERED = 0.22


def generate_tickets(
    org: Municipality,
    count: int,
    rng: random.Random,
    now: datetime,
    progress: Callable[[int], None] | None = None,
    days: int = 365,
) -> SeedResult:
    """Insert ``count`` tickets with their timelines over the last ``days``; the caller commits."""
    calendar = current_calendar()
    gen = TicketGenerator(org, rng, now, calendar, days)
    arrivals = sorted(gen.arrivals.arrival() for _ in range(count))

    per_year = Counter(at.year for at, _ in arrivals)
    next_number = {year: reserve_block(year, n) for year, n in sorted(per_year.items())}

    ticket_id = _next_id(Ticket.id)
    event_id = _next_id(Event.id)
    result = SeedResult()
    to_utc = gen.calendar.to_utc
    planner = SlaPlanner(calendar, gen.now, to_utc)
    for start in range(0, count, BATCH):
        tickets: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        for created, channel in arrivals[start : start + BATCH]:
            sim, columns = gen.ticket(created, channel)
            number = next_number[created.year]
            next_number[created.year] += 1
            first = sim.first_contact()
            timeline, sla_columns = planner.apply(sim, columns["category_id"])
            row = _ticket_row(
                ticket_id, format_reference(created.year, number), sim, columns, first, to_utc
            )
            row.update(sla_columns)
            row.update(_statistics_columns(sim, row, planner.calendar, org, rng))
            timeline, row["version"] = _numbered(timeline)
            row["last_activity_at"] = to_utc(_last_activity(timeline))
            row["updated_at"] = to_utc(max(entry[1] for entry in timeline))  # its last change
            tickets.append(row)
            for kind, at, actor, group, body, data in timeline:
                events.append(
                    {
                        "id": event_id,
                        "ticket_id": ticket_id,
                        "kind": kind.value,
                        "created_at": to_utc(at),
                        "actor_id": actor,
                        "group_id": group,
                        "body": body,
                        "data": data,
                    }
                )
                event_id += 1
            ticket_id += 1
            _tally(result, sim, first)
        insert_rows(Ticket.__table__, tickets)
        insert_rows(Event.__table__, events)
        result.events += len(events)
        if progress:
            progress(len(tickets))
    _reset_id_sequences()
    return result


def _numbered(timeline: list[EventRow]) -> tuple[list[EventRow], int]:
    """Every later entry raised the ticket's version and keeps the version it made
    (`tickets.timeline.record`, and the SLA jobs' entries), so the ticket page's version
    check and its list of what changed since work on demo tickets as on real ones.
    Returns the timeline with the versions in the entries' data, and the last version."""
    version = 1
    numbered = []
    for kind, at, actor, group, body, data in timeline:
        if kind not in ARRIVAL_KINDS:
            version += 1
            data = {**data, "version": version}
        numbered.append((kind, at, actor, group, body, data))
    return numbered, version


def _last_activity(timeline: list[EventRow]) -> datetime:
    """When someone last did anything with the question (`tickets.timeline.record`:
    the system's own notes do not count)."""
    return max(at for kind, at, *_ in timeline if kind not in BOOKKEEPING)


def _ticket_row(
    ticket_id: int,
    reference: str,
    sim: TicketSim,
    columns: dict[str, Any],
    first: bool | None,
    to_utc: Callable[[datetime], datetime],
) -> dict[str, Any]:
    def utc(at: datetime | None) -> datetime | None:
        return to_utc(at) if at is not None else None

    return {
        "id": ticket_id,
        "reference": reference,
        **columns,
        "group_id": sim.group_id,
        "confidential": sim.secrecy.confidential,
        "secrecy_group_id": sim.secrecy.group,
        "resolved_by_id": sim.resolved_by,
        "claimed_by_id": sim.claimed_by,
        "status": sim.status.value,
        "priority": sim.priority,
        "created_at": utc(sim.created_at),
        "group_entered_at": utc(sim.group_entered_at),
        "first_response_at": utc(sim.first_response_at),
        "escalated_at": utc(sim.escalated_at),
        "resolved_at": utc(sim.resolved_at),
        "due_at": None,
        "outcome": sim.outcome.value if sim.outcome else None,
        "answered_by": sim.answered_by.value if sim.answered_by else None,
        "first_contact": first,
        "reopen_count": sim.reopen_count,
        "diarienummer": sim.diarienummer,
        "referred_to": sim.referred_to,
    }


def _statistics_columns(
    sim: TicketSim, row: dict[str, Any], calendar, org: Municipality, rng: random.Random
) -> dict[str, Any]:
    """What `tickets.services` records for the dashboard at creation and resolution."""
    columns: dict[str, Any] = {
        "received_group_id": sim.received_group_id,
        "resolved_group_id": sim.resolved_group_id,
        "answer_minutes": None,
        "answered_within_day": None,
        "could_have_answered": False,
        "could_reason_id": None,
    }
    if sim.status != Status.RESOLVED:
        return columns
    if row["first_response_at"] is not None:
        spent = working_time_between(row["created_at"], row["first_response_at"], calendar)
        minutes = max(0, int(spent.total_seconds() // 60))
        columns["answer_minutes"] = minutes
        columns["answered_within_day"] = minutes <= WORKING_DAY_MINUTES
    else:
        columns["answered_within_day"] = False
    # Some of a svarsgrupp's answers say kundtjänst could have answered; drawn only for
    # the resolutions whose word the learning loop keeps.
    if (
        sim.answered_by is not None
        and lifecycle.learning_kept(sim.answered_by, could_have_answered=True)
        and sim.outcome == Outcome.ANSWERED
        and org.reason_ids
        and rng.random() < COULD_HAVE_ANSWERED
    ):
        columns["could_have_answered"] = True
        columns["could_reason_id"] = rng.choice(org.reason_ids)
    return columns


def _tally(result: SeedResult, sim: TicketSim, first: bool | None) -> None:
    result.tickets += 1
    result.channels[sim.channel] += 1
    if sim.status != Status.RESOLVED:
        result.open += 1
        return
    if sim.outcome == Outcome.WITHDRAWN:
        result.withdrawn += 1
        return
    stage = sim.answered_by or GroupKind.FRONTLINE
    result.by_stage[stage] += 1
    if first:
        result.first_contact += 1
        result.first_by_stage[stage] += 1
