"""Options for the administration forms' selects and checkbox lists.

An inactive option is offered only when it is the current value, so editing
something else never forces a change of it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..forms import SelectChoice, choice
from ..labels import CHANNEL, PRIORITY
from ..org.models import Category, Department, Group, GroupKind
from ..tickets.models import Channel, Priority


def _label(thing) -> str:
    return thing.name if thing.active else _l("%(name)s (inactive)", name=thing.name)


def membership_choices() -> list[SelectChoice]:
    groups = db.session.scalars(select(Group).order_by(Group.name))
    return [choice(g.id, _label(g)) for g in groups]


def department_choices() -> list[SelectChoice]:
    departments = db.session.scalars(select(Department).order_by(Department.name))
    return [choice("", _l("No department"))] + [choice(d.id, d.name) for d in departments]


def _groups(current_id: int | None, kind: GroupKind | None = None) -> list[SelectChoice]:
    stmt = select(Group).where(Group.active.is_(True) | (Group.id == current_id))
    if kind is not None:
        stmt = stmt.where(Group.kind == kind)
    return [choice(g.id, _label(g)) for g in db.session.scalars(stmt.order_by(Group.name))]


def default_group_choices(current_id: int | None) -> list[SelectChoice]:
    return [choice("", _l("None")), *_groups(current_id, GroupKind.ANSWER)]


def target_group_choices(current_id: int | None) -> list[SelectChoice]:
    return [choice("", _l("Choose a group")), *_groups(current_id)]


def category_choices(current_id: int | None) -> list[SelectChoice]:
    stmt = select(Category).where(Category.active.is_(True) | (Category.id == current_id))
    categories = db.session.scalars(stmt.order_by(Category.name))
    return [choice("", _l("Any subject area"))] + [choice(c.id, _label(c)) for c in categories]


def channel_choices() -> list[SelectChoice]:
    return [choice("", _l("Any channel"))] + [choice(c.value, CHANNEL[c]) for c in Channel]


def priority_choices() -> list[SelectChoice]:
    return [choice("", _l("Keep the ticket's priority"))] + [
        choice(p.value, PRIORITY[p]) for p in Priority
    ]
