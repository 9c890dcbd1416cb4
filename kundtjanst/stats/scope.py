"""Who sees which figures: managers and administrators everything; staff their own groups.

Figures always count every ticket (confidential ones included); ticket lists and
exports additionally pass `permissions.ticket_scope`, so a confidential group's
tickets are listed only to its members.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask import abort, request
from sqlalchemy import select

from .. import choices
from ..core.statistics import Period, preset_period
from ..core.timeutil import local_today
from ..extensions import db
from ..lazytext import lazy_gettext as _l
from ..org.models import Category, Group
from .aggregate import Filters
from .forms import StatsFilterForm


@dataclass
class Selection:
    form: StatsFilterForm
    period: Period
    filters: Filters
    errors: list[str]
    # Every group and subject area by id, as loaded for the filters (the dashboard
    # names its rows with them).
    groups: dict[int, Group]
    categories: dict[int, Category]


def visible_group_ids(user) -> tuple[int, ...] | None:
    """None: every group (managers, administrators). Otherwise the user's groups
    (none at all: the user sees no figures)."""
    if user.is_manager:
        return None
    return tuple(sorted(user.group_ids))


def allowed_group_ids(user) -> tuple[int, ...] | None:
    """`visible_group_ids`, refusing (403) a staff member without groups."""
    ids = visible_group_ids(user)
    if ids == ():
        abort(403)
    return ids


def chosen_group_ids(
    allowed: tuple[int, ...] | None,
    groups: Iterable[Group],
    department_id: int | None,
    group_id: int | None,
) -> tuple[int, ...] | None:
    """The groups a department and group filter leave of ``allowed`` (None: all)."""
    group_ids = allowed
    if department_id:
        in_department = tuple(g.id for g in groups if g.department_id == department_id)
        group_ids = (
            in_department
            if group_ids is None
            else tuple(g for g in group_ids if g in in_department)
        )
    if group_id:
        group_ids = (group_id,) if group_ids is None or group_id in group_ids else ()
    return group_ids


def select_from_request(user) -> Selection:
    """Read period and filters from the query string, within what ``user`` may see."""
    args = request.args.copy()
    if "period" not in args and ("from" in args or "to" in args):
        args["period"] = "custom"
    form = StatsFilterForm(formdata=args)
    allowed = allowed_group_ids(user)

    groups = list(db.session.scalars(select(Group).order_by(Group.name)))
    form.group.choices = choices.of(
        (g for g in groups if allowed is None or g.id in allowed), _l("All groups")
    )
    form.department.choices = choices.departments(_l("All departments"))
    categories = list(db.session.scalars(select(Category).order_by(Category.name)))
    form.category.choices = choices.of(categories, _l("All subject areas"))
    by_id = {g.id: g for g in groups}, {c.id: c for c in categories}

    today = local_today()
    if not form.validate():
        errors = [str(message) for _, _, message in form.all_errors]
        period = preset_period("month", today)
        return Selection(form, period, Filters(group_ids=allowed), errors, *by_id)

    filters = Filters(
        channel=form.channel.data or None,
        category_id=form.category.data,
        group_ids=chosen_group_ids(allowed, groups, form.department.data, form.group.data),
        language=form.language.data or None,
    )
    return Selection(form, form.chosen_period(today), filters, [], *by_id)


def active_filters(selection: Selection) -> list[tuple[str, str]]:
    """The filters chosen, as (the field's label, the chosen option's): the summary
    above the figures and lists. Empty when the filters were refused (the figures are
    then the month's, unfiltered, under the form's error)."""
    if selection.errors:
        return []
    form = selection.form
    chosen = []
    for field in (form.channel, form.department, form.group, form.category, form.language):
        if field.data in (None, ""):
            continue
        labels = {option.value: option.label for option in field.choices}
        chosen.append((str(field.label.text), str(labels.get(field.data, field.data))))
    return chosen


def query_args() -> dict[str, str]:
    """The current period and filters, to carry into links."""
    keep = ("period", "from", "to", "channel", "group", "department", "category", "language")
    return {k: v for k, v in request.args.items() if k in keep and v}
