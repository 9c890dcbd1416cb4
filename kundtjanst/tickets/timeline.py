"""A ticket's timeline: appending an entry, and reading it back for the rules.

Every entry but those made as the ticket arrives is a change to the ticket, so it
raises the ticket's version (`touch`): the basis of "no lost updates" (see
`conflicts`). The services, and through them the jobs, add entries only here.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from ..core.firstcontact import Entry
from ..core.timeutil import utcnow
from ..core.vocabulary import ARRIVAL_KINDS, BOOKKEEPING, EventKind
from ..extensions import db
from .models import Event, Ticket
from .signals import event_recorded

if TYPE_CHECKING:
    from ..auth.models import User
    from ..org.models import Group


def record(
    ticket: Ticket,
    kind: EventKind,
    actor: User | None = None,
    *,
    body: str | None = None,
    group: Group | None = None,
    at: datetime | None = None,
    **data: Any,
) -> Event:
    """Append one entry to the ticket's timeline.

    Every entry but those made as the ticket arrives is a change to the ticket: its
    version goes up, and the entry keeps the version it made (``data["version"]``),
    so a form filled in on an older version is refused and shown what came since.
    """
    if ticket.id is None:
        db.session.flush()
    if kind not in ARRIVAL_KINDS:
        touch(ticket)
        data["version"] = ticket.version
    entry = Event(
        ticket_id=ticket.id,
        kind=kind,
        actor_id=actor.id if actor else None,
        group_id=group.id if group else None,
        body=body,
        data={k: v for k, v in data.items() if v is not None},
        created_at=at or utcnow(),
    )
    db.session.add(entry)
    if kind not in BOOKKEEPING:  # the system's own notes are no activity on the question
        ticket.last_activity_at = entry.created_at
    event_recorded.send(ticket, event=entry)
    return entry


def touch(ticket: Ticket) -> None:
    """Count a change to the ticket, also one that only adds to its timeline.

    The ORM raises ``version`` by itself only when a column of the row changes; a
    note or a citizen's message inserts an event and would leave it as it was. The
    UPDATE this causes checks the version the ticket was loaded with (the mapper's
    ``version_id_col``), so a simultaneous change is never overwritten silently.
    """
    ticket.version = (ticket.version or 1) + 1


def timeline_entries(ticket: Ticket) -> list[Entry]:
    db.session.flush()
    rows = db.session.execute(
        select(Event.kind, Event.data).where(Event.ticket_id == ticket.id).order_by(Event.id)
    )
    return [Entry(kind=kind, data=data or {}) for kind, data in rows]
