"""The day's contact list for SKR's Servicemätning, a direct download (a day's calls
and e-mails are few), written to the audit log. The period's tickets as CSV or XLSX
are produced in the background: `kundtjanst.exports`."""

from __future__ import annotations

import re
from datetime import date

from flask import Response, request
from flask_babel import gettext as _
from sqlalchemy import select

from ...audit import services as audit
from ...core.timeutil import FIRST_DAY, LAST_DAY, local, local_day_bounds
from ...core.vocabulary import Channel
from ...extensions import db
from ...permissions import manager_required
from ...tickets.models import Ticket
from ..exports import csv_stream
from .blueprint import bp

_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


@bp.get("/statistik/kontaktlista.csv")
@manager_required
def contact_list():
    """The day's incoming calls and e-mails for the survey firm: time, channel and
    the citizen's phone or e-mail where given. Confidential groups' tickets never."""
    raw = request.args.get("date", "")
    try:
        if not _DATE.match(raw):
            raise ValueError(raw)
        day = date.fromisoformat(raw)
        if not FIRST_DAY <= day <= LAST_DAY:
            raise ValueError(raw)
    except ValueError:
        return Response(
            _("Give the date as YYYY-MM-DD, e.g. ?date=2026-11-27.") + "\n",
            status=400,
            mimetype="text/plain",
        )
    start, end = local_day_bounds(day, day)
    tickets = db.session.execute(
        select(Ticket.created_at, Ticket.channel, Ticket.citizen_phone, Ticket.citizen_email)
        .where(
            Ticket.created_at >= start,
            Ticket.created_at < end,
            Ticket.channel.in_((Channel.PHONE, Channel.EMAIL)),
            Ticket.confidential.is_(False),
        )
        .order_by(Ticket.created_at, Ticket.id)
    ).all()
    audit.record("stats.contact_list", target=day.isoformat(), rows=len(tickets))
    db.session.commit()
    contacts = (
        [
            local(created_at).isoformat(timespec="minutes"),
            channel.value,
            phone if channel == Channel.PHONE else None,
            email if channel == Channel.EMAIL else None,
        ]
        for created_at, channel, phone, email in tickets
    )
    body = "".join(csv_stream(("time", "channel", "phone", "email"), contacts))
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="kontaktlista_{day}.csv"'
    return response
