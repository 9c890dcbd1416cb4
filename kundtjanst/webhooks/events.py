"""From a ticket's timeline to webhook deliveries, in the same transaction.

`timeline.record` sends ``event_recorded`` for every entry (`tickets.signals`). The
entries webhooks care about are noted in the session (``session.info``); just before
the session commits (SQLAlchemy's ``before_commit``), when the ticket's state is
final, one `WebhookDelivery` is written per matching subscription and entry, with
its body, and committed with its cause. A rollback forgets the notes: a change that
was not saved sends nothing.

A subscription matches when it is not deleted (a paused one collects deliveries that
wait), asks for the event's type, and its group filter (if any) holds the ticket's
group after the change — for an escalation, the group it went to.
"""

from __future__ import annotations

from sqlalchemy import event as sa_event
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, object_session

from ..core.timeutil import utcnow
from ..core.vocabulary import EventKind, GroupKind
from ..core.webhooksign import new_webhook_id
from ..extensions import db
from ..org.models import Group
from ..tickets.models import Event, Ticket
from ..tickets.signals import event_recorded
from . import payload
from .models import PENDING, WebhookDelivery, WebhookSubscription

KEY = "kundtjanst.webhooks.recorded"

TYPES = {
    EventKind.CREATED: "ticket.created",
    EventKind.ESCALATED: "ticket.escalated",
    EventKind.TRANSFERRED: "ticket.escalated",  # only into an answer group
    EventKind.CLAIMED: "ticket.claimed",
    EventKind.RESOLVED: "ticket.resolved",
    EventKind.REOPENED: "ticket.reopened",
    EventKind.CITIZEN_MESSAGE: "ticket.citizen_message",
}


def subscribe() -> None:
    event_recorded.connect(_on_event_recorded)
    for name, listener in (
        ("before_commit", _before_commit),
        ("after_soft_rollback", _after_soft_rollback),
    ):
        if not sa_event.contains(Session, name, listener):
            sa_event.listen(Session, name, listener)


def _on_event_recorded(ticket: Ticket, *, event: Event, **_extra) -> None:
    if event.kind not in TYPES:
        return
    session = object_session(ticket) or db.session()
    session.info.setdefault(KEY, []).append((ticket, event))


def _after_soft_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(KEY, None)


def _event_type(session: Session, event: Event) -> str | None:
    if event.kind == EventKind.TRANSFERRED:
        group = session.get(Group, event.group_id) if event.group_id else None
        return TYPES[event.kind] if group is not None and group.kind == GroupKind.ANSWER else None
    return TYPES.get(event.kind)


def _before_commit(session: Session) -> None:
    if session.in_nested_transaction() or not session.info.get(KEY):
        return
    noted = session.info.pop(KEY)
    session.flush()
    noted = [(t, e) for t, e in noted if inspect(e).persistent and inspect(t).persistent]
    if not noted:
        return
    subscriptions = session.scalars(
        select(WebhookSubscription)
        .where(WebhookSubscription.active.is_(True))
        .order_by(WebhookSubscription.id)
    ).all()
    if not subscriptions:
        return
    now = utcnow()
    for ticket, entry in noted:
        event_type = _event_type(session, entry)
        if event_type is None:
            continue
        group_id = entry.group_id if event_type == "ticket.escalated" else ticket.group_id
        bodies: dict[bool, str] = {}
        for sub in subscriptions:
            if event_type not in (sub.events or ()):
                continue
            if sub.group_ids is not None and group_id not in sub.group_ids:
                continue
            content = payload.may_see_content(sub, ticket)
            if content not in bodies:
                bodies[content] = payload.body(event_type, ticket, entry, content=content)
            session.add(
                WebhookDelivery(
                    subscription_id=sub.id,
                    webhook_id=new_webhook_id(),
                    type=event_type,
                    ticket_id=ticket.id,
                    event_id=entry.id,
                    payload=bodies[content],
                    status=PENDING,
                    attempts=0,
                    created_at=now,
                    cycle_started_at=now,
                    next_attempt_at=now,
                )
            )
