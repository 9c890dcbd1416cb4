"""Unclaimed escalations: alert a svarsgrupp when a ticket has lain unclaimed in
its queue for the group's alert time (``unclaimed_alert_hours``, working hours
since the ticket entered the group), once per stage.

Working time is never longer than wall-clock time, so the database narrows the
candidates by wall-clock age and the calendar decides.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from ..core.timeutil import utcnow
from ..core.vocabulary import EventKind, GroupKind, Status
from ..core.workingtime import working_time_between
from ..extensions import db
from ..org.models import Group
from ..tickets.models import Event, Ticket
from ..worktime.queries import current_calendar
from .notify import Notice
from .registry import Every, job
from .sla_watch import send_notices


def record_alerts(now: datetime) -> dict[int, list[Notice]]:
    calendar = current_calendar()
    groups = db.session.scalars(
        select(Group).where(
            Group.kind == GroupKind.ANSWER,
            Group.active.is_(True),
            Group.unclaimed_alert_hours.is_not(None),
        )
    ).all()
    by_group: dict[int, list[Notice]] = defaultdict(list)
    for group in groups:
        limit = timedelta(hours=group.unclaimed_alert_hours)
        unclaimed = (
            Ticket.group_id == group.id,
            Ticket.status == Status.OPEN,
            Ticket.claimed_by_id.is_(None),
            Ticket.unclaimed_alerted_at.is_(None),
        )
        rows = db.session.execute(
            select(Ticket.id, Ticket.stage_started_at)
            .where(*unclaimed, Ticket.stage_started_at <= now - limit)
            .order_by(Ticket.stage_started_at, Ticket.id)
        ).all()
        for ticket_id, started in rows:
            if working_time_between(started, now, calendar) < limit:
                continue
            marked = db.session.execute(
                update(Ticket)
                .where(Ticket.id == ticket_id, *unclaimed)
                .values(unclaimed_alerted_at=now, version=Ticket.version + 1)
                .returning(
                    Ticket.reference,
                    Ticket.subject,
                    Ticket.confidential,
                    Ticket.due_at,
                    Ticket.version,
                )
                .execution_options(synchronize_session=False)
            ).first()
            if marked is None:
                continue
            db.session.add(
                Event(
                    ticket_id=ticket_id,
                    kind=EventKind.UNCLAIMED_ALERT,
                    group_id=group.id,
                    created_at=now,
                    # The ticket version this entry made (see tickets.services.record).
                    data={"hours": group.unclaimed_alert_hours, "version": marked.version},
                )
            )
            by_group[group.id].append(
                Notice(marked.reference, marked.subject, marked.confidential, marked.due_at)
            )
    db.session.flush()
    return by_group


@job(
    "sla.unclaimed",
    Every(config_key="SCHEDULER_SLA_WATCH_MINUTES", unit_seconds=60),
    _l("Alerts a group when an escalation has lain unclaimed in its queue too long."),
)
def unclaimed_alert(trigger_time: datetime) -> dict[str, int]:
    by_group = record_alerts(utcnow())
    db.session.commit()
    sent = send_notices(
        by_group,
        _("Unclaimed tickets in the queue"),
        _("Nobody has claimed these tickets within the group's alert time:"),
    )
    return {
        "alerted": sum(len(n) for n in by_group.values()),
        "groups": len(by_group),
        "emails": sent,
    }
