"""Call events from the phone system, a call logged on a ticket, and retention.

`receive` takes one event — ``ringing``, ``answered`` (with the agent's e-mail) or
``ended`` — for the phone system's call id. It is idempotent (the same event twice
changes nothing) and tolerant of order: an ``answered`` or ``ended`` that arrives
without an earlier ``ringing`` creates the call, a late ``ringing`` only fills in its
time, and a call never goes back from ended. Each function flushes, none commits.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import and_, func, select, update
from sqlalchemy.exc import IntegrityError

from ..auth.models import User
from ..core import phone
from ..core.timeutil import utcnow
from ..extensions import db
from ..lazytext import lazy_gettext as _l
from ..tickets.models import Ticket
from .errors import CallError
from .models import DEFAULT_SOURCE, ORDER, Call, CallState

KINDS = tuple(state.value for state in ORDER)

# The phone system's id: printable ASCII without spaces, as ids are.
CALL_ID = re.compile(r"^[\x21-\x7e]{1,100}$")
SOURCE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,39}$")
# A number as sent: some room for separators, never more.
MAX_NUMBER_TEXT = 64
EMAIL_MAX = 254
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def receive(
    kind: str,
    *,
    call_id: str,
    number: str | None = None,
    agent_email: str | None = None,
    at: datetime | None = None,
    source: str = DEFAULT_SOURCE,
) -> Call:
    """Take one event from the phone system; raises `CallError` (nothing stored) when
    the event cannot be taken. ``at`` is when it happened (default: now)."""
    state = _kind(kind)
    source = _source(source)
    call_id = _call_id(call_id)
    number_e164 = _number(number)
    when = _time(at)
    agent = _agent(agent_email) if state == CallState.ANSWERED else None

    call = _find(source, call_id) or _create(source, call_id, state, number_e164)
    if number_e164 and call.number_e164 is None and call.anonymised_at is None:
        call.number_e164 = number_e164
    if state == CallState.RINGING and call.ringing_at is None:
        call.ringing_at = when
    elif state == CallState.ANSWERED:
        if call.answered_at is None:
            call.answered_at = when
        if call.state != CallState.ENDED or call.agent_id is None:
            call.agent = agent  # answered, or passed on to a colleague while it goes on
    elif state == CallState.ENDED:
        if call.ended_at is None:
            call.ended_at = when
        if call.ticket is not None and call.ticket.call_ended_at is None:
            call.ticket.call_ended_at = call.ended_at
    if ORDER.index(state) > ORDER.index(call.state):
        call.state = state
    db.session.flush()
    return call


def _find(source: str, call_id: str) -> Call | None:
    return db.session.scalar(select(Call).where(Call.source == source, Call.call_id == call_id))


def _create(source: str, call_id: str, state: CallState, number_e164: str | None) -> Call:
    """A new call; when the same call's first event is being stored at the same moment
    by another request, that one's row."""
    call = Call(source=source, call_id=call_id, state=state, number_e164=number_e164)
    try:
        with db.session.begin_nested():
            db.session.add(call)
            db.session.flush()
    except IntegrityError:
        found = _find(source, call_id)
        if found is None:
            raise
        return found
    return call


def _kind(kind) -> CallState:
    if not isinstance(kind, str) or kind not in KINDS:
        raise CallError(
            str(_l("The event must be one of: ringing, answered, ended.")), field="kind"
        )
    return CallState(kind)


def _source(source) -> str:
    if not isinstance(source, str) or not SOURCE.match(source):
        raise CallError(str(_l("Unknown phone system.")), field="source")
    return source


def _call_id(call_id) -> str:
    if not isinstance(call_id, str) or not CALL_ID.match(call_id):
        raise CallError(
            str(
                _l(
                    "The call id must be 1 to 100 characters: letters, digits and "
                    "punctuation, no spaces."
                )
            ),
            field="call_id",
        )
    return call_id


def _number(number) -> str | None:
    """The caller's number as E.164; None when withheld or no usable number."""
    if number is None:
        return None
    if not isinstance(number, str) or len(number) > MAX_NUMBER_TEXT or _CONTROL.search(number):
        raise CallError(
            str(_l("The caller's number must be at most 64 characters of plain text.")),
            field="number",
        )
    return phone.normalise(number)


def _time(at) -> datetime:
    if at is None:
        return utcnow()
    if not isinstance(at, datetime) or at.tzinfo is None or at.utcoffset() is None:
        raise CallError(str(_l("The time must be given with its time zone.")), field="at")
    return at


def _agent(agent_email) -> User:
    """The active staff user the call was answered by."""
    if not agent_email or not isinstance(agent_email, str) or not agent_email.strip():
        raise CallError(
            str(_l("An answered call needs the agent's e-mail address.")), field="agent_email"
        )
    email = agent_email.strip()
    user = None
    if len(email) <= EMAIL_MAX and not _CONTROL.search(email) and "@" in email:
        user = db.session.scalar(
            select(User).where(func.lower(User.email) == email.lower(), User.active.is_(True))
        )
    if user is None:
        raise CallError(
            str(_l("No active staff user has that e-mail address.")), field="agent_email"
        )
    return user


def link(call: Call, ticket: Ticket) -> None:
    """The agent logged ``ticket`` for ``call``: the call points to it and the ticket
    keeps the call's times (its end filled in by `receive` if it comes later)."""
    if call.ticket_id is not None and call.ticket_id != ticket.id:
        raise CallError(str(_l("The call is already logged on another ticket.")), field="call")
    call.ticket = ticket
    ticket.call_started_at = call.started_at
    ticket.call_ended_at = call.ended_at
    db.session.flush()


# --- retention ------------------------------------------------------------------------


def anonymise_for_tickets(ticket_ids, now: datetime, *, dry_run: bool = False) -> int:
    """Calls logged on these tickets (a select of ids) lose their number; counted."""
    return _anonymise(Call.ticket_id.in_(ticket_ids), now, dry_run)


def anonymise_unlinked(cutoff: datetime, now: datetime, *, dry_run: bool = False) -> int:
    """Calls no ticket was logged for, older than ``cutoff``, lose their number."""
    return _anonymise(and_(Call.ticket_id.is_(None), Call.created_at < cutoff), now, dry_run)


def _anonymise(condition, now: datetime, dry_run: bool) -> int:
    pending = and_(condition, Call.anonymised_at.is_(None))
    found = db.session.scalar(select(func.count(Call.id)).where(pending)) or 0
    if found and not dry_run:
        db.session.execute(
            update(Call).where(pending).values(number_e164=None, anonymised_at=now),
            execution_options={"synchronize_session": False},
        )
        db.session.flush()
    return found
