"""Telling a group about its tickets by e-mail (or a log line without a mail server).

A group's message goes to its own address, or else to its active members. It
carries references, due times and links; the subject line of a ticket only
when the group is not confidential — a confidential ticket's contents never
leave the application. Stored text (a ticket's subject, the group's name) goes in
on one line (`core.text.one_line`), whatever was stored: it cannot add lines.

Each reader gets the message in the language they work in (`readers`): members who
chose English one message, the Swedish ones another; a group's shared address gets
the default language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from .. import locales
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


def readers(group: Group) -> dict[str, list[str]]:
    """A group's addresses by language: its own address in the default language, else
    each active member's in the language the member works in."""
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if group.email:
        return {default: [group.email]}
    return locales.by_language((u.email, u.language) for u in group.members if u.active)


def ticket_link(reference: str) -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}/arenden/{reference}"


def notify(group: Group, title, intro, notices: list[Notice]) -> list[OutgoingMail]:
    """Queue a message about ``notices`` to ``group`` in the outbox, one per language
    its readers work in (``title`` and ``intro`` lazy texts); none when the group has
    no valid address."""
    rows = []
    for language, addresses in readers(group).items():
        with force_locale(language):
            row = _message(group, addresses, str(title), str(intro), notices)
        if row is not None:
            rows.append(row)
    return rows


def _message(group: Group, addresses, title: str, intro: str, notices) -> OutgoingMail | None:
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
    return queue(addresses, f"[{name}] {title}", "\n".join(lines))


class NotificationError(RuntimeError):
    """Some groups could not be told (the others were); the job run is marked failed."""


def send_notices(by_group: dict[int, list[Notice]], title, intro) -> int:
    """Queue a message per group, commit it with whatever caused it, then send them
    now. A message that could not be sent stays in the outbox for the job
    ``mail.send`` to try again, and this raises, so the run shows the failure.
    Returns the messages a mail server took."""
    queued = {}
    for group_id, notices in by_group.items():
        group = db.session.get(Group, group_id)
        for row in notify(group, title, intro, notices):
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
