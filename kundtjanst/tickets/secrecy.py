"""Secrecy (OSL) on stored tickets: what entering a group or being filed under a subject
area does to a ticket, the explicit, audited decision that lifts it, and what an
administrator's flag on a group or a subject area does to the tickets already there.

The decisions are `core.lifecycle`'s (`Secrecy`, `secrecy_entering`, `secrecy_filed`),
shared with the demo generator. Secrecy belongs to what was written: a ticket stays
confidential when it moves on, and nothing but `lift` makes it less secret.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import and_, func, or_, select, update

from ..audit import services as audit
from ..core import lifecycle
from ..core.vocabulary import EventKind
from ..extensions import db
from ..lazytext import lazy_gettext as _l
from .errors import TicketError
from .models import Event, Ticket
from .timeline import record

if TYPE_CHECKING:
    from ..auth.models import User
    from ..org.models import Category, Group


def _secrecy(ticket: Ticket) -> lifecycle.Secrecy:
    return lifecycle.Secrecy(bool(ticket.confidential), ticket.secrecy_group_id)


def _set(ticket: Ticket, secrecy: lifecycle.Secrecy) -> None:
    ticket.confidential = secrecy.confidential
    ticket.secrecy_group_id = secrecy.group


def enter(ticket: Ticket, group: Group) -> None:
    """The ticket arrives in, is routed, escalated, transferred or reopened into ``group``."""
    _set(
        ticket,
        lifecycle.secrecy_entering(
            _secrecy(ticket), group=group.id, group_confidential=group.confidential
        ),
    )


def _filed(secrecy: lifecycle.Secrecy, category: Category, confidential: bool) -> lifecycle.Secrecy:
    usual = category.default_group
    return lifecycle.secrecy_filed(
        secrecy,
        category_confidential=confidential,
        default_group=category.default_group_id,
        default_group_confidential=usual is not None and usual.confidential,
    )


def file_under(ticket: Ticket, category: Category | None) -> None:
    """The ticket is filed under ``category`` (or under none)."""
    if category is not None:
        _set(ticket, _filed(_secrecy(ticket), category, category.confidential))


def lift(ticket: Ticket, actor: User, reason: str) -> Event:
    """A member's decision, after a secrecy assessment (sekretessprövning), that the
    ticket's contents are not secret. The reason goes on the timeline (staff only); the
    audit log names that entry, never the reason, which is free text about a secret
    matter."""
    if not ticket.confidential:
        raise TicketError(_l("The ticket is not confidential."))
    owner = ticket.secrecy_group_id
    ticket.confidential = False
    ticket.secrecy_group_id = None
    entry = record(
        ticket,
        EventKind.SECRECY_LIFTED,
        actor,
        body=reason,
        group=ticket.group,
        secrecy_group_id=owner,
    )
    db.session.flush()
    audit.record("ticket.secrecy_lifted", target=ticket.reference, user_id=actor.id, entry=entry.id)
    return entry


# --- an administrator's flag: secrecy can only be added to what is there ----------------


def _mark(where, secrecy_group: int | None) -> int:
    """Make the tickets ``where`` selects confidential, keeping the secrecy group each
    already has; returns how many changed."""
    unmarked = or_(Ticket.confidential.is_(False), Ticket.secrecy_group_id.is_(None))
    if secrecy_group is None:
        unmarked = Ticket.confidential.is_(False)
    result = db.session.execute(
        update(Ticket)
        .where(and_(where, unmarked))
        .values(
            confidential=True,
            secrecy_group_id=func.coalesce(Ticket.secrecy_group_id, secrecy_group),
            version=Ticket.version + 1,
        )
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount


def mark_group_tickets(group: Group) -> int:
    """``group`` has become confidential: every ticket in it, or that ever passed through
    it, is confidential from now on (as if it had entered a confidential group)."""
    secrecy = lifecycle.secrecy_entering(
        lifecycle.Secrecy(), group=group.id, group_confidential=True
    )
    passed_through = select(Event.ticket_id).where(Event.group_id == group.id)
    return _mark(or_(Ticket.group_id == group.id, Ticket.id.in_(passed_through)), secrecy.group)


def mark_category_tickets(category: Category) -> int:
    """``category`` has become confidential: every ticket filed under it is confidential
    from now on (as if it had been filed under a confidential subject area)."""
    secrecy = _filed(lifecycle.Secrecy(), category, confidential=True)
    return _mark(Ticket.category_id == category.id, secrecy.group)
