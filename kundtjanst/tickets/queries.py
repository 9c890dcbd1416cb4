"""Ticket listings and loaders. Every one of them applies `ticket_scope`; the loader
`load` is also where an action on a ticket is refused (404, changed meanwhile, 403)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from flask import abort
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload

from ..core.timeutil import local_day_bounds, local_today
from ..core.vocabulary import BOOKKEEPING, OPEN_STATUSES, EventKind, Status
from ..extensions import db
from ..org.models import Group
from ..permissions import Action, allowed, ticket_scope
from .conflicts import entries_since
from .models import Event, Ticket
from .tokens import hash_token

if TYPE_CHECKING:
    from ..auth.models import User

# Six digits, zero-padded; a year's millionth ticket and later ones get more (and the
# column holds twelve).
REFERENCE_PATTERN = re.compile(r"^\s*KT-(\d{4})-(\d{1,12})\s*$", re.IGNORECASE)
CANONICAL_REFERENCE = re.compile(r"^KT-\d{4}-\d{6,12}$")


def normalise_reference(text: str) -> str | None:
    """``kt-2026-123`` → ``KT-2026-000123``; None when it is no reference."""
    match = REFERENCE_PATTERN.match(text or "")
    if not match:
        return None
    return f"KT-{match.group(1)}-{int(match.group(2)):06d}"


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def visible(user: User) -> Select:
    """All tickets whose contents ``user`` may read."""
    return select(Ticket).where(ticket_scope(user))


def with_list_columns(stmt: Select) -> Select:
    return stmt.options(
        joinedload(Ticket.category), joinedload(Ticket.group), joinedload(Ticket.claimed_by)
    )


def text_filter(stmt: Select, q: str) -> Select:
    """Search by reference (exact) or by words in subject and description."""
    q = q.strip()
    if not q:
        return stmt
    reference = normalise_reference(q)
    if reference:
        return stmt.where(Ticket.reference == reference)
    pattern = _like_pattern(q)
    return stmt.where(
        or_(
            Ticket.subject.ilike(pattern, escape="\\"),
            Ticket.description.ilike(pattern, escape="\\"),
            Ticket.citizen_name.ilike(pattern, escape="\\"),
            Ticket.citizen_email.ilike(pattern, escape="\\"),
        )
    )


SORTS = ("oldest", "due")


def ordered(stmt: Select, sort: str = "oldest") -> Select:
    """Oldest first (by arrival in the group), or by due time: least time left first."""
    if sort == "due":
        return stmt.order_by(Ticket.due_at.asc().nulls_last(), Ticket.id)
    return stmt.order_by(Ticket.group_entered_at, Ticket.id)


@dataclass
class InboxFilter:
    channel: str | None = None
    category_id: int | None = None
    status: str | None = None
    q: str = ""
    sort: str = "oldest"


def inbox(user: User, frontline: Group, filters: InboxFilter) -> Select:
    """Kundtjänst's open tickets, oldest first."""
    stmt = visible(user).where(Ticket.group_id == frontline.id, Ticket.status.in_(OPEN_STATUSES))
    if filters.channel:
        stmt = stmt.where(Ticket.channel == filters.channel)
    if filters.category_id:
        stmt = stmt.where(Ticket.category_id == filters.category_id)
    if filters.status:
        stmt = stmt.where(Ticket.status == filters.status)
    stmt = text_filter(stmt, filters.q)
    return with_list_columns(ordered(stmt, filters.sort))


def queue(user: User, group: Group, sort: str = "oldest") -> Select:
    """A svarsgrupp's unclaimed tickets, oldest first (or by time left)."""
    stmt = visible(user).where(
        Ticket.group_id == group.id,
        Ticket.status == Status.OPEN,
        Ticket.claimed_by_id.is_(None),
    )
    return with_list_columns(ordered(stmt, sort))


def queue_counts(group_ids: list[int]) -> dict[int, int]:
    """Unclaimed tickets waiting in each of these groups' queues."""
    return dict(
        db.session.execute(
            select(Ticket.group_id, func.count())
            .where(
                Ticket.group_id.in_(group_ids),
                Ticket.status == Status.OPEN,
                Ticket.claimed_by_id.is_(None),
            )
            .group_by(Ticket.group_id)
        ).all()
    )


def mine(user: User) -> Select:
    """Open tickets the user has claimed."""
    stmt = visible(user).where(Ticket.claimed_by_id == user.id, Ticket.status.in_(OPEN_STATUSES))
    return with_list_columns(stmt.order_by(Ticket.group_entered_at, Ticket.id))


def stale(user: User, untouched_since: datetime) -> Select:
    """Open tickets nobody has done anything with since ``untouched_since``, the longest
    untouched first."""
    stmt = visible(user).where(
        Ticket.status.in_(OPEN_STATUSES), Ticket.last_activity_at < untouched_since
    )
    return with_list_columns(stmt.order_by(Ticket.last_activity_at, Ticket.id))


def search(user: User, q: str) -> Select:
    stmt = text_filter(visible(user), q)
    return with_list_columns(stmt.order_by(Ticket.created_at.desc(), Ticket.id.desc()))


def find_visible(user: User, reference: str, *, for_update: bool = False) -> Ticket | None:
    """The ticket, with what its page shows of it, if ``user`` may read it; else None."""
    if not CANONICAL_REFERENCE.match(reference):
        return None
    stmt = visible(user).where(Ticket.reference == reference)
    if for_update:
        return lock_and_load(stmt)
    return db.session.scalar(with_list_columns(stmt))


