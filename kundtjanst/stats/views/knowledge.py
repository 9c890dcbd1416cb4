"""The knowledge gap report (/statistik/kunskap) and the tickets behind its
first-contact figures (/statistik/kunskap/arenden), for managers and svarsgrupp
members; the figures are `stats.knowledge`'s."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ...audit import services as audit
from ...core.timeutil import local_today
from ...extensions import db
from ...permissions import ticket_scope
from ...tickets.models import Ticket
from ...web import paginate
from ..knowledge import gap_report, resolved_conditions, used_article
from ..scope import query_args, select_from_request
from .blueprint import bp


def _may_see_report() -> None:
    if not (current_user.is_manager or current_user.answer_groups):
        abort(403)


def write_link(category_id: int | None, title: str | None = None) -> str:
    """The new-article page, its subject area and title filled in."""
    params = {"category": category_id, "title": title}
    return url_for("kb.new_article", **{k: v for k, v in params.items() if v})


@bp.get("/statistik/kunskap")
@login_required
def knowledge():
    _may_see_report()
    selection = select_from_request(current_user)
    report = gap_report(
        current_user, selection.period, selection.filters, selection.categories, local_today()
    )
    return render_template(
        "stats/knowledge.html",
        sel=selection,
        report=report,
        query=query_args(),
        write_link=write_link,
        today=local_today(),
    ), (400 if selection.errors else 200)


@bp.get("/statistik/kunskap/arenden")
@login_required
def knowledge_tickets():
    """Tickets resolved in the period whose answer used an article (``used=1``) or
    none (``used=0``); ``first=1``: only those answered at first contact."""
    _may_see_report()
    used, first = request.args.get("used"), request.args.get("first", "0")
    if used not in ("0", "1") or first not in ("0", "1"):
        abort(404)
    selection = select_from_request(current_user)
    conditions = resolved_conditions(selection.period, selection.filters)
    conditions.append(used_article() if used == "1" else ~used_article())
    if first == "1":
        conditions.append(Ticket.first_contact.is_(True))
    all_count = db.session.scalar(select(func.count()).select_from(Ticket).where(*conditions))
    stmt = (
        select(Ticket)
        .where(*conditions, ticket_scope(current_user))
        .options(joinedload(Ticket.category), joinedload(Ticket.group))
        .order_by(Ticket.resolved_at.desc(), Ticket.id.desc())
    )
    page = paginate(stmt)
    audit.confidential_listed(page.items)
    html = render_template(
        "stats/knowledge_tickets.html",
        sel=selection,
        used=used == "1",
        first=first == "1",
        page=page,
        hidden=all_count - page.total,
        query=query_args(),
    )
    return audit.committed((html, 400 if selection.errors else 200))
