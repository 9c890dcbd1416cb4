"""The lists of tickets: kundtjänst's inbox, the svarsgrupp queues, "mine", search."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ... import choices
from ...audit import services as audit
from ...core.timeutil import months_before, utcnow
from ...core.vocabulary import OPEN_STATUSES, GroupKind
from ...extensions import db
from ...lazytext import lazy_gettext as _l
from ...org.models import Group
from ...permissions import frontline_required
from ...settings import services as settings
from ...web import paginate
from .. import queries
from ..forms import InboxFilterForm
from .blueprint import bp


def sort_arg() -> str:
    """The ``sort`` query parameter: ``oldest`` (default) or ``due`` (least time left)."""
    sort = request.args.get("sort", "oldest")
    return sort if sort in queries.SORTS else "oldest"


@bp.get("/inkorg")
@frontline_required
def inbox():
    form = InboxFilterForm(formdata=request.args)
    form.channel.choices = choices.channels(_l("All channels"))
    form.category.choices = choices.categories(_l("All subject areas"))
    form.status.choices = choices.statuses(_l("All open"), OPEN_STATUSES)
    sort = sort_arg()
    filters = queries.InboxFilter(sort=sort)
    if form.validate():
        filters = queries.InboxFilter(
            channel=form.channel.data or None,
            category_id=form.category.data,
            status=form.status.data or None,
            q=form.q.data or "",
            sort=sort,
        )
    page = paginate(queries.inbox(current_user, Group.frontline(), filters))
    audit.confidential_listed(page.items)
    return audit.committed(render_template("tickets/inbox.html", form=form, page=page, sort=sort))


@bp.get("/ko")
@login_required
def queues():
    groups = current_user.answer_groups
    if not groups:
        abort(403)
    if len(groups) == 1:
        return redirect(url_for("tickets.queue", slug=groups[0].slug))
    counts = queries.queue_counts([g.id for g in groups])
    return render_template("tickets/queues.html", groups=groups, counts=counts)


@bp.get("/ko/<slug>")
@login_required
def queue(slug: str):
    group = db.session.scalar(select(Group).where(Group.slug == slug, Group.active.is_(True)))
    if group is None or group.kind != GroupKind.ANSWER:
        abort(404)
    if group.id not in current_user.group_ids:
        abort(403)
    sort = sort_arg()
    page = paginate(queries.queue(current_user, group, sort))
    audit.confidential_listed(page.items)
    return audit.committed(render_template("tickets/queue.html", group=group, page=page, sort=sort))


@bp.get("/mina")
@login_required
def mine():
    page = paginate(queries.mine(current_user))
    audit.confidential_listed(page.items)
    return audit.committed(render_template("tickets/mine.html", page=page))


@bp.get("/sok")
@login_required
def search():
    q = (request.args.get("q") or "").strip()[:200]
    page = restricted = None
    if q:
        page = paginate(queries.search(current_user, q))
        reference = queries.normalise_reference(q)
        if reference and not page.items:
            restricted = queries.get_restricted(current_user, reference)
        audit.confidential_listed(page.items)
        if restricted is not None:
            audit.confidential_metadata(restricted.reference)
        if reference is None:  # words, perhaps a citizen's name, across every department
            audit.record("ticket.search", terms=audit.search_terms(q), results=page.total)
    return audit.committed(
        render_template("tickets/search.html", q=q, page=page, restricted=restricted)
    )


@bp.get("/arenden/utan-aktivitet")
@login_required
def stale():
    """Open questions nobody has touched for months: close them, or they are
    anonymised after their retention time with the question still open."""
    months = settings.get("stale_open_months")
    page = paginate(queries.stale(current_user, months_before(utcnow(), months)))
    audit.confidential_listed(page.items)
    return audit.committed(render_template("tickets/stale.html", page=page, months=months))
