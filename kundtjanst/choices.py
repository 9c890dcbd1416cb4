"""The options of every select, radio and checkbox list, in one place (the forms' own
room: views fill a field's ``choices`` from here, nowhere else).

Each function returns `SelectChoice` options, optionally after a blank first one.
Lists of things an administrator can deactivate offer only the active ones, plus the
value a form is showing now (``current_id``), marked "(inactive)": editing something
else never forces a change of it.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from . import locales
from .auth.models import User
from .core.vocabulary import Channel, GroupKind, Priority, Status
from .extensions import db
from .forms import SelectChoice, choice
from .labels import CHANNEL, PRIORITY, STATUS
from .lazytext import lazy_gettext as _l
from .org.models import Category, CouldReason, Department, Group


def _blank(label) -> list[SelectChoice]:
    return [] if label is None else [choice("", label)]


def _named(thing) -> str:
    return thing.name if thing.active else _l("%(name)s (inactive)", name=thing.name)


def of(rows: Iterable, blank=None) -> list[SelectChoice]:
    """Options for rows already loaded (anything with ``id`` and ``name``)."""
    return _blank(blank) + [choice(row.id, row.name) for row in rows]


def labelled(labels: dict) -> list[SelectChoice]:
    """Options for an enum's values, with their labels (`labels.ROLE` and the like)."""
    return [choice(getattr(value, "value", value), label) for value, label in labels.items()]


def categories(blank=None, *, current_id: int | None = None) -> list[SelectChoice]:
    """Active subject areas, by name."""
    stmt = select(Category).where(Category.active.is_(True) | (Category.id == current_id))
    return _blank(blank) + [
        choice(c.id, _named(c)) for c in db.session.scalars(stmt.order_by(Category.name))
    ]


def groups(
    blank=None,
    *,
    kind: GroupKind | None = None,
    exclude_id: int | None = None,
    current_id: int | None = None,
) -> list[SelectChoice]:
    """Active groups (of one kind), by name, but for ``exclude_id``."""
    stmt = select(Group).where(Group.active.is_(True) | (Group.id == current_id))
    if kind is not None:
        stmt = stmt.where(Group.kind == kind)
    return _blank(blank) + [
        choice(g.id, _named(g))
        for g in db.session.scalars(stmt.order_by(Group.name))
        if g.id != exclude_id
    ]


def every_group() -> list[SelectChoice]:
    """Every group, inactive ones marked (memberships)."""
    return [choice(g.id, _named(g)) for g in db.session.scalars(select(Group).order_by(Group.name))]


def departments(blank=None) -> list[SelectChoice]:
    return of(db.session.scalars(select(Department).order_by(Department.name)), blank)


def reasons(blank=None) -> list[SelectChoice]:
    """The learning loop's active reasons."""
    stmt = select(CouldReason).where(CouldReason.active.is_(True)).order_by(CouldReason.name)
    return of(db.session.scalars(stmt), blank)


def channels(blank=None, only: Iterable[Channel] = tuple(Channel)) -> list[SelectChoice]:
    return _blank(blank) + [choice(c.value, CHANNEL[c]) for c in only]


def statuses(blank=None, only: Iterable[Status] = tuple(Status)) -> list[SelectChoice]:
    return _blank(blank) + [choice(s.value, STATUS[s]) for s in only]


def priorities(blank=None) -> list[SelectChoice]:
    return _blank(blank) + [choice(p.value, PRIORITY[p]) for p in Priority]


def users(*extra: SelectChoice) -> list[SelectChoice]:
    """Every user by name, inactive ones marked, after ``extra`` options."""
    rows = db.session.execute(select(User.id, User.name, User.active).order_by(User.name))
    return [*extra] + [
        choice(id_, name if active else _l("%(name)s (inactive)", name=name))
        for id_, name, active in rows
    ]


def languages(blank=None, *, current: str | None = None) -> list[SelectChoice]:
    """The citizens' languages (CITIZEN_LANGUAGES), named in the page's language; a
    rule's language no longer offered stays, marked "(inactive)"."""
    codes = list(locales.citizen_languages())
    options = [choice(code, locales.name_here(code)) for code in codes]
    if current and current not in codes:
        options.append(choice(current, _l("%(name)s (inactive)", name=locales.name_here(current))))
    return _blank(blank) + options
