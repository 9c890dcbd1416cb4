"""The exports' routes: the period's tickets as CSV or XLSX, and the day's contact
list for SKR's Servicemätning. Every export is written to the audit log."""

from __future__ import annotations

import io
import re
from datetime import date

from flask import Response, abort, request, stream_with_context
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ...audit import services as audit
from ...core.timeutil import FIRST_DAY, LAST_DAY, local, local_day_bounds
from ...core.vocabulary import Channel
from ...extensions import db
from ...permissions import manager_required
from ...tickets.models import Ticket
from ..exports import COLUMNS, as_text, audit_details, csv_stream, rows
from ..scope import Selection, select_from_request
from .blueprint import bp


def _filename(selection: Selection, extension: str) -> str:
    return f"arenden_{selection.period.first}_{selection.period.last}.{extension}"


def _selection_or_400() -> Selection:
    selection = select_from_request(current_user)
    if selection.errors:
        abort(400)
    return selection


@bp.get("/statistik/export.csv")
@login_required
def export_csv():
    selection = _selection_or_400()
    found = rows(current_user, selection)
    audit.record("stats.export", target="csv", **audit_details(current_user, selection))
    db.session.commit()
    response = Response(
        stream_with_context(csv_stream(COLUMNS, found)),
        mimetype="text/csv",
    )
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{_filename(selection, "csv")}"'
    )
    return response


@bp.get("/statistik/export.xlsx")
@login_required
def export_xlsx():
    from openpyxl import Workbook

    selection = _selection_or_400()
    audit.record("stats.export", target="xlsx", **audit_details(current_user, selection))
    db.session.commit()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Questions"))
    sheet.append(list(COLUMNS))
    for row in rows(current_user, selection):
        sheet.append([as_text(v) for v in row])
    data = io.BytesIO()
    workbook.save(data)
    response = Response(
        data.getvalue(),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{_filename(selection, "xlsx")}"'
    )
    return response


# --- SKR Servicemätning ---------------------------------------------------------------

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
