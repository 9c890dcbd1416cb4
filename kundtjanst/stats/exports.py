"""What the exports hold: every ticket received or resolved in the period, as rows
for CSV (Swedish Excel) or an Excel workbook, and the daily contact list for SKR's
Servicemätning. The routes are in `views.exports`."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload

from ..core.timeutil import local, local_day_bounds
from ..extensions import db
from ..org.models import Group
from ..permissions import ticket_scope
from ..tickets.models import Ticket
from .aggregate import filter_conditions
from .scope import Selection

COLUMNS = (
    "reference",
    "channel",
    "category",
    "group",
    "department",
    "received_group",
    "created_at",
    "first_response_at",
    "resolved_at",
    "status",
    "outcome",
    "answered_by",
    "first_contact",
    "reopened",
    "answer_working_hours",
    "answered_within_one_working_day",
    "sla_breached",
    "could_have_answered",
)


def rows(user, selection: Selection) -> Iterator[list]:
    """The export's rows. The query is built before the first row is asked for,
    so a streamed response does not depend on objects of the finished request."""
    stmt, groups = _query(user, selection)
    return _generate(stmt, groups)


def conditions(user, selection: Selection) -> list:
    """The tickets received or resolved in the period that pass the filters and
    that the user may read."""
    start, end = local_day_bounds(selection.period.first, selection.period.last)
    filters = selection.filters
    conditions = [
        or_(
            and_(Ticket.created_at >= start, Ticket.created_at < end),
            and_(Ticket.resolved_at >= start, Ticket.resolved_at < end),
        ),
        ticket_scope(user),
        # Channel and subject area as on the dashboard; a group filter keeps the
        # tickets any of the group columns the figures count on names.
        *filter_conditions(replace(filters, group_ids=None), group=Ticket.group_id),
    ]
    if filters.group_ids is not None:
        ids = filters.group_ids
        conditions.append(
            or_(
                Ticket.group_id.in_(ids),
                Ticket.received_group_id.in_(ids),
                Ticket.resolved_group_id.in_(ids),
            )
        )
    return conditions


def _query(user, selection: Selection):
    found = conditions(user, selection)
    groups = {
        g.id: (g.name, g.department.name if g.department else "")
        for g in db.session.scalars(select(Group).options(joinedload(Group.department)))
    }
    stmt = (
        select(Ticket)
        .where(*found)
        .options(joinedload(Ticket.category))
        .order_by(Ticket.created_at, Ticket.id)
        .execution_options(yield_per=2000)
    )
    return stmt, groups


def _generate(stmt, groups: dict) -> Iterator[list]:
    for ticket in db.session.scalars(stmt):
        group_name, department = groups.get(ticket.group_id, ("", ""))
        received_name, _ = groups.get(ticket.received_group_id, ("", ""))
        yield [
            ticket.reference,
            ticket.channel.value,
            ticket.category.name if ticket.category else "",
            group_name,
            department,
            received_name,
            local(ticket.created_at).isoformat(timespec="seconds"),
            local(ticket.first_response_at).isoformat(timespec="seconds")
            if ticket.first_response_at
            else "",
            local(ticket.resolved_at).isoformat(timespec="seconds") if ticket.resolved_at else "",
            ticket.status.value,
            ticket.outcome.value if ticket.outcome else "",
            ticket.answered_by.value if ticket.answered_by else "",
            "true" if ticket.first_contact else "false",
            "true" if ticket.reopen_count else "false",
            round(ticket.answer_minutes / 60, 2) if ticket.answer_minutes is not None else None,
            "true" if ticket.answered_within_day else "false",
            "true" if (ticket.sla_breach_count or 0) > 0 else "false",
            "true" if ticket.could_have_answered else "false",
        ]


def _swedish_csv_value(value) -> str:
    """Decimal comma for numbers with decimals; everything else as text."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")
    return as_text(str(value))


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_LIKE = re.compile(r"^[+-]?[0-9 ()/.,-]*$")


def as_text(value):
    """A cell a spreadsheet shows as text. One that would start a formula (a subject
    area named "=HYPERLINK(…)", an e-mail "=1+2@example.se") gets a leading
    apostrophe, as OWASP advises against CSV injection; numbers like "+46 70…" stay."""
    starts_formula = isinstance(value, str) and value.startswith(_FORMULA_START)
    if starts_formula and not _NUMBER_LIKE.match(value):
        return "'" + value
    return value


def csv_stream(header: Iterable[str], rows: Iterable[list]) -> Iterator[str]:
    """CSV for Swedish Excel: UTF-8 with BOM, semicolons, CRLF, decimal commas, and
    no cell that would start a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    buffer.write("\ufeff")  # UTF-8 BOM: Swedish Excel then reads å, ä and ö right
    writer.writerow(header)
    for row in rows:
        writer.writerow([_swedish_csv_value(v) for v in row])
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def audit_details(user, selection: Selection) -> dict:
    """The filters, and the references of the confidential tickets the export holds
    (its rows carry no free text, but they are still reads of secret matters)."""
    confidential = db.session.scalars(
        select(Ticket.reference)
        .where(*conditions(user, selection), Ticket.confidential.is_(True))
        .order_by(Ticket.reference)
    ).all()
    return {
        "confidential": list(confidential) or None,
        "from": selection.period.first.isoformat(),
        "to": selection.period.last.isoformat(),
        "channel": selection.filters.channel,
        "category": selection.filters.category_id,
        "groups": list(selection.filters.group_ids)
        if selection.filters.group_ids is not None
        else None,
    }
