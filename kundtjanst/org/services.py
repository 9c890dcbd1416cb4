"""Changes to the organisation, made by administrators: departments (förvaltningar),
groups (kundtjänst and svarsgrupper), subject areas (ämnesområden) and the learning
loop's reasons.

Each function takes objects and data, checks the domain rules, changes the database
and flushes; none commits. A broken rule raises `InvalidChange`, whose message is
shown as it is, next to the field it names.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import ngettext
from sqlalchemy import func, or_, select

from ..audit import services as audit
from ..core.errors import InvalidChange
from ..core.vocabulary import OPEN_STATUSES, GroupKind
from ..extensions import db
from ..lazytext import lazy_gettext as _l
from ..routing.models import RoutingRule
from ..tickets import secrecy
from ..tickets.models import Event, Ticket
from .models import Category, CouldReason, Department, Group


def _count(stmt) -> int:
    return db.session.scalar(stmt) or 0


def _name_taken(model, name: str, except_id: int | None = None) -> bool:
    """Case-insensitive, in Python: SQLite's lower() does not fold å, ä and ö."""
    wanted = name.casefold()
    rows = db.session.execute(select(model.id, model.name)).all()
    return any(n.casefold() == wanted and i != except_id for i, n in rows)


# --- departments (förvaltningar) ------------------------------------------


def save_department(department: Department | None, name: str) -> Department:
    """Create a department (``department`` None) or rename one."""
    if _name_taken(Department, name, department.id if department else None):
        raise InvalidChange(_l("There is already a department with that name."), "name")
    before = audit.fields(department, ("name",)) if department else {}
    if department is None:
        department = Department(name=name)
        db.session.add(department)
    department.name = name
    db.session.flush()
    audit.record_change("department", department.id, before, audit.fields(department, ("name",)))
    return department


def why_department_stays(department: Department):
    """Why the department cannot be deleted, or None when it can."""
    if not department.groups:
        return None
    return _l(
        "%(name)s cannot be deleted while groups belong to it (%(groups)s). "
        "Move them to another department first.",
        name=department.name,
        groups=", ".join(g.name for g in department.groups),
    )


def delete_department(department: Department) -> None:
    if reason := why_department_stays(department):
        raise InvalidChange(reason)
    audit.record_change("department", department.id, audit.fields(department, ("name",)), {})
    db.session.delete(department)
    db.session.flush()


# --- groups -----------------------------------------------------------------


@dataclass
class GroupData:
    slug: str
    name: str
    kind: GroupKind
    department: Department | None
    confidential: bool
    email: str | None
    active: bool
    sla_hours: int | None = None
    unclaimed_alert_hours: int | None = None
    successor: Group | None = None  # where its tickets go once it is inactive


def _frontline_ids() -> list[int]:
    return list(db.session.scalars(select(Group.id).where(Group.kind == GroupKind.FRONTLINE)))


def _check_group(group: Group | None, data: GroupData) -> None:
    own_id = group.id if group else None
    if db.session.scalar(select(Group.id).where(Group.slug == data.slug, Group.id != own_id)):
        raise InvalidChange(_l("There is already a group with that short name."), "slug")
    if _name_taken(Group, data.name, own_id):
        raise InvalidChange(_l("There is already a group with that name."), "name")
    others = [i for i in _frontline_ids() if i != own_id]
    is_frontline = group is not None and group.kind == GroupKind.FRONTLINE
    if data.kind == GroupKind.FRONTLINE and others:
        raise InvalidChange(
            _l("There can be only one customer service group, and there already is one."), "kind"
        )
    if is_frontline and data.kind != GroupKind.FRONTLINE and not others:
        raise InvalidChange(
            _l("This is the customer service group: every question lands here. It must stay."),
            "kind",
        )
    if data.kind == GroupKind.FRONTLINE and not data.active:
        raise InvalidChange(_l("The customer service group cannot be deactivated."), "active")
    if group is not None and group.active and not data.active:
        still_open = open_ticket_count(group)
        if still_open:
            raise InvalidChange(
                ngettext(
                    "The group still has %(num)d open ticket. "
                    "Transfer or close it before deactivating the group.",
                    "The group still has %(num)d open tickets. "
                    "Transfer or close them before deactivating the group.",
                    still_open,
                ),
                "active",
            )
    _check_successor(group, data)


