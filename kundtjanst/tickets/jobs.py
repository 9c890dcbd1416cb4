"""The SLA jobs: every few minutes, record each breach and each unclaimed escalation
once on its ticket's timeline (through `tickets.sla`), then tell the groups by e-mail.

The tickets are locked while they are marked (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL: one a person is saving right now is left for the next run), and the
marks are committed before any e-mail goes out; a group whose e-mail fails makes
the run fail (and shows on the jobs page) without stopping the others' e-mail.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..core.timeutil import utcnow
from ..core.vocabulary import OPEN_STATUSES, GroupKind, Status
from ..extensions import db
from ..jobs.notify import Notice, send_notices
from ..jobs.registry import Every, job
from ..lazytext import lazy_gettext as _l
from ..org.models import Group
from ..worktime.queries import current_calendar
from . import sla
from .models import Ticket

Notices = dict[int, list[Notice]]


def _locked(*conditions) -> list[Ticket]:
    """The tickets matching ``conditions``, locked, oldest due first."""
    return list(
        db.session.scalars(
            select(Ticket)
            .where(*conditions)
            .options(joinedload(Ticket.group))
            .order_by(Ticket.due_at, Ticket.id)
            .with_for_update(of=Ticket, skip_locked=True)
            .execution_options(populate_existing=True)
        )
    )


def _notice(ticket: Ticket) -> Notice:
    return Notice(ticket.reference, ticket.subject, ticket.confidential, ticket.due_at)


def record_breaches(now: datetime) -> Notices:
    """Mark and record every new breach; the notices to send, by group."""
    by_group: Notices = defaultdict(list)
    overdue = _locked(
        Ticket.status.in_(OPEN_STATUSES), Ticket.due_at < now, Ticket.sla_breached_at.is_(None)
    )
    for ticket in overdue:
        if sla.mark_breach(ticket, now):
            by_group[ticket.group_id].append(_notice(ticket))
    db.session.flush()
    return by_group


def record_alerts(now: datetime) -> Notices:
    """Record every escalation that has lain unclaimed past its group's alert time."""
    calendar = current_calendar()
    by_group: Notices = defaultdict(list)
    groups = db.session.scalars(
        select(Group).where(
            Group.kind == GroupKind.ANSWER,
            Group.active.is_(True),
            Group.unclaimed_alert_hours.is_not(None),
        )
    )
    for group in groups:
        # Working time is never longer than wall-clock time: the database narrows the
        # candidates by wall-clock age, the calendar decides.
        waiting = _locked(
            Ticket.group_id == group.id,
            Ticket.status == Status.OPEN,
            Ticket.claimed_by_id.is_(None),
            Ticket.unclaimed_alerted_at.is_(None),
            Ticket.stage_started_at <= now - timedelta(hours=group.unclaimed_alert_hours),
        )
        for ticket in waiting:
            if sla.alert_unclaimed(ticket, now, calendar):
                by_group[group.id].append(_notice(ticket))
    db.session.flush()
    return by_group


def _tell(by_group: Notices, counted: str, title, intro) -> dict[str, int]:
    """E-mail each group (committed with the marks), each reader in their language
    (``title`` and ``intro`` are lazy texts); the run's counts."""
    sent = send_notices(by_group, title, intro)
    return {
        counted: sum(len(n) for n in by_group.values()),
        "groups": len(by_group),
        "emails": sent,
    }


@job(
    "sla.watch",
    Every(config_key="SCHEDULER_SLA_WATCH_MINUTES", unit_seconds=60),
    _l("Records each ticket past its due time on its timeline, once, and tells the group."),
)
def sla_watch(trigger_time: datetime) -> dict[str, int]:
    return _tell(
        record_breaches(utcnow()),
        "breached",
        _l("Tickets past their due time"),
        _l("These tickets have passed their due time (working time) and are still open:"),
    )


@job(
    "sla.unclaimed",
    Every(config_key="SCHEDULER_SLA_WATCH_MINUTES", unit_seconds=60),
    _l("Alerts a group when an escalation has lain unclaimed in its queue too long."),
)
def unclaimed_alert(trigger_time: datetime) -> dict[str, int]:
    return _tell(
        record_alerts(utcnow()),
        "alerted",
        _l("Unclaimed tickets in the queue"),
        _l("Nobody has claimed these tickets within the group's alert time:"),
    )
