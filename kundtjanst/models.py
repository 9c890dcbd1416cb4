"""Imports every model so that SQLAlchemy and Alembic see the whole schema."""

from .api.models import ApiToken, IdempotentRequest
from .attachments.models import Attachment
from .audit.models import AuditEntry, TicketRead
from .auth.models import Role, User
from .calls.models import Call
from .core.vocabulary import GroupKind
from .exports.models import Export, ExportChunk
from .inbound.models import InboundMail
from .intake.models import Receipt
from .jobs.models import JobRun, SchedulerLease
from .kb.models import (
    AnswerTemplate,
    Article,
    ArticleVersion,
    KnowledgeUse,
    SearchMiss,
    SelfServiceAnswer,
)
from .mail.models import OutgoingMail
from .org.models import Category, CouldReason, Department, Group, membership
from .routing.models import RoutingRule
from .settings.models import Setting
from .stats.models import StatsDaily, StatsDailyAnswerTime, StatsDailyCouldReason, StatsDay
from .tickets.models import Event, Ticket, TicketSequence
from .webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from .worktime.models import OfficeHours, SpecialDay

__all__ = [
    "AnswerTemplate",
    "ApiToken",
    "Article",
    "ArticleVersion",
    "Attachment",
    "AuditEntry",
    "Call",
    "Category",
    "CouldReason",
    "Department",
    "Event",
    "Export",
    "ExportChunk",
    "Group",
    "GroupKind",
    "IdempotentRequest",
    "InboundMail",
    "JobRun",
    "KnowledgeUse",
    "OfficeHours",
    "OutgoingMail",
    "Receipt",
    "Role",
    "RoutingRule",
    "SchedulerLease",
    "SearchMiss",
    "SelfServiceAnswer",
    "Setting",
    "SpecialDay",
    "StatsDaily",
    "StatsDailyAnswerTime",
    "StatsDailyCouldReason",
    "StatsDay",
    "Ticket",
    "TicketRead",
    "TicketSequence",
    "User",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookSubscription",
    "membership",
]