def _check_successor(group: Group | None, data: GroupData) -> None:
    """An inactive group that has had tickets names an active successor: a ticket of its
    that is reopened (a citizen writes again) goes there, where someone works it."""
    chosen = data.successor
    if chosen is not None and (not chosen.active or (group is not None and chosen.id == group.id)):
        raise InvalidChange(_l("Choose another, active group."), "successor_id")
    deactivating = group is not None and not data.active and chosen is None
    if deactivating and group_usage(group)["tickets"]:
        raise InvalidChange(
            _l(
                "The group has had tickets: name the group that takes over a ticket of its "
                "that is opened again."
            ),
            "successor_id",
        )


def open_ticket_count(group: Group) -> int:
    return _count(
        select(func.count(Ticket.id)).where(
            Ticket.group_id == group.id, Ticket.status.in_(OPEN_STATUSES)
        )
    )


GROUP_FIELDS = (
    "slug",
    "name",
    "kind",
    "department_id",
    "confidential",
    "email",
    "active",
    "sla_hours",
    "unclaimed_alert_hours",
    "successor_id",
)


def save_group(group: Group | None, data: GroupData) -> Group:
    """Create a group (``group`` None) or change one.

    Secrecy can only be added to what is there: ticking "confidential" makes the
    tickets that are or have been in the group confidential at once, in the same
    transaction; unticking it applies only to tickets that arrive afterwards (those
    written under secrecy keep it until a member lifts it).
    """
    _check_group(group, data)
    before = audit.fields(group, GROUP_FIELDS) if group else {}
    made_confidential = group is not None and data.confidential and not group.confidential
    if group is None:
        group = Group()
        db.session.add(group)
    group.slug = data.slug
    group.name = data.name
    group.kind = data.kind
    group.department = data.department
    group.confidential = data.confidential
    group.email = data.email
    group.successor = None if data.active else data.successor
    group.active = data.active
    group.sla_hours = data.sla_hours
    group.unclaimed_alert_hours = (
        data.unclaimed_alert_hours if data.kind == GroupKind.ANSWER else None
    )
    db.session.flush()
    retagged = secrecy.mark_group_tickets(group) if made_confidential else None
    audit.record_change(
        "group", group.id, before, audit.fields(group, GROUP_FIELDS), tickets_retagged=retagged
    )
    return group


def group_usage(group: Group) -> dict[str, int]:
    """What refers to a group; a group anything refers to is deactivated, not deleted.
    ``tickets`` counts the tickets that are in the group, ever passed through it, or
    whose secret belongs to it."""
    passed_through = select(Event.ticket_id).where(Event.group_id == group.id)
    return {
        "tickets": _count(
            select(func.count(Ticket.id)).where(
                or_(
                    Ticket.group_id == group.id,
                    Ticket.secrecy_group_id == group.id,
                    Ticket.id.in_(passed_through),
                )
            )
        ),
        "rules": _count(select(func.count(RoutingRule.id)).where(RoutingRule.group_id == group.id)),
        "categories": _count(
            select(func.count(Category.id)).where(Category.default_group_id == group.id)
        ),
    }


def why_group_stays(group: Group):
    """Why the group cannot be deleted, or None when it can."""
    if group.kind == GroupKind.FRONTLINE:
        return _l("The customer service group cannot be deleted.")
    usage = group_usage(group)
    if not any(usage.values()):
        return None
    return _l(
        "%(name)s is in use (tickets: %(tickets)d, routing rules: %(rules)d, "
        "subject areas: %(categories)d) and cannot be deleted. Deactivate it instead.",
        name=group.name,
        **usage,
    )


