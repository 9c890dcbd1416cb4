"""Webhook subscriptions: subscribe (with the secret shown once), change, rotate the
secret, pause, resume, delete; and sending a delivery again. Used by the
administration pages, the API and the tests. Services flush; the caller commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from ..core import netguard
from ..core.timeutil import utcnow
from ..core.webhooksign import new_secret
from ..extensions import db
from ..lazytext import lazy_gettext as _l
from ..org.models import Group
from .errors import WebhookError
from .models import (
    EVENT_TYPES,
    FAILED,
    PENDING,
    SCOPE_PREFIX,
    SENDING,
    WebhookDelivery,
    WebhookSubscription,
)

DEFAULT_OVERLAP = timedelta(hours=24)
MAX_DESCRIPTION = 200

_URL_MESSAGES = {
    "length": _l("Enter the receiver's address, at most 2,000 characters."),
    "scheme": _l("Enter an address starting with http:// or https://."),
    "host": _l("The address has no valid host name."),
    "credentials": _l("The address may not hold a user name or password."),
    "port": _l("The address's port is not valid."),
    "resolve": _l("The address's host name could not be found."),
}


def allow_networks() -> tuple:
    return netguard.parse_networks(current_app.config.get("WEBHOOK_ALLOW_NETWORKS"))


def check_url(url: str) -> netguard.Target:
    """The URL taken apart, with every address its host resolves to allowed; else
    WebhookError(field="url")."""
    try:
        target = netguard.parse_url(url)
        netguard.resolve(target, allow_networks())
    except netguard.Refused as refused:
        if refused.reason == "address":
            raise WebhookError(
                _l(
                    "The address leads to %(address)s, a local or private network the "
                    "application may not send to.",
                    address=refused.detail,
                ),
                field="url",
            ) from None
        raise WebhookError(_URL_MESSAGES[refused.reason], field="url") from None
    return target


def _events(events: Iterable[str] | None) -> list[str]:
    chosen = list(dict.fromkeys(events or ()))
    if not chosen:
        raise WebhookError(_l("Choose at least one event."), field="events")
    unknown = [e for e in chosen if e not in EVENT_TYPES]
    if unknown:
        raise WebhookError(
            _l("Unknown event: %(name)s.", name=str(unknown[0])[:60]), field="events"
        )
    return [e for e in EVENT_TYPES if e in chosen]


def _groups(group_ids: Iterable[int] | None) -> list[int] | None:
    if group_ids is None:
        return None
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in group_ids):
        raise WebhookError(_l("Choose groups that exist."), field="groups")
    ids = sorted(set(group_ids))
    if not ids:
        return None
    found = set(db.session.scalars(select(Group.id).where(Group.id.in_(ids))))
    if found != set(ids):
        raise WebhookError(_l("Choose groups that exist."), field="groups")
    return ids


def _scopes(scopes: Iterable[str] | None) -> list[str]:
    chosen = list(dict.fromkeys(scopes or ()))
    # Any group may hold secrets: a confidential group's (kept after its flag was
    # unticked), or a confidential subject area's usual group (`tickets.secrecy`).
    slugs = {f"{SCOPE_PREFIX}{slug}" for slug in db.session.scalars(select(Group.slug))}
    for scope in chosen:
        if not isinstance(scope, str) or scope not in slugs:
            raise WebhookError(_l("A scope is confidential:<slug> of a group."), field="scopes")
    return sorted(chosen)


def _description(text: str | None) -> str | None:
    text = (text or "").strip() or None
    if text is not None and len(text) > MAX_DESCRIPTION:
        raise WebhookError(_l("Write the description in at most 200 characters."))
    return text


def subscribe(
    url: str,
    events: Iterable[str],
    *,
    group_ids: Iterable[int] | None = None,
    scopes: Iterable[str] = (),
    description: str | None = None,
    created_by: str | None = None,
) -> tuple[WebhookSubscription, str]:
    """A new subscription and its secret (shown to people now, and never again)."""
    chosen_events = _events(events)
    check_url(url)
    sub = WebhookSubscription(
        url=url,
        events=chosen_events,
        group_ids=_groups(None if group_ids is None else list(group_ids)),
        scopes=_scopes(scopes),
        description=_description(description),
        created_by=(created_by or None) and str(created_by)[:200],
        created_at=utcnow(),
        active=True,
        secret=new_secret(),
    )
    db.session.add(sub)
    db.session.flush()
    return sub, sub.secret


def change(
    sub: WebhookSubscription,
    *,
    events: Iterable[str],
    group_ids: Iterable[int] | None = None,
    scopes: Iterable[str] = (),
    description: str | None = None,
) -> WebhookSubscription:
    """New events, group filter, scopes and description (the address and the secret
    stay). Flushes."""
    sub.events = _events(events)
    sub.group_ids = _groups(None if group_ids is None else list(group_ids))
    sub.scopes = _scopes(scopes)
    sub.description = _description(description)
    db.session.flush()
    return sub


def rotate_secret(sub: WebhookSubscription, overlap: timedelta = DEFAULT_OVERLAP) -> str:
    """A new secret, returned (shown once); the old one still signs every delivery
    too for ``overlap``, so the receiver can switch without losing one."""
    now = utcnow()
    sub.previous_secret = sub.secret if overlap > timedelta(0) else None
    sub.previous_secret_until = now + overlap if overlap > timedelta(0) else None
    sub.secret = new_secret()
    db.session.flush()
    return sub.secret


def pause(sub: WebhookSubscription, reason: str | None) -> None:
    """Stop sending; deliveries keep being written and wait."""
    sub.paused_at = sub.paused_at or utcnow()
    sub.pause_reason = (reason or "").strip()[:2000] or None
    db.session.flush()


def resume(sub: WebhookSubscription) -> int:
    """Send again: what waited (and what failed for good meanwhile) goes, in order,
    with a full retry time of its own. Returns how many deliveries were put back."""
    now = utcnow()
    sub.paused_at, sub.pause_reason = None, None
    moved = db.session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.subscription_id == sub.id,
            WebhookDelivery.status.in_((PENDING, FAILED)),
        )
        .values(status=PENDING, cycle_started_at=now, next_attempt_at=now, claimed_at=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.flush()
    return moved


def delete(sub: WebhookSubscription) -> None:
    """Deactivate: nothing more is written or sent for it; its history stays. What
    still waited is marked failed."""
    sub.active = False
    sub.paused_at = sub.paused_at or utcnow()
    db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.subscription_id == sub.id, WebhookDelivery.status == PENDING)
        .values(status=FAILED, last_error="subscription deleted")
        .execution_options(synchronize_session=False)
    )
    db.session.flush()


def redeliver(delivery: WebhookDelivery) -> WebhookDelivery:
    """A new cycle of attempts for the same delivery: the same webhook-id and body, so
    a receiver that already has it can tell. Refused while it is being sent."""
    if delivery.status == SENDING:
        raise WebhookError(_l("That delivery is being sent right now."))
    if not delivery.subscription.active:
        raise WebhookError(_l("The subscription has been deleted."))
    now = utcnow()
    delivery.status = PENDING
    delivery.cycle_started_at = now
    delivery.next_attempt_at = now
    delivery.claimed_at = None
    delivery.delivered_at = None
    db.session.flush()
    return delivery
