"""Telling a group about its tickets by e-mail (or a log line without a mail server).

A group's message goes to its own address, or else to its active members. It
carries references, due times and links; the subject line of a ticket only
when the group is not confidential — a confidential ticket's contents never
leave the application. Stored text (a ticket's subject, the group's name) goes in
on one line (`core.text.one_line`), whatever was stored: it cannot add lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _

from ..core.text import one_line
from ..extensions import db
from ..mail.models import SENT, OutgoingMail
from ..mail.services import deliver, queue
from ..org.models import Group
from ..templating import localtime


@dataclass(frozen=True)
class Notice:
    reference: str
    subject: str
    confidential: bool
    due_at: datetime | None


def recipients(group: Group) -> list[str]:
    if group.email:
        return [group.email]
    return [u.email for u in group.members if u.active]


def ticket_link(reference: str) -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}/arenden/{reference}"


def notify(group: Group, title: str, intro: str, notices: list[Notice]) -> OutgoingMail | None:
    """Queue one message about ``notices`` to ``group`` in the outbox (None: the group
    has no valid address)."""
    name = one_line(group.name)
    lines = [intro, ""]
    for notice in notices:
        line = notice.reference
        if notice.due_at is not None:
            line += " – " + _("due %(time)s", time=localtime(notice.due_at))
        lines.append(line)
        if not notice.confidential and not group.confidential:
            lines.append(f"  {one_line(notice.subject)}")
        lines += [f"  {ticket_link(notice.reference)}", ""]
    lines.append(_("This message was sent by En väg in to %(group)s.", group=name))
    return queue(recipients(group), f"[{name}] {title}", "\n".join(lines))


class NotificationError(RuntimeError):
    """Some groups could not be told (the others were); the job run is marked failed."""


def send_notices(by_group: dict[int, list[Notice]], title: str, intro: str) -> int:
    """Queue a message per group, commit it with whatever caused it, then send them
    now. A message that could not be sent stays in the outbox for the job
    ``mail.send`` to try again, and this raises, so the run shows the failure.
    Returns the messages a mail server took."""
    queued = {}
    for group_id, notices in by_group.items():
        group = db.session.get(Group, group_id)
        row = notify(group, title, intro, notices)
        if row is not None:
            queued[row.id] = group.slug
    db.session.commit()
    deliver(queued)
    rows = [db.session.get(OutgoingMail, row_id) for row_id in queued]
    failures = [
        f"{queued[r.id]}: {r.last_error}" for r in rows if r.last_error and r.status != SENT
    ]
    if failures:
        raise NotificationError("; ".join(failures))
    return sum(r.status == SENT for r in rows)
