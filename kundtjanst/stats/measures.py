"""Each counter as a SQL condition on the tickets table.

The daily aggregation sums these conditions and the drill-down lists select
by them, so a figure and the list of tickets behind it can never disagree.
Received tickets are attributed to the day they arrived and to the group
they first went to; everything else to the day they were resolved and the
group that resolved them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import ColumnElement, and_, true

from ..core.vocabulary import Channel, GroupKind, Outcome, Status
from ..tickets.models import Ticket

Anchor = Literal["created", "resolved"]

ASYNC_CHANNELS = (Channel.EMAIL, Channel.WEB)


@dataclass(frozen=True)
class Measure:
    anchor: Anchor
    condition: ColumnElement[bool]


def _resolved(*conditions) -> ColumnElement[bool]:
    return and_(Ticket.status == Status.RESOLVED, Ticket.outcome != Outcome.WITHDRAWN, *conditions)


def sla_breached_condition() -> ColumnElement[bool]:
    """Overdue in any stage: kundtjänst's before a hand-off, a svarsgrupp's after it,
    or one after a reopen (`tickets.sla` counts each stage that ran past its due time)."""
    return Ticket.sla_breach_count > 0


MEASURES: dict[str, Measure] = {
    "received": Measure("created", true()),
    "resolved": Measure("resolved", _resolved()),
    "withdrawn": Measure(
        "resolved", and_(Ticket.status == Status.RESOLVED, Ticket.outcome == Outcome.WITHDRAWN)
    ),
    "first_contact": Measure("resolved", _resolved(Ticket.first_contact.is_(True))),
    "first_contact_frontline": Measure(
        "resolved",
        _resolved(Ticket.first_contact.is_(True), Ticket.answered_by == GroupKind.FRONTLINE),
    ),
    "first_contact_answer": Measure(
        "resolved",
        _resolved(Ticket.first_contact.is_(True), Ticket.answered_by == GroupKind.ANSWER),
    ),
    "answered": Measure("resolved", _resolved(Ticket.outcome == Outcome.ANSWERED)),
    "referred": Measure("resolved", _resolved(Ticket.outcome == Outcome.REFERRED)),
    "forwarded": Measure("resolved", _resolved(Ticket.outcome == Outcome.FORWARDED)),
    "resolved_frontline": Measure("resolved", _resolved(Ticket.answered_by == GroupKind.FRONTLINE)),
    "resolved_answer": Measure("resolved", _resolved(Ticket.answered_by == GroupKind.ANSWER)),
    "async_resolved": Measure("resolved", _resolved(Ticket.channel.in_(ASYNC_CHANNELS))),
    "async_within_day": Measure(
        "resolved",
        _resolved(Ticket.channel.in_(ASYNC_CHANNELS), Ticket.answered_within_day.is_(True)),
    ),
    "sla_breached": Measure("resolved", _resolved(sla_breached_condition())),
    "could_have_answered": Measure(
        "resolved",
        _resolved(Ticket.answered_by == GroupKind.ANSWER, Ticket.could_have_answered.is_(True)),
    ),
    "reopened": Measure("resolved", _resolved(Ticket.reopen_count > 0)),
    # Not a stored counter (it is answered + referred), but a list worth showing.
    "within_en_vag_in": Measure(
        "resolved", _resolved(Ticket.outcome.in_((Outcome.ANSWERED, Outcome.REFERRED)))
    ),
}

# Measures built from two counters (shares) drill down to their numerator.
SHARE_NUMERATORS = {
    "first_contact": "first_contact",
    "first_contact_by_kundtjanst": "first_contact_frontline",
    "first_contact_by_svarsgrupp": "first_contact_answer",
    "within_en_vag_in": "within_en_vag_in",
    "forwarded": "forwarded",
    "referred": "referred",
    "email_within_one_working_day": "async_within_day",
    "could_have_answered": "could_have_answered",
}


def anchor_column(anchor: Anchor):
    return Ticket.created_at if anchor == "created" else Ticket.resolved_at


def group_column(anchor: Anchor):
    return Ticket.received_group_id if anchor == "created" else Ticket.resolved_group_id
