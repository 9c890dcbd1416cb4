"""API tokens: made, revoked, and used. Services flush; the caller commits."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from ..audit import services as audit
from ..auth.models import User
from ..core import apitokens
from ..core.text import has_direction_control, has_line_break
from ..core.timeutil import utcnow
from ..extensions import db
from ..lazytext import lazy_gettext as _l
from ..org.models import Group
from .errors import ApiError
from .models import ApiToken, IdempotentRequest

DEFAULT_LIFETIME = timedelta(days=365)
LONGEST_LIFETIME = timedelta(days=2 * 365)
# An Idempotency-Key's answer is kept this long: a retry after that is a new request.
IDEMPOTENCY_HOURS = 48


def _name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ApiError(_l("Give the token a name."), field="name")
    if len(name) > 120 or has_line_break(name) or has_direction_control(name) or "\x00" in name:
        raise ApiError(_l("The name must be one line of at most 120 characters."), field="name")
    return name


def _scopes(scopes: Iterable[str], user: User | None) -> list[str]:
    chosen = sorted({s.strip() for s in scopes if s and s.strip()})
    if not chosen:
        raise ApiError(_l("Choose at least one scope."), field="scopes")
    # Any group may hold secrets: a confidential group's, kept after its flag was
    # unticked, or a confidential subject area's (`tickets.secrecy`).
    groups = {g.slug: g for g in db.session.scalars(select(Group))}
    unknown = apitokens.unknown_scopes(chosen, groups)
    if unknown:
        raise ApiError(
            _l("Unknown scope: %(scope)s.", scope=", ".join(unknown)[:200]), field="scopes"
        )
    for slug in apitokens.confidential_slugs(chosen):
        if user is None or groups[slug].id not in user.group_ids:
            raise ApiError(
                _l(
                    "A confidential group's scope needs a token of a user who is a member "
                    "of %(group)s.",
                    group=groups[slug].name,
                ),
                field="scopes",
            )
    return chosen


def _expiry(expires_at: datetime | None, now: datetime) -> datetime:
    if expires_at is None:
        return now + DEFAULT_LIFETIME
    if expires_at <= now:
        raise ApiError(_l("The expiry date must be in the future."), field="expires")
    if expires_at > now + LONGEST_LIFETIME:
        raise ApiError(_l("A token may be valid for at most two years."), field="expires")
    return expires_at


def create_token(
    name: str,
    scopes: Iterable[str],
    *,
    user: User | None = None,
    expires_at: datetime | None = None,
    created_by: User | None = None,
) -> tuple[ApiToken, str]:
    """A new token; returns it and its text, which is never shown again."""
    now = utcnow()
    if user is not None and not user.active:
        raise ApiError(_l("The user is not active."), field="user")
    text = apitokens.new_token()
    token = ApiToken(
        name=_name(name),
        hint=apitokens.hint(text),
        token_hash=apitokens.token_hash(text),
        user=user,
        scopes=_scopes(scopes, user),
        expires_at=_expiry(expires_at, now),
        created_at=now,
        created_by=created_by,
    )
    db.session.add(token)
    db.session.flush()
    audit.record(
        "api.token_created",
        target=f"api-token:{token.id}",
        user_id=created_by.id if created_by else None,
        token=token.name,
        scopes=", ".join(token.scopes),
        expires=token.expires_at.date().isoformat(),
    )
    return token, text


def revoke(token: ApiToken, actor: User | None = None) -> None:
    if token.revoked_at is not None:
        return
    token.revoked_at = utcnow()
    audit.record(
        "api.token_revoked",
        target=f"api-token:{token.id}",
        user_id=actor.id if actor else None,
        token=token.name,
    )
    db.session.flush()


def find(text: str) -> ApiToken | None:
    """The token with this text, usable or not; None for a text that is no token."""
    if not apitokens.well_formed(text):
        return None
    return db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == apitokens.token_hash(text))
    )


def used(token: ApiToken, *, method: str, path: str, status: int, now: datetime) -> None:
    """A call made with the token: its last use (to the minute: not one more write per
    call), and an entry in the audit log."""
    if token.last_used_at is None or now - token.last_used_at >= timedelta(minutes=1):
        token.last_used_at = now
    audit.record(
        "api.call",
        target=f"api-token:{token.id}",
        user_id=token.user_id,
        token=token.name,
        method=method,
        path=path[:200],
        status=status,
    )
    db.session.flush()


def forget_idempotency(now: datetime | None = None) -> int:
    """Drop the answers kept for retried creates once they are old enough."""
    cutoff = (now or utcnow()) - timedelta(hours=IDEMPOTENCY_HOURS)
    result = db.session.execute(
        delete(IdempotentRequest).where(IdempotentRequest.created_at < cutoff)
    )
    db.session.flush()
    return result.rowcount or 0