def lock_and_load(stmt: Select) -> Ticket | None:
    """The one ticket ``stmt`` selects, locked until the request commits, then read
    afresh with its group, category and claimant (even if already loaded: a version
    check compares with the row as it is now). Locked alone first: a locking query that
    waited for another change re-checks only the locked row on PostgreSQL, and rows it
    joined (the group, the claimant) would still be the old ones, or none at all."""
    ticket_id = db.session.scalar(stmt.with_only_columns(Ticket.id).with_for_update(of=Ticket))
    if ticket_id is None:
        return None
    fresh = select(Ticket).where(Ticket.id == ticket_id).execution_options(populate_existing=True)
    return db.session.scalar(with_list_columns(fresh))


class ChangedMeanwhile(Exception):
    """A form was filled in on an older version of the ticket, and what came since
    is more than the system's own bookkeeping: nothing is saved, the person is shown
    what changed (``entries``)."""

    def __init__(self, ticket: Ticket, entries: list[Event]):
        super().__init__(ticket.reference)
        self.ticket = ticket
        self.entries = entries


def load(
    user: User,
    reference: str,
    action: Action = Action.VIEW,
    *,
    for_update: bool = False,
    seen_version: int | None = None,
) -> Ticket:
    """The ticket ``user`` is about to ``action``, or the refusal, in this order:

    1. 404 when the user may not read it (its existence is not revealed);
    2. `ChangedMeanwhile` when a form said it was filled in on ``seen_version`` and the
       ticket has changed since: what changed may be the very reason the person can no
       longer act (closed, claimed by someone else), and they may still read it;
    3. 403 when the user may read it but not do ``action`` (`permissions.RULES`).

    With ``for_update`` the row is locked until the request commits.
    """
    ticket = find_visible(user, reference, for_update=for_update)
    if ticket is None:
        abort(404)
    if seen_version is not None and seen_version != ticket.version:
        news = entries_since(timeline(ticket), seen_version)
        if news and not all(e.kind in BOOKKEEPING for e in news):
            raise ChangedMeanwhile(ticket, news)
    if not allowed(action, user, ticket):
        abort(403)
    return ticket


_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


def by_status_token(token: str, *, for_update: bool = False) -> Ticket:
    """The ticket a citizen's status link names, or 404. The link is the only key the
    citizen has: nothing but its hash is stored, and an unknown one reveals nothing."""
    if not _TOKEN.match(token):
        abort(404)
    stmt = select(Ticket).where(Ticket.status_token_hash == hash_token(token))
    if for_update:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    ticket = db.session.scalar(stmt)
    if ticket is None:
        abort(404)
    return ticket


@dataclass(frozen=True)
class RestrictedTicket:
    """What kundtjänst may know of a confidential ticket it may not read."""

    reference: str
    status: Status
    group_name: str


def get_restricted(user: User, reference: str) -> RestrictedTicket | None:
    """Reference, status and group of a ticket whose contents ``user`` may not read.

    Selects only those three columns, so the contents are never loaded.
    """
    if not (user.is_authenticated and user.in_frontline):
        return None
    if not CANONICAL_REFERENCE.match(reference):
        return None
    row = db.session.execute(
        select(Ticket.reference, Ticket.status, Group.name)
        .join(Group, Ticket.group_id == Group.id)
        .where(Ticket.reference == reference)
    ).first()
    if row is None:
        return None
    return RestrictedTicket(row.reference, row.status, row.name)


def timeline(ticket: Ticket) -> list[Event]:
    """The ticket's events in order, with who and which group."""
    return list(
        db.session.scalars(
            select(Event)
            .where(Event.ticket_id == ticket.id)
            .options(joinedload(Event.actor), joinedload(Event.group))
            .order_by(Event.id)
        )
    )


# A timeline is shown a page at a time, newest page first: a ticket a citizen has
# written to a hundred times still renders in a moment.
TIMELINE_PAGE = 50


@dataclass(frozen=True)
class TimelinePage:
    events: list[Event]  # oldest first
    page: int
    older: bool  # there are entries before these
    newer: bool  # there are entries after these


def timeline_page(
    ticket: Ticket, page: int = 1, *, kinds=None, size: int = TIMELINE_PAGE
) -> TimelinePage:
    """Page ``page`` of the ticket's timeline counted from the newest (of ``kinds``)."""
    stmt = (
        select(Event)
        .where(Event.ticket_id == ticket.id)
        .options(joinedload(Event.actor), joinedload(Event.group))
        .order_by(Event.id.desc())
        .offset((page - 1) * size)
        .limit(size + 1)
    )
    if kinds is not None:
        stmt = stmt.where(Event.kind.in_(sorted(kinds)))
    rows = list(db.session.scalars(stmt))
    return TimelinePage(list(reversed(rows[:size])), page, len(rows) > size, page > 1)


def citizen_messages_today(ticket: Ticket) -> int:
    """Messages the citizen has added to the ticket since midnight (Stockholm)."""
    start, _end = local_day_bounds(local_today(), local_today())
    return (
        db.session.scalar(
            select(func.count(Event.id)).where(
                Event.ticket_id == ticket.id,
                Event.kind == EventKind.CITIZEN_MESSAGE,
                Event.created_at >= start,
            )
        )
        or 0
    )
