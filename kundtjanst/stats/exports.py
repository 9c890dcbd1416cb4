"""What the exports hold: every ticket received or resolved in the period, as rows
for CSV (Swedish Excel) or an Excel workbook, and the daily contact list for SKR's
Servicemätning. The exports are produced in the background (`kundtjanst.exports`);
the contact list's route is in `views.exports`."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from sqlalchemy import Connection, Select, and_, func, or_, select

from ..core.statistics import Period
from ..core.timeutil import local, local_day_bounds
from ..extensions import db
from ..org.models import Category, Department, Group
from ..permissions import ticket_scope
from ..tickets.models import Ticket
from .aggregate import Filters, filter_conditions

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

# Read from the tickets for each row, in this order, and whether it is confidential.
_READ = (
    Ticket.reference,
    Ticket.channel,
    Ticket.category_id,
    Ticket.group_id,
    Ticket.received_group_id,
    Ticket.created_at,
    Ticket.first_response_at,
    Ticket.resolved_at,
    Ticket.status,
    Ticket.outcome,
    Ticket.answered_by,
    Ticket.first_contact,
    Ticket.reopen_count,
    Ticket.answer_minutes,
    Ticket.answered_within_day,
    Ticket.sla_breach_count,
    Ticket.could_have_answered,
    Ticket.confidential,
)


@dataclass(frozen=True)
class Row:
    """One ticket of an export: its cells (in COLUMNS order) and whether it is
    confidential (the download's audit entry names those)."""

    cells: list
    confidential: bool


def conditions(user, period: Period, filters: Filters) -> list:
    """The tickets received or resolved in the period that pass the filters and
    that the user may read."""
    start, end = local_day_bounds(period.first, period.last)
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


def count(user, period: Period, filters: Filters) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Ticket).where(*conditions(user, period, filters))
    )


def rows(connection: Connection, user, period: Period, filters: Filters) -> Iterator[Row]:
    """The export's rows, oldest ticket first, streamed from ``connection`` (not the
    session, which the producer commits its progress through meanwhile). Close the
    generator before the connection when stopping early."""
    names = _names()
    stmt: Select = (
        select(*_READ)
        .where(*conditions(user, period, filters))
        .order_by(Ticket.created_at, Ticket.id)
    )
    with connection.execute(stmt.execution_options(yield_per=2000)) as result:
        for record in result:
            yield Row(_cells(record, names), record.confidential)


@dataclass(frozen=True)
class _Names:
    categories: dict[int, str]
    groups: dict[int, tuple[str, str]]  # group id: (its name, its department's)


def _names() -> _Names:
    departments = dict(db.session.execute(select(Department.id, Department.name)).all())
    groups = {
        id_: (name, departments.get(department_id, ""))
        for id_, name, department_id in db.session.execute(
            select(Group.id, Group.name, Group.department_id)
        )
    }
    categories = dict(db.session.execute(select(Category.id, Category.name)).all())
    return _Names(categories, groups)


def _moment(value) -> str:
    return local(value).isoformat(timespec="seconds") if value else ""


def _flag(value) -> str:
    return "true" if value else "false"


def _cells(t, names: _Names) -> list:
    group_name, department = names.groups.get(t.group_id, ("", ""))
    received_name, _ = names.groups.get(t.received_group_id, ("", ""))
    return [
        t.reference,
        t.channel.value,
        names.categories.get(t.category_id, ""),
        group_name,
        department,
        received_name,
        _moment(t.created_at),
        _moment(t.first_response_at),
        _moment(t.resolved_at),
        t.status.value,
        t.outcome.value if t.outcome else "",
        t.answered_by.value if t.answered_by else "",
        _flag(t.first_contact),
        _flag(t.reopen_count),
        round(t.answer_minutes / 60, 2) if t.answer_minutes is not None else None,
        _flag(t.answered_within_day),
        _flag((t.sla_breach_count or 0) > 0),
        _flag(t.could_have_answered),
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
