"""SLA watch: every few minutes, record each breach once and tell the group.

A ticket breaches when its current stage's due time has passed while it is
still open (waiting for the citizen included: the group holds it). The watch
marks it with one conditional UPDATE (``… WHERE sla_breached_at IS NULL``),
so a breach is recorded once however often the watch runs, and adds an
``sla_breached`` entry to the timeline. The marks are committed before any
e-mail goes out; a group whose e-mail fails makes the run fail (and shows on
the jobs page) without stopping the others' e-mail.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from ..core.timeutil import utcnow
from ..core.vocabulary import OPEN_STATUSES, EventKind, GroupKind
from ..extensions import db
from ..org.models import Group
from ..tickets.models import Event, Ticket
from .notify import Notice, notify
from .registry import Every, job


class NotificationError(RuntimeError):
    pass


def send_notices(by_group: dict[int, list[Notice]], title: str, intro: str) -> int:
    """Notify each group; raise at the end if any failed. Returns messages sent."""
    sent, failures = 0, []
    for group_id, notices in by_group.items():
        group = db.session.get(Group, group_id)
        try:
            sent += notify(group, title, intro, notices)
        except Exception as error:  # one group's failure must not stop the others
            failures.append(f"{group.slug}: {type(error).__name__}: {error}")
    if failures:
        raise NotificationError("; ".join(failures))
    return sent


def record_breaches(now: datetime) -> dict[int, list[Notice]]:
    """Mark and record every new breach; the notices to send, by group."""
    rows = db.session.execute(
        select(Ticket.id, Ticket.group_id, Ticket.due_at)
        .where(
            Ticket.status.in_(OPEN_STATUSES),
            Ticket.due_at < now,
            Ticket.sla_breached_at.is_(None),
        )
        .order_by(Ticket.due_at, Ticket.id)
    ).all()
    frontline = set(db.session.scalars(select(Group.id).where(Group.kind == GroupKind.FRONTLINE)))
    by_group: dict[int, list[Notice]] = defaultdict(list)
    for ticket_id, group_id, due_at in rows:
        marked = db.session.execute(
            update(Ticket)
            .where(
                Ticket.id == ticket_id,
                Ticket.group_id == group_id,
                Ticket.sla_breached_at.is_(None),
                Ticket.status.in_(OPEN_STATUSES),
            )
            .values(
                sla_breached_at=now,
                sla_breach_count=Ticket.sla_breach_count + 1,
                version=Ticket.version + 1,
            )
            .returning(Ticket.reference, Ticket.subject, Ticket.confidential, Ticket.version)
            .execution_options(synchronize_session=False)
        ).first()
        if marked is None:
            continue
        stage = GroupKind.FRONTLINE if group_id in frontline else GroupKind.ANSWER
        db.session.add(
            Event(
                ticket_id=ticket_id,
                kind=EventKind.SLA_BREACHED,
                group_id=group_id,
                created_at=now,
                data={
                    "stage": stage.value,
                    "due_at": due_at.isoformat(),
                    "version": marked.version,  # the ticket version this entry made
                },
            )
        )
        by_group[group_id].append(
            Notice(marked.reference, marked.subject, marked.confidential, due_at)
        )
    db.session.flush()
    return by_group


@job(
    "sla.watch",
    Every(config_key="SCHEDULER_SLA_WATCH_MINUTES", unit_seconds=60),
    _l("Records each ticket past its due time on its timeline, once, and tells the group."),
)
def sla_watch(trigger_time: datetime) -> dict[str, int]:
    by_group = record_breaches(utcnow())
    db.session.commit()
    sent = send_notices(
        by_group,
        _("Tickets past their due time"),
        _("These tickets have passed their due time (working time) and are still open:"),
    )
    return {
        "breached": sum(len(n) for n in by_group.values()),
        "groups": len(by_group),
        "emails": sent,
    }
