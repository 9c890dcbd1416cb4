"""Webhook subscriptions, the deliveries written for them, and each attempt to send
one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.timeutil import utcnow
from ..dbtypes import UTCDateTime
from ..extensions import db

# The events a subscription may ask for.
EVENT_TYPES = (
    "ticket.created",
    "ticket.escalated",
    "ticket.claimed",
    "ticket.resolved",
    "ticket.reopened",
    "ticket.citizen_message",
)

PENDING = "pending"  # waiting to be sent (again), or for its subscription to resume
SENDING = "sending"  # claimed by a sender right now
DELIVERED = "delivered"  # the receiver answered 2xx
FAILED = "failed"  # still refused after the retry time (or its subscription was deleted)
STATUSES = (PENDING, SENDING, DELIVERED, FAILED)

SCOPE_PREFIX = "confidential:"


class WebhookSubscription(db.Model):
    __tablename__ = "webhook_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str | None] = mapped_column(String(200))
    events: Mapped[list[str]] = mapped_column(JSON)
    # Group ids whose tickets are sent; None: every group.
    group_ids: Mapped[list[int] | None] = mapped_column(JSON)
    # "confidential:<group slug>": a confidential ticket of that secrecy group carries
    # its subject; without the scope its payload has no content.
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # False: deleted (kept for its deliveries' history, listed nowhere).
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pause_reason: Mapped[str | None] = mapped_column(Text)
    # Kept in clear: it signs every delivery. Shown to people once only.
    secret: Mapped[str] = mapped_column(String(100))
    previous_secret: Mapped[str | None] = mapped_column(String(100))
    previous_secret_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def paused(self) -> bool:
        return self.paused_at is not None

    def secrets_in_use(self, now: datetime) -> list[str]:
        """The current secret, and the previous one while its overlap lasts."""
        until = self.previous_secret_until
        if self.previous_secret and until is not None and until > now:
            return [self.secret, self.previous_secret]
        return [self.secret]


class WebhookDelivery(db.Model):
    """One event for one subscription. Its body is built once, when the change that
    caused it is committed; every attempt sends the same bytes with the same id."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_webhook_deliveries_status_next", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_order", "subscription_id", "ticket_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("webhook_subscriptions.id"))
    webhook_id: Mapped[str] = mapped_column(String(64), unique=True)
    type: Mapped[str] = mapped_column(String(40))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(Integer)
    payload: Mapped[str] = mapped_column(Text)  # the JSON body, exactly as sent
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the current cycle of attempts began (created, resent, or resumed): the
    # retry time counts from here.
    cycle_started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)

    subscription: Mapped[WebhookSubscription] = relationship()
    attempt_rows: Mapped[list[WebhookAttempt]] = relationship(
        back_populates="delivery", order_by="WebhookAttempt.id", lazy="raise_on_sql"
    )


class WebhookAttempt(db.Model):
    """One POST of a delivery: its answer, or why there was none."""

    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("webhook_deliveries.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    latency_ms: Mapped[int | None] = mapped_column(Integer)
    response_excerpt: Mapped[str | None] = mapped_column(Text)

    delivery: Mapped[WebhookDelivery] = relationship(back_populates="attempt_rows")

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