def delete_group(group: Group) -> None:
    if reason := why_group_stays(group):
        raise InvalidChange(reason)
    audit.record_change("group", group.id, audit.fields(group, GROUP_FIELDS), {})
    db.session.delete(group)  # its memberships go with it
    db.session.flush()


# --- categories (ämnesområden) ---------------------------------------------


@dataclass
class CategoryData:
    name: str
    description: str | None
    default_group: Group | None
    sla_hours: int
    retention_months: int
    active: bool
    answer_sla_hours: int = 24
    confidential: bool = False


CATEGORY_FIELDS = (
    "name",
    "description",
    "default_group_id",
    "sla_hours",
    "answer_sla_hours",
    "retention_months",
    "confidential",
    "active",
)


def save_category(category: Category | None, data: CategoryData) -> Category:
    """Create a subject area (``category`` None) or change one. Ticking "confidential"
    makes the tickets already filed under it confidential too; unticking it applies
    only to questions filed afterwards."""
    if _name_taken(Category, data.name, category.id if category else None):
        raise InvalidChange(_l("There is already a subject area with that name."), "name")
    chosen = data.default_group
    if chosen is not None:
        unchanged = category is not None and category.default_group_id == chosen.id
        if chosen.kind != GroupKind.ANSWER or not (chosen.active or unchanged):
            raise InvalidChange(_l("Choose an active answer group."), "default_group_id")
    before = audit.fields(category, CATEGORY_FIELDS) if category else {}
    made_confidential = category is not None and data.confidential and not category.confidential
    if category is None:
        category = Category()
        db.session.add(category)
    category.name = data.name
    category.description = data.description
    category.default_group = chosen
    category.sla_hours = data.sla_hours
    category.answer_sla_hours = data.answer_sla_hours
    category.retention_months = data.retention_months
    category.confidential = data.confidential
    category.active = data.active
    db.session.flush()
    retagged = secrecy.mark_category_tickets(category) if made_confidential else None
    audit.record_change(
        "category",
        category.id,
        before,
        audit.fields(category, CATEGORY_FIELDS),
        tickets_retagged=retagged,
    )
    return category


def why_category_stays(category: Category):
    """Why the subject area cannot be deleted, or None when it can."""
    tickets = _count(select(func.count(Ticket.id)).where(Ticket.category_id == category.id))
    rules = _count(select(func.count(RoutingRule.id)).where(RoutingRule.category_id == category.id))
    if not (tickets or rules):
        return None
    return _l(
        "%(name)s is in use (tickets: %(tickets)d, routing rules: %(rules)d) "
        "and cannot be deleted. Deactivate it instead.",
        name=category.name,
        tickets=tickets,
        rules=rules,
    )


def delete_category(category: Category) -> None:
    if reason := why_category_stays(category):
        raise InvalidChange(reason)
    audit.record_change("category", category.id, audit.fields(category, CATEGORY_FIELDS), {})
    db.session.delete(category)
    db.session.flush()


# --- the learning loop's reasons (orsaker) --------------------------------------


REASON_FIELDS = ("name", "active")


def save_reason(reason: CouldReason | None, name: str, active: bool) -> CouldReason:
    """Create a reason (``reason`` None) or change one. Reasons are never deleted:
    closed tickets keep theirs; an unwanted one is deactivated."""
    if _name_taken(CouldReason, name, reason.id if reason else None):
        raise InvalidChange(_l("There is already a reason with that name."), "name")
    before = audit.fields(reason, REASON_FIELDS) if reason else {}
    if reason is None:
        reason = CouldReason()
        db.session.add(reason)
    reason.name = name
    reason.active = active
    db.session.flush()
    audit.record_change("reason", reason.id, before, audit.fields(reason, REASON_FIELDS))
    return reason
