"""Drill-down: the tickets behind any figure of the dashboard, within what the user
may read (a confidential group's tickets count, but are listed only to its members)."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ...audit import services as audit
from ...core.statistics import AGE_BUCKETS
from ...core.timeutil import local_day_bounds, utcnow
from ...extensions import db
from ...permissions import ticket_scope
from ...tickets.models import Ticket
from ...web import paginate
from ..aggregate import filter_conditions
from ..figures import age_condition, backlog_conditions, overdue_condition
from ..measures import MEASURES, SHARE_NUMERATORS, anchor_column, group_column
from ..scope import Selection, active_filters, query_args, select_from_request
from .blueprint import bp


def _period_filters(selection: Selection, anchor: str) -> list:
    start, end = local_day_bounds(selection.period.first, selection.period.last)
    column = anchor_column(anchor)
    return [
        column >= start,
        column < end,
        *filter_conditions(selection.filters, group=group_column(anchor)),
    ]


DRILL_MEASURES = set(MEASURES) | set(SHARE_NUMERATORS) | {"backlog"}


@bp.get("/statistik/arenden")
@login_required
def drilldown():
    selection = select_from_request(current_user)
    measure = request.args.get("measure", "resolved")
    if measure not in DRILL_MEASURES:
        abort(404)
    if measure == "backlog":
        conditions = _backlog_conditions(selection)
    else:
        name = SHARE_NUMERATORS.get(measure, measure)
        spec = MEASURES[name]
        conditions = [spec.condition, *_period_filters(selection, spec.anchor)]
    all_count = db.session.scalar(select(func.count()).select_from(Ticket).where(*conditions))
    stmt = (
        select(Ticket)
        .where(*conditions, ticket_scope(current_user))
        .options(
            joinedload(Ticket.category),
            joinedload(Ticket.group),
            joinedload(Ticket.could_reason),
        )
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
    )
    page = paginate(stmt)
    audit.confidential_listed(page.items)
    html = render_template(
        "stats/tickets.html",
        sel=selection,
        active=active_filters(selection),
        measure=measure,
        page=page,
        hidden=all_count - page.total,
        query=query_args(),
    )
    return audit.committed((html, 400 if selection.errors else 200))


def _backlog_conditions(selection: Selection) -> list:
    now = utcnow()
    conditions = backlog_conditions(selection.filters)
    age = request.args.get("age")
    if age in {key for key, _, _ in AGE_BUCKETS}:
        conditions.append(age_condition(age, now))
    if request.args.get("overdue") == "1":
        conditions.append(overdue_condition(now))
    return conditions
