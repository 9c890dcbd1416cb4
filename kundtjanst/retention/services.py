"""Retention (gallring): anonymise citizens' personal data on old tickets.

A ticket resolved longer ago than its subject area's retention time (default
24 months; tickets without a subject area keep 24 months) loses everything
that can identify the citizen: name, e-mail and phone are emptied, the status
link stops working, and the free text — subject, description, the "could
kundtjänst have answered" note and every timeline entry's body — is replaced by
the marker ``[gallrad]``. Everything the statistics read stays: channel,
subject area, groups, times, outcome, first contact, SLA clocks.

The timeline is append-only for the application (the ORM refuses to update an
`Event`); retention is the one deliberate exception and works with bulk UPDATE
statements, which that guard does not see. Each run that changes anything, and
each run of the nightly job, leaves a ``retention.run`` entry in the audit log
with the counts.
"""

from __future__ import annotations

import calendar as month_calendar
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import and_, case, func, select, update

from ..audit import services as audit
from ..core.timeutil import STOCKHOLM
from ..core.vocabulary import Status
from ..extensions import db
from ..org.models import Category
from ..tickets.models import Event, Ticket

MARKER = "[gallrad]"
DEFAULT_MONTHS = 24


def months_before(instant: datetime, months: int) -> datetime:
    """The same Stockholm wall-clock time ``months`` calendar months earlier (the day
    clamped to the month's length: 31 March − 1 month = 28/29 February)."""
    local = instant.astimezone(STOCKHOLM)
    index = local.year * 12 + local.month - 1 - months
    year, month = divmod(index, 12)
    day = min(local.day, month_calendar.monthrange(year, month + 1)[1])
    return local.replace(year=year, month=month + 1, day=day).astimezone(UTC)


@dataclass(frozen=True)
class CategoryCount:
    name: str | None  # None: tickets without a subject area
    months: int
    cutoff: datetime
    tickets: int
    events: int


@dataclass
class RetentionResult:
    dry_run: bool
    categories: list[CategoryCount] = field(default_factory=list)

    @property
    def tickets(self) -> int:
        return sum(c.tickets for c in self.categories)

    @property
    def events(self) -> int:
        return sum(c.events for c in self.categories)


def _expired(category_id: int | None, cutoff: datetime):
    return and_(
        Ticket.status == Status.RESOLVED,
        Ticket.anonymised_at.is_(None),
        Ticket.resolved_at < cutoff,
        Ticket.category_id.is_(None) if category_id is None else Ticket.category_id == category_id,
    )


def anonymise_expired(
    now: datetime, *, dry_run: bool = False, user_id: int | None = None
) -> RetentionResult:
    """Anonymise (or, with ``dry_run``, count) the expired tickets; flushes, does not commit."""
    result = RetentionResult(dry_run=dry_run)
    rows = db.session.execute(
        select(Category.id, Category.name, Category.retention_months).order_by(Category.name)
    ).all()
    for category_id, name, months in [*rows, (None, None, DEFAULT_MONTHS)]:
        cutoff = months_before(now, months)
        expired = _expired(category_id, cutoff)
        ticket_ids = select(Ticket.id).where(expired)
        tickets = db.session.scalar(select(func.count()).select_from(ticket_ids.subquery()))
        if not tickets:
            continue
        texts = Event.body.is_not(None), Event.ticket_id.in_(ticket_ids)
        events = db.session.scalar(select(func.count(Event.id)).where(*texts))
        result.categories.append(CategoryCount(name, months, cutoff, tickets, events))
        if dry_run:
            continue
        # The one place the timeline is rewritten: deliberate, in bulk, logged.
        db.session.execute(
            update(Event).where(*texts).values(body=MARKER),
            execution_options={"synchronize_session": False},
        )
        db.session.execute(
            update(Ticket)
            .where(expired)
            .values(
                citizen_name=None,
                citizen_email=None,
                citizen_phone=None,
                status_token_hash=None,
                subject=MARKER,
                description=case((Ticket.description == "", ""), else_=MARKER),
                could_note=case((Ticket.could_note.is_(None), None), else_=MARKER),
                anonymised_at=now,
                version=Ticket.version + 1,
            ),
            execution_options={"synchronize_session": False},
        )
    if not dry_run:
        audit.record(
            "retention.run",
            user_id=user_id,
            tickets=result.tickets,
            events=result.events,
            categories={c.name or "-": c.tickets for c in result.categories},
        )
    db.session.flush()
    return result
