"""Imports every model so that SQLAlchemy and Alembic see the whole schema."""

from .audit.models import AuditEntry

from .auth.models import Role, User
from .org.models import Category, Department, Group, GroupKind, membership
from .routing.models import RoutingRule
from .settings.models import Setting
from .tickets.models import Event, Ticket, TicketSequence

__all__ = [
    "AuditEntry",
    "Category",
    "Department",
    "Event",
    "Group",
    "GroupKind",
    "Role",
    "RoutingRule",
    "Setting",
    "Ticket",
    "TicketSequence",
    "User",
    "membership",
]
