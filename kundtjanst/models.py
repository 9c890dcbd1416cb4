"""Imports every model so that SQLAlchemy and Alembic see the whole schema."""

from .audit.models import AuditEntry
from .auth.models import Role, User
from .jobs.models import JobRun, SchedulerLease
from .officehours.models import OfficeHours, SpecialDay
from .org.models import Category, Department, Group, GroupKind, membership
from .routing.models import RoutingRule
from .settings.models import Setting
from .stats.models import (
    CouldReason,
    StatsDaily,
    StatsDailyAnswerTime,
    StatsDailyCouldReason,
    StatsDay,
)
from .tickets.models import Event, Ticket, TicketSequence

__all__ = [
    "AuditEntry",
    "Category",
    "CouldReason",
    "Department",
    "Event",
    "Group",
    "GroupKind",
    "JobRun",
    "OfficeHours",
    "Role",
    "RoutingRule",
    "SchedulerLease",
    "Setting",
    "SpecialDay",
    "StatsDaily",
    "StatsDailyAnswerTime",
    "StatsDailyCouldReason",
    "StatsDay",
    "Ticket",
    "TicketSequence",
    "User",
    "membership",
]
