"""What a token may read, as SQL: the pages' secrecy filter and one more condition.

A token of a user sees what that user sees (`permissions.ticket_scope`), except that
a confidential ticket needs besides the scope ``confidential:<slug>`` of the group its
secret belongs to, and the user must be a member of that group. A token of an
integration (no user) sees every ticket that is not confidential, as kundtjänst does.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, func, or_, select
from sqlalchemy.orm import joinedload

from ..core import apitokens
from ..core.vocabulary import PUBLIC_KINDS
from ..extensions import db
from ..org.models import Group
from ..permissions import ticket_scope
from ..tickets.models import Event, Ticket
from ..tickets.queries import CANONICAL_REFERENCE, lock_and_load, with_list_columns
from .models import ApiToken
from .paging import Cursor


def confidential_group_ids(token: ApiToken) -> list[int]:
    """The confidential groups whose tickets the token may read: named in its scopes,
    and its user is a member of them now."""
    slugs = apitokens.confidential_slugs(token.scopes)
    if token.user is None or not slugs:
        return []
    ids = db.session.scalars(select(Group.id).where(Group.slug.in_(sorted(slugs))))
    return sorted(set(ids) & token.user.group_ids)


def ticket_condition(token: ApiToken) -> ColumnElement[bool]:
    not_secret = Ticket.confidential.is_(False)
    if token.user is None:
        return not_secret
    allowed = confidential_group_ids(token)
    secret = Ticket.secrecy_group_id.in_(allowed) if allowed else false()
    return and_(ticket_scope(token.user), or_(not_secret, secret))


def tickets(token: ApiToken, filters: dict):
    """The tickets the token may read, narrowed by the list's filters (no order)."""
    stmt = select(Ticket).where(ticket_condition(token))
    if filters.get("status"):
        stmt = stmt.where(Ticket.status == filters["status"])
    if filters.get("channel"):
        stmt = stmt.where(Ticket.channel == filters["channel"])
    if filters.get("category"):
        stmt = stmt.where(Ticket.category_id == filters["category"])
    if filters.get("group"):
        stmt = stmt.join(Group, Ticket.group_id == Group.id).where(Group.slug == filters["group"])
    if filters.get("updated_since"):
        stmt = stmt.where(Ticket.updated_at >= filters["updated_since"])
    return stmt


def page(token: ApiToken, filters: dict, cursor: Cursor | None, size: int) -> tuple[list, bool]:
    """One page in id order, after ``cursor``; and whether there is more.

    Ordered by id, which never changes: a ticket changed while someone pages through
    keeps its place, so none is listed twice or skipped; tickets made meanwhile come
    at the end."""
    stmt = tickets(token, filters)
    if cursor is not None:
        stmt = stmt.where(Ticket.id > cursor.after)
    rows = list(
        db.session.scalars(with_list_columns(stmt.order_by(Ticket.id).limit(size + 1))).unique()
    )
    return rows[:size], len(rows) > size


def count(token: ApiToken, filters: dict) -> int:
    stmt = tickets(token, filters).with_only_columns(func.count(Ticket.id)).order_by(None)
    return db.session.scalar(stmt) or 0


def ticket(token: ApiToken, reference: str, *, for_update: bool = False) -> Ticket | None:
    if not CANONICAL_REFERENCE.match(reference):
        return None
    stmt = select(Ticket).where(ticket_condition(token), Ticket.reference == reference)
    if for_update:
        return lock_and_load(stmt)
    return db.session.scalar(with_list_columns(stmt))


def timeline(ticket: Ticket, *, internal: bool) -> list[Event]:
    stmt = (
        select(Event)
        .where(Event.ticket_id == ticket.id)
        .options(joinedload(Event.actor), joinedload(Event.group))
        .order_by(Event.id)
    )
    if not internal:
        stmt = stmt.where(Event.kind.in_(sorted(PUBLIC_KINDS)))
    return list(db.session.scalars(stmt))
