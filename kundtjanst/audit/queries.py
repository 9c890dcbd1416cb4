"""Reading the audit log: newest first, filtered."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, String, cast, or_, select
from sqlalchemy.orm import joinedload

from ..auth.models import User
from ..core.timeutil import local_day_bounds
from ..extensions import db
from ..tickets.models import Ticket
from .models import AuditEntry, TicketRead

NO_USER = 0  # the user filter's value for entries without a user (jobs, the command line)


@dataclass(frozen=True)
class AuditFilter:
    action: str | None = None  # an action, or the first part of one ("ticket", "ticket.")
    user_id: int | None = None  # NO_USER: entries nobody logged in made
    text: str | None = None  # part of the target or of the details
    first: date | None = None  # Stockholm dates, inclusive
    last: date | None = None
    address: str | None = None  # an address or the first part of one
    searched: str | None = None  # `services.search_terms` of words someone searched for


def entries(f: AuditFilter) -> Select:
    stmt = select(AuditEntry).options(joinedload(AuditEntry.user))
    if f.action:
        prefix = f.action if f.action.endswith(".") else f.action + "."
        starts = AuditEntry.action.startswith(prefix, autoescape=True)
        stmt = stmt.where(or_(AuditEntry.action == f.action, starts))
    if f.user_id == NO_USER:
        stmt = stmt.where(AuditEntry.user_id.is_(None))
    elif f.user_id is not None:
        stmt = stmt.where(AuditEntry.user_id == f.user_id)
    if f.text:
        stmt = stmt.where(
            or_(
                AuditEntry.target.icontains(f.text, autoescape=True),
                cast(AuditEntry.details, String).icontains(f.text, autoescape=True),
            )
        )
    if f.first is not None:
        stmt = stmt.where(AuditEntry.created_at >= local_day_bounds(f.first, f.first)[0])
    if f.last is not None:
        stmt = stmt.where(AuditEntry.created_at < local_day_bounds(f.last, f.last)[1])
    if f.searched:
        stmt = stmt.where(
            AuditEntry.action == "ticket.search",
            cast(AuditEntry.details, String).contains(f.searched, autoescape=True),
        )
    if f.address:
        stmt = stmt.where(AuditEntry.address.startswith(f.address, autoescape=True))
    return stmt.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())


_USER_TARGET = re.compile(r"^user:(\d{1,9})$")


def user_names(page_items) -> dict[str, str]:
    """Names for targets like ``user:12`` on a page of entries, in one query."""
    ids = {int(m.group(1)) for e in page_items if e.target and (m := _USER_TARGET.match(e.target))}
    if not ids:
        return {}
    rows = db.session.execute(select(User.id, User.name).where(User.id.in_(ids)))
    return {f"user:{id_}": name for id_, name in rows}


def reads_of(reference: str) -> Select:
    """Who was shown the ticket's page, and on which days, newest first."""
    return (
        select(TicketRead)
        .join(Ticket, Ticket.id == TicketRead.ticket_id)
        .where(Ticket.reference == reference)
        .options(joinedload(TicketRead.user))
        .order_by(TicketRead.day.desc(), TicketRead.user_id)
    )
