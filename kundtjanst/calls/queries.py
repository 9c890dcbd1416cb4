"""Reading calls: the agent's call in progress with the caller's earlier questions
(secrecy respected through `permissions.ticket_scope`), and the caller log."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import joinedload

from ..core import phone
from ..core.timeutil import utcnow
from ..core.vocabulary import OPEN_STATUSES
from ..extensions import db
from ..forms import MAX_ID
from ..permissions import ticket_scope
from ..tickets.models import Ticket
from .models import Call, CallState

if TYPE_CHECKING:
    from datetime import datetime

    from ..auth.models import User

# An answered call whose end never came stops being "in progress" after this long;
# an ended call nobody logged stays on "Ny kontakt" this long, to be logged.
ANSWERED_FOR = timedelta(hours=8)
UNLOGGED_FOR = timedelta(minutes=30)
# The caller's earlier questions shown: the most recent, and any still open.
HISTORY = 10
OPEN_SHOWN = 5


def current(user: User, now: datetime | None = None) -> Call | None:
    """The agent's call in progress: answered and not yet both ended and logged."""
    now = now or utcnow()
    in_progress = and_(Call.state == CallState.ANSWERED, Call.answered_at >= now - ANSWERED_FOR)
    to_log = and_(
        Call.state == CallState.ENDED,
        Call.ticket_id.is_(None),
        Call.answered_at.is_not(None),
        Call.ended_at >= now - UNLOGGED_FOR,
    )
    return db.session.scalar(
        select(Call)
        .where(Call.agent_id == user.id, Call.anonymised_at.is_(None), or_(in_progress, to_log))
        .order_by(Call.answered_at.desc(), Call.id.desc())
        .limit(1)
    )


def own(user: User, call_id: int | str | None) -> Call | None:
    """One of the agent's own calls by our id (a form's or a URL's), or None."""
    try:
        number = int(call_id) if call_id not in (None, "") else None
    except (TypeError, ValueError):
        return None
    if number is None or not 0 < number <= MAX_ID:
        return None
    return db.session.scalar(select(Call).where(Call.id == number, Call.agent_id == user.id))


def loggable(user: User, call_id: int | str | None) -> Call | None:
    """The agent's own call, answered and not yet logged on a ticket."""
    call = own(user, call_id)
    if call is None or call.ticket_id is not None or call.answered_at is None:
        return None
    return call


def history(user: User, number_e164: str | None) -> list[Ticket]:
    """The caller's questions ``user`` may read, newest first: the latest `HISTORY`
    and any still open. A confidential one the user may not read is not listed (that
    a number has a question with, say, social services is itself a secret)."""
    if not number_e164:
        return []
    mine = select(Ticket).where(Ticket.citizen_phone_e164 == number_e164, ticket_scope(user))
    mine = mine.options(joinedload(Ticket.group), joinedload(Ticket.category))
    newest = Ticket.created_at.desc(), Ticket.id.desc()
    recent = list(db.session.scalars(mine.order_by(*newest).limit(HISTORY)))
    still_open = db.session.scalars(
        mine.where(Ticket.status.in_(OPEN_STATUSES)).order_by(*newest).limit(OPEN_SHOWN)
    )
    shown = {t.id for t in recent}
    found = recent + [t for t in still_open if t.id not in shown]
    return sorted(found, key=lambda t: (t.created_at, t.id), reverse=True)


@dataclass
class Panel:
    """What "Samtal pågår" shows."""

    call: Call
    number: str  # as people write it; empty when withheld
    tickets: list[Ticket] = field(default_factory=list)

    @property
    def withheld(self) -> bool:
        return not self.call.number_e164

    @property
    def open_tickets(self) -> list[Ticket]:
        return [t for t in self.tickets if t.is_open]

    @property
    def logged(self) -> Ticket | None:
        return self.call.ticket


def panel(user: User, call: Call | None) -> Panel | None:
    if call is None:
        return None
    return Panel(call, phone.display(call.number_e164), history(user, call.number_e164))


def log(agent_id: int) -> Select:
    """An agent's calls, newest first, with the ticket logged for each."""
    return (
        select(Call)
        .where(Call.agent_id == agent_id)
        .options(joinedload(Call.ticket))
        .order_by(Call.created_at.desc(), Call.id.desc())
    )
