"""The resolution dashboard (/statistik) and its figures as JSON."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ...core.statistics import AGE_BUCKETS, first_contact_share
from ...extensions import db
from ...org.models import Category, CouldReason
from ...replica import replica_reads
from ...settings import services as settings
from .. import charts, queries
from ..document import document, target_share
from ..figures import (
    Backlog,
    Figures,
    backlog,
    figures,
)
from ..scope import Selection, active_filters, query_args, select_from_request
from .blueprint import bp


def _selection() -> Selection:
    return select_from_request(current_user)


@bp.get("/statistik")
@login_required
@replica_reads
def dashboard():
    selection = _selection()
    result = figures(selection.period, selection.filters)
    queue = backlog(selection.filters)
    names, categories = selection.groups, selection.categories
    target = target_share()
    weekly = [(week, first_contact_share(c).value) for week, c in result.weekly]
    sort = request.args.get("sort", "resolved")
    if sort not in ("name", "resolved", "first_contact"):
        sort = "resolved"
    return render_template(
        "stats/dashboard.html",
        sel=selection,
        active=active_filters(selection),
        fig=result,
        queue=queue,
        target=target,
        repeat_days=settings.get("repeat_contact_window_days"),
        chart=charts.share_line(weekly, target),
        bar_width=charts.bar_width,
        first_contact_of=first_contact_share,
        by_group=_sorted_rows(result.by_group, names, sort),
        by_category=_sorted_rows(result.by_category, categories, sort),
        sort=sort,
        age_buckets=AGE_BUCKETS,
        backlog_rows=_backlog_rows(queue, names),
        backlog_bar=_backlog_bar,
        backlog_max=max((sum(b.values()) for b in queue.by_group.values()), default=0),
        reasons=_could_reasons(result, categories),
        self_service=_self_service_rows(selection, categories),
        query=query_args(),
    ), (400 if selection.errors else 200)


def _self_service_rows(selection: Selection, categories: dict) -> tuple[int, list[tuple]]:
    """Self-service answers in the period: the total, and (subject area, count) rows,
    most first."""
    counts = queries.self_service(selection.period, selection.filters)
    rows = sorted(
        ((_label(categories, key), count) for key, count in counts.items()),
        key=lambda row: (-row[1], row[0].casefold()),
    )
    return sum(counts.values()), rows


def _label(names: dict, key) -> str:
    return str(names[key]) if key in names else "–"


def _backlog_rows(queue: Backlog, names: dict) -> list[tuple]:
    """(group id, name, tickets per age bucket), by the group's name."""
    rows = [(key, _label(names, key), buckets) for key, buckets in queue.by_group.items()]
    return sorted(rows, key=lambda row: row[1].casefold())


def _backlog_bar(buckets: dict[str, int], maximum: int) -> list[charts.Segment]:
    return charts.stacked_bar([(key, buckets[key]) for key, _, _ in AGE_BUCKETS], maximum)


def _sorted_rows(by: dict, names: dict, sort: str) -> list[tuple]:
    rows = [
        (key, _label(names, key), counters, first_contact_share(counters).value)
        for key, counters in by.items()
    ]
    if sort == "name":
        rows.sort(key=lambda r: r[1].casefold())
    elif sort == "first_contact":
        rows.sort(key=lambda r: (r[3] is None, -(r[3] or 0), r[1].casefold()))
    else:
        rows.sort(key=lambda r: (-r[2].resolved, r[1].casefold()))
    return rows


@dataclass
class ReasonTable:
    """The learning loop as a table: a row per subject area, a column per reason,
    each most frequent first; counts in cells, totals at the row ends and below."""

    reasons: list[str]
    rows: list[tuple[str, list[int], int]]  # subject area, count per reason, total
    totals: list[int]
    total: int


def _could_reasons(result: Figures, categories: dict[int, Category]) -> ReasonTable | None:
    """Why kundtjänst could have answered, per subject area (counted with the other
    figures, from the daily rows); None when nothing was marked."""
    names = {r.id: r.name for r in db.session.scalars(select(CouldReason))}
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for (category_id, reason_id), count in result.could_reasons.items():
        if count:
            category = categories.get(category_id)
            counts[(category.name if category else "–", names.get(reason_id, "–"))] += count
    if not counts:
        return None
    by_reason: dict[str, int] = defaultdict(int)
    by_category: dict[str, int] = defaultdict(int)
    for (category, reason), count in counts.items():
        by_reason[reason] += count
        by_category[category] += count
    reasons = sorted(by_reason, key=lambda r: (-by_reason[r], r.casefold()))
    rows = [
        (category, [counts.get((category, r), 0) for r in reasons], by_category[category])
        for category in sorted(by_category, key=lambda c: (-by_category[c], c.casefold()))
    ]
    return ReasonTable(
        reasons=reasons,
        rows=rows,
        totals=[by_reason[r] for r in reasons],
        total=sum(by_reason.values()),
    )


@bp.get("/statistik.json")
@login_required
@replica_reads
def dashboard_json():
    selection = _selection()
    if selection.errors:
        return jsonify(error=_("Bad request"), messages=selection.errors), 400
    return jsonify(document(selection))
