"""Reading subscriptions and their deliveries."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from .models import FAILED, PENDING, WebhookDelivery, WebhookSubscription


def subscriptions() -> Select:
    """Every subscription not deleted, oldest first."""
    return (
        select(WebhookSubscription)
        .where(WebhookSubscription.active.is_(True))
        .order_by(WebhookSubscription.id)
    )


def deliveries(sub: WebhookSubscription) -> Select:
    """A subscription's deliveries, newest first, with their attempts."""
    return (
        select(WebhookDelivery)
        .where(WebhookDelivery.subscription_id == sub.id)
        .options(selectinload(WebhookDelivery.attempt_rows))
        .order_by(WebhookDelivery.id.desc())
    )


def waiting_counts() -> dict[int, dict[str, int]]:
    """Per subscription: how many deliveries wait and how many failed."""
    rows = db.session.execute(
        select(WebhookDelivery.subscription_id, WebhookDelivery.status, func.count())
        .where(WebhookDelivery.status.in_((PENDING, FAILED)))
        .group_by(WebhookDelivery.subscription_id, WebhookDelivery.status)
    )
    counts: dict[int, dict[str, int]] = {}
    for sub_id, status, number in rows:
        counts.setdefault(sub_id, {PENDING: 0, FAILED: 0})[status] = number
    return counts


def paused_count() -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(WebhookSubscription)
        .where(WebhookSubscription.active.is_(True), WebhookSubscription.paused_at.is_not(None))
    )
