"""Sending due deliveries: one POST each, signed, retried with backoff.

`deliver` claims due rows a few at a time (`claiming`: of two schedulers, one sends
each row), posts the body kept in the row with the headers of Standard Webhooks, records
the attempt and commits its outcome before the next. A delivery waits while an
earlier one of the same subscription and ticket is not delivered, and while its
subscription is paused; so a ticket's events arrive in order, and a paused
subscription loses nothing.

A failed attempt (no answer, or anything but 2xx — redirects are not followed) is
tried again after 30 s, 1, 2, 4 … minutes, at most an hour apart, for
``WEBHOOK_RETRY_HOURS`` (24) from the start of its cycle; then the delivery has
failed. **A delivery that fails for good pauses its subscription** and the
administrators are told by e-mail (the outbox) and on /admin/api/webhooks; resuming
sends what waited, in order.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import aliased

from .. import claiming, locales
from ..auth.models import Role, User
from ..core.timeutil import utcnow
from ..core.webhooksign import backoff, signature_header
from ..extensions import db
from ..mail import services as outbox
from . import transport
from .models import DELIVERED, FAILED, PENDING, SENDING, WebhookAttempt, WebhookDelivery
from .models import WebhookSubscription as Subscription
from .services import allow_networks

log = logging.getLogger("kundtjanst.webhooks")

STUCK = timedelta(minutes=10)
# Deliveries claimed at once (one commit), then sent one by one, each outcome committed.
BATCH = 10
USER_AGENT = "EnVagIn-Webhooks/1"


def _waiting_for_earlier():
    earlier = aliased(WebhookDelivery)
    return (
        select(earlier.id)
        .where(
            earlier.subscription_id == WebhookDelivery.subscription_id,
            earlier.ticket_id == WebhookDelivery.ticket_id,
            earlier.id < WebhookDelivery.id,
            earlier.status != DELIVERED,
        )
        .exists()
    )


def _sending_subscriptions():
    return select(Subscription.id).where(
        Subscription.active.is_(True), Subscription.paused_at.is_(None)
    )


def _due(now: datetime, ids: Iterable[int] | None) -> list:
    due = [
        WebhookDelivery.status == PENDING,
        WebhookDelivery.subscription_id.in_(_sending_subscriptions()),
        ~_waiting_for_earlier(),
    ]
    if ids is not None:
        due.append(WebhookDelivery.id.in_(list(ids)))
    else:
        due.append(WebhookDelivery.next_attempt_at <= now)
    return due


def headers(delivery: WebhookDelivery, sub: Subscription, timestamp: int) -> dict[str, str]:
    body = delivery.payload.encode("utf-8")
    secrets_in_use = sub.secrets_in_use(utcnow())
    return {
        "webhook-id": delivery.webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(secrets_in_use, delivery.webhook_id, timestamp, body),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }


def _attempt(delivery: WebhookDelivery, now: datetime) -> str:
    sub = delivery.subscription
    timestamp = int(utcnow().timestamp())  # the time of the attempt, as receivers check it
    answer = transport.post(
        sub.url,
        delivery.payload.encode("utf-8"),
        headers(delivery, sub, timestamp),
        timeout=current_app.config["WEBHOOK_TIMEOUT"],
        allow=allow_networks(),
    )
    delivery.attempts += 1
    db.session.add(
        WebhookAttempt(
            delivery_id=delivery.id,
            at=now,
            status_code=answer.status_code,
            error=answer.error,
            latency_ms=answer.latency_ms,
            response_excerpt=answer.excerpt,
        )
    )
    if answer.ok:
        delivery.status, delivery.delivered_at, delivery.last_error = DELIVERED, now, None
        return DELIVERED
    delivery.last_error = answer.error or f"HTTP {answer.status_code}"
    retry_hours = current_app.config["WEBHOOK_RETRY_HOURS"]
    if now - delivery.cycle_started_at >= timedelta(hours=retry_hours):
        delivery.status = FAILED
        _pause_failing(sub, delivery, now)
        return FAILED
    delivery.status, delivery.next_attempt_at = PENDING, now + backoff(delivery.attempts)
    return PENDING


def _pause_failing(sub: Subscription, delivery: WebhookDelivery, now: datetime) -> None:
    """The receiver has not taken a delivery for the whole retry time: pause the
    subscription and tell the administrators."""
    if sub.paused_at is not None:
        return
    sub.paused_at = now
    sub.pause_reason = _(
        "Paused automatically: delivery %(id)s was refused for %(hours)d hours (%(error)s).",
        id=delivery.webhook_id,
        hours=current_app.config["WEBHOOK_RETRY_HOURS"],
        error=delivery.last_error,
    )
    log.warning("Webhook subscription %s paused: %s", sub.id, sub.pause_reason)
    admins = db.session.execute(
        select(User.email, User.language).where(User.role == Role.ADMIN, User.active.is_(True))
    ).all()
    for language, addresses in locales.by_language(admins).items():
        with force_locale(language):
            _tell_admins(sub, addresses)


def _tell_admins(sub: Subscription, addresses: list[str]) -> None:
    """The paused subscription's mail, in the current locale."""
    base = current_app.config["BASE_URL"].rstrip("/")
    body = "\n".join(
        [
            _("A webhook subscription has been paused because its receiver keeps failing."),
            "",
            _("Address: %(url)s", url=sub.url),
            sub.pause_reason,
            "",
            _("Deliveries wait and nothing is lost. Resume it when the receiver works again:"),
            f"{base}/admin/api/webhooks/{sub.id}",
        ]
    )
    outbox.queue(addresses, _("A webhook subscription was paused"), body)


def deliver(now: datetime | None = None, ids: Iterable[int] | None = None) -> dict[str, int]:
    """Send the deliveries due at ``now`` (or just ``ids``, due or not); commits each
    outcome. Returns how many ended in each state."""
    now = now or utcnow()
    claiming.release_stuck(WebhookDelivery, now - STUCK, pending=PENDING, sending=SENDING)
    db.session.commit()
    counts = {DELIVERED: 0, PENDING: 0, FAILED: 0}
    ids = list(ids) if ids is not None else None
    while claimed := claiming.claim_many(
        WebhookDelivery, _due(now, ids), now, pending=PENDING, sending=SENDING, limit=BATCH
    ):
        for row_id in claimed:
            row = db.session.get(WebhookDelivery, row_id)
            if row.subscription.paused_at is not None or not row.subscription.active:
                row.status = PENDING  # paused since it was claimed (its receiver failed)
            else:
                counts[_attempt(row, now)] += 1
            db.session.commit()
    return counts
