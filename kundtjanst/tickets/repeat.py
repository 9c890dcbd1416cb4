"""Repeat contacts: the same citizen about the same subject again within a window.

The system suggests; staff confirm. Once confirmed, the earlier ticket can no
longer count as answered at first contact (the industry's "no repeat contact
for the same reason" test), and the statistics of the day it was resolved follow.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import or_, select

from ..core.vocabulary import EventKind, Status
from ..extensions import db
from ..inbound.models import InboundMail
from ..lazytext import lazy_gettext as _l
from ..permissions import ticket_scope
from ..settings import services as settings
from .errors import TicketError
from .models import Ticket
from .services import recompute_first_contact
from .signals import first_contact_changed
from .timeline import record

if TYPE_CHECKING:
    from ..auth.models import User


def candidates(ticket: Ticket, user: User) -> list[Ticket]:
    """Earlier tickets from the same e-mail or phone, same subject area, within the
    repeat-contact window before this one, and the closed ticket a mail that started
    this one answered (`inbound`) — only those ``user`` may read."""
    if ticket.repeat_of_id is not None:
        return []
    answered = list(
        db.session.scalars(
            select(Ticket)
            .join(InboundMail, InboundMail.earlier_ticket_id == Ticket.id)
            .where(InboundMail.ticket_id == ticket.id, ticket_scope(user))
            .limit(1)
        )
    )
    if ticket.category_id is None:
        return answered
    same_citizen = []
    if ticket.citizen_email:
        same_citizen.append(Ticket.citizen_email == ticket.citizen_email)
    if ticket.citizen_phone:
        same_citizen.append(Ticket.citizen_phone == ticket.citizen_phone)
    if not same_citizen:
        return answered
    window = timedelta(days=settings.get("repeat_contact_window_days"))
    return answered + list(
        db.session.scalars(
            select(Ticket)
            .where(
                or_(*same_citizen),
                Ticket.category_id == ticket.category_id,
                Ticket.id.not_in([ticket.id, *(t.id for t in answered)]),
                Ticket.created_at < ticket.created_at,
                Ticket.created_at >= ticket.created_at - window,
                ticket_scope(user),
            )
            .order_by(Ticket.created_at.desc())
            .limit(5)
        )
    )


def confirm(ticket: Ticket, earlier: Ticket, actor: User) -> None:
    """Link ``ticket`` as a repeat of ``earlier``. Flushes, never commits."""
    if ticket.repeat_of_id is not None:
        raise TicketError(_l("The ticket is already linked to an earlier contact."))
    ticket.repeat_of_id = earlier.id
    record(ticket, EventKind.REPEAT_OF, actor, group=ticket.group, earlier=earlier.reference)
    record(earlier, EventKind.REPEAT_CONTACT, actor, group=earlier.group, later=ticket.reference)
    db.session.flush()
    if earlier.status == Status.RESOLVED:
        recompute_first_contact(earlier)
        db.session.flush()
        first_contact_changed.send(earlier, resolved_at=earlier.resolved_at)
